import { z } from "zod";
import { requireCustomer } from "../../auth/guards.server";
import { chipProps } from "../../components/chip";
import { KeysetPager } from "../../components/data-table";
import { DateTime } from "../../components/date-time";
import { Money } from "../../components/money";
import { RouteErrorBoundary } from "../../components/route-error";
import { AppLink, RowLink } from "../../components/row-link";
import { StatusBadge } from "../../components/status-badge";
import { getDatabase } from "../../db.server";
import { ORDER_STEPS } from "../../domain/pipelines";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { listCustomerOrders } from "../../services/orders.server";
import type { Route } from "./+types/orders";

const STATUSES = [...ORDER_STEPS.map((s) => s.status), "completed", "sent_back", "cancelled"] as const;

const querySchema = z.object({
  status: z.enum(STATUSES).optional().catch(undefined),
  cursor: z.coerce.number().int().positive().optional().catch(undefined),
});

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requireCustomer(request, context);
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const page = await listCustomerOrders(getDatabase().db, viewer.customer.id, {
    status: query.status,
    before: query.cursor,
    limit: 20,
  });
  return { title: getI18n(context).t("shop.orders.title"), status: query.status ?? null, ...page };
}

export default function Orders({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { items, nextCursor, status } = loaderData;
  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-xl font-semibold">{t("shop.orders.title")}</h1>
        {/* Phones have no returns tab in the bottom bar: this is their way in. */}
        <AppLink to="/shop/returns" className="text-sm text-brand-700 underline" data-testid="returns-link">
          {t("returnsShop.title")}
        </AppLink>
      </div>
      <nav aria-label={t("shop.orders.status")} className="-mx-4 mt-3 flex gap-2 overflow-x-auto px-4 pb-1">
        <AppLink to="/shop/orders" {...chipProps(status === null)}>
          {t("shop.orders.allStatuses")}
        </AppLink>
        {STATUSES.map((s) => (
          <AppLink key={s} to={`?status=${s}`} {...chipProps(status === s)}>
            {t(`orders.status.${s}`)}
          </AppLink>
        ))}
      </nav>
      {items.length === 0 ? <p className="mt-8 text-center text-slate-500">{t("shop.orders.empty")}</p> : null}
      <ul className="mt-3 space-y-2">
        {items.map((o) => (
          <li key={o.id}>
            <RowLink to={`/shop/orders/${o.number}`} className="list-card" data-testid="order-row">
              <span>
                <span className="block font-mono text-sm font-medium">{o.number}</span>
                <span className="text-xs text-slate-500">
                  <DateTime iso={o.createdAt} /> · {t("shop.cart.lines", { count: o.lineCount })}
                </span>
              </span>
              <span className="flex items-center gap-3">
                <StatusBadge status={o.status} label={t(`orders.status.${o.status}`)} />
                <Money fen={o.payable} className="font-semibold" />
              </span>
            </RowLink>
          </li>
        ))}
      </ul>
      <KeysetPager nextCursor={nextCursor} labels={{ first: t("common.first"), next: t("common.next") }} />
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
