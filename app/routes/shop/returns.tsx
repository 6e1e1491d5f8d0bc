import { Link } from "react-router";
import { z } from "zod";
import { requireCustomer } from "../../auth/guards.server";
import { buttonClass } from "../../components/button";
import { chipProps } from "../../components/chip";
import { KeysetPager } from "../../components/data-table";
import { DateTime } from "../../components/date-time";
import { Money } from "../../components/money";
import { RouteErrorBoundary } from "../../components/route-error";
import { RowLink } from "../../components/row-link";
import { StatusBadge } from "../../components/status-badge";
import { getDatabase } from "../../db.server";
import { RETURN_PIPELINE } from "../../domain/return-pipeline";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { returnableOrders } from "../../services/returnable-orders.server";
import { listReturns } from "../../services/returns.server";
import type { Route } from "./+types/returns";

const STATUSES = [...RETURN_PIPELINE.steps.map((s) => s.status), "completed", "rejected", "cancelled"] as const;

const querySchema = z.object({
  view: z.enum(["returns", "returnable"]).catch("returns"),
  status: z.enum(STATUSES).optional().catch(undefined),
  cursor: z.coerce.number().int().positive().optional().catch(undefined),
});

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requireCustomer(request, context);
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { db } = getDatabase();
  const title = getI18n(context).t("returnsShop.title");
  if (query.view === "returnable") {
    const page = await returnableOrders(db, viewer.customer.id, { before: query.cursor, limit: 20 });
    return {
      title,
      view: "returnable" as const,
      status: null,
      returnable: page.items,
      returns: [],
      nextCursor: page.nextCursor,
    };
  }
  const page = await listReturns(
    db,
    { kind: "customer", customerId: viewer.customer.id },
    { status: query.status, before: query.cursor, limit: 20 },
  );
  return {
    title,
    view: "returns" as const,
    status: query.status ?? null,
    returnable: [],
    returns: page.items.map((r) => ({
      id: r.id,
      number: r.number,
      orderNumber: r.orderNumber,
      status: r.status,
      units: r.requestedUnits,
      refundAmount: r.refundAmount,
      createdAt: r.createdAt,
    })),
    nextCursor: page.nextCursor,
  };
}

const tab = (active: boolean) =>
  `inline-flex min-h-10 flex-1 items-center justify-center rounded-md px-3 text-sm sm:flex-none ${
    active ? "bg-white font-semibold text-brand-700 shadow-sm" : "text-slate-600 hover:text-slate-900"
  }`;

export default function Returns({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { view, status, returns, returnable, nextCursor } = loaderData;
  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-xl font-semibold">{t("returnsShop.title")}</h1>
        <Link to="/shop/orders" className="text-sm text-brand-700 underline">
          {t("shop.orders.title")}
        </Link>
      </div>
      <nav aria-label={t("returnsShop.title")} className="mt-3 flex gap-1 rounded-lg bg-slate-100 p-1 sm:inline-flex">
        <Link
          to="/shop/returns"
          className={tab(view === "returns")}
          aria-current={view === "returns" ? "page" : undefined}
        >
          {t("returnsShop.list.mine")}
        </Link>
        <Link
          to="/shop/returns?view=returnable"
          className={tab(view === "returnable")}
          aria-current={view === "returnable" ? "page" : undefined}
          data-testid="returnable-tab"
        >
          {t("returnsShop.list.returnable")}
        </Link>
      </nav>

      {view === "returns" ? (
        <>
          <nav aria-label={t("returnsShop.list.status")} className="-mx-4 mt-3 flex gap-2 overflow-x-auto px-4 pb-1">
            <Link to="/shop/returns" {...chipProps(status === null)}>
              {t("shop.orders.allStatuses")}
            </Link>
            {STATUSES.map((s) => (
              <Link key={s} to={`?status=${s}`} {...chipProps(status === s)}>
                {t(`returns.status.${s}`)}
              </Link>
            ))}
          </nav>
          {returns.length === 0 ? (
            <div className="mt-8 text-center text-slate-500">
              <p>{status ? t("common.noResults") : t("returns.none")}</p>
              {status ? null : (
                <Link to="/shop/returns?view=returnable" className="mt-2 inline-block text-sm text-brand-700 underline">
                  {t("returnsShop.list.startHint")}
                </Link>
              )}
            </div>
          ) : null}
          <ul className="mt-3 space-y-2">
            {returns.map((r) => (
              <li key={r.id}>
                <RowLink
                  to={`/shop/returns/${encodeURIComponent(r.number)}`}
                  className="list-card"
                  data-testid="return-row"
                >
                  <span className="min-w-0">
                    <span className="block font-mono text-sm font-medium">{r.number}</span>
                    <span className="block text-xs text-slate-500">
                      {t("returns.order")} <span className="font-mono">{r.orderNumber}</span>
                    </span>
                    <span className="block text-xs text-slate-500">
                      <DateTime iso={r.createdAt} /> · {t("returnsShop.list.units", { count: r.units })}
                    </span>
                  </span>
                  <span className="flex items-center gap-3">
                    <StatusBadge status={r.status} label={t(`returns.status.${r.status}`)} />
                    {r.refundAmount === null ? null : (
                      <span className="text-right text-xs text-slate-500">
                        {t("returns.line.refund")}
                        <Money fen={r.refundAmount} className="block text-sm font-semibold text-slate-900" />
                      </span>
                    )}
                  </span>
                </RowLink>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <>
          <p className="mt-3 text-sm text-slate-600">{t("returnsShop.list.returnableIntro")}</p>
          {returnable.length === 0 ? (
            <p className="mt-8 text-center text-slate-500">{t("returnsShop.list.nothingReturnable")}</p>
          ) : null}
          <ul className="mt-3 space-y-2">
            {returnable.map((o) => (
              <li
                key={o.id}
                className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-slate-200 bg-white p-3"
                data-testid="returnable-order"
                data-returnable={o.returnable}
              >
                <span className="min-w-0">
                  <RowLink
                    to={`/shop/orders/${encodeURIComponent(o.number)}`}
                    className="block font-mono text-sm font-medium text-brand-700 underline"
                  >
                    {o.number}
                  </RowLink>
                  <span className="block text-xs text-slate-500">
                    <DateTime iso={o.createdAt} dateOnly /> · {t("shop.cart.lines", { count: o.lineCount })}
                  </span>
                  <span className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-600">
                    <StatusBadge status={o.status} label={t(`orders.status.${o.status}`)} />
                    {t("returnsShop.list.returnableUnits", { returnable: o.returnable, shipped: o.shipped })}
                  </span>
                </span>
                <Link
                  to={`/shop/returns/new?order=${encodeURIComponent(o.number)}`}
                  className={buttonClass("secondary", "w-full sm:w-auto")}
                >
                  {t("returnsShop.startReturn")}
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
      <KeysetPager nextCursor={nextCursor} labels={{ first: t("common.first"), next: t("common.next") }} />
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
