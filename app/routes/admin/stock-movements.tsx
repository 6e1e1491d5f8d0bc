import { Form, Link } from "react-router";
import { z } from "zod";
import { requirePermission } from "../../auth/guards.server";
import { buttonClass } from "../../components/button";
import { PageHeader } from "../../components/card";
import { DataTable, EmptyRow, KeysetPager, SortHeader, tdClass, thClass } from "../../components/data-table";
import { DateTime } from "../../components/date-time";
import { RouteErrorBoundary } from "../../components/route-error";
import { getDatabase } from "../../db.server";
import { dayEndUtc, dayStartUtc, isCalendarDay } from "../../domain/day-range";
import { STOCK_MOVEMENT_KINDS } from "../../domain/stock-movements";
import { getEnv } from "../../env.server";
import { pageSizeOf } from "../../http/page-size";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { listStockMovements } from "../../services/stock.server";
import { listWarehouses } from "../../services/warehouses.server";
import type { Route } from "./+types/stock-movements";

const day = z.string().refine(isCalendarDay).optional().catch(undefined);

const querySchema = z.object({
  sku: z.string().trim().max(64).optional().catch(undefined),
  warehouse: z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number)
    .optional()
    .catch(undefined),
  kind: z.enum(STOCK_MOVEMENT_KINDS).optional().catch(undefined),
  from: day,
  to: day,
  sort: z.enum(["at", "-at"]).optional().catch(undefined),
  after: z.string().max(400).optional().catch(undefined),
});

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "product.view");
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const timeZone = getEnv().APP_TIMEZONE;
  const { db } = getDatabase();
  const [page, warehouses] = await Promise.all([
    listStockMovements(db, {
      sku: query.sku,
      warehouseId: query.warehouse,
      kind: query.kind,
      // Days are the deployment's calendar days; the "to" day is included whole.
      from: query.from ? dayStartUtc(query.from, timeZone).toISOString() : undefined,
      to: query.to ? dayEndUtc(query.to, timeZone).toISOString() : undefined,
      sort: query.sort,
      after: query.after,
      limit: pageSizeOf(new URL(request.url).searchParams),
      grant: viewer.grant,
    }),
    listWarehouses(db),
  ]);
  const t = getI18n(context).t;
  return {
    title: `${t("stock.movements.title")} · ${t("app.name")}`,
    filters: {
      sku: query.sku ?? "",
      warehouse: query.warehouse ? String(query.warehouse) : "",
      kind: query.kind ?? "",
      from: query.from ?? "",
      to: query.to ?? "",
      sort: query.sort ?? "",
    },
    warehouses: warehouses.map((w) => ({ id: w.id, name: w.name, active: w.active })),
    ...page,
  };
}

const filterClass = "min-h-10 rounded-md border border-slate-300 bg-white px-3 text-sm";

export default function StockMovements({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { items, filters, warehouses, nextCursor } = loaderData;
  return (
    <>
      <PageHeader title={t("stock.movements.title")}>
        <Link to="/admin/stock" className={buttonClass("ghost")}>
          {t("stock.movements.backToStock")}
        </Link>
      </PageHeader>
      <Form method="get" className="mb-3 flex flex-wrap items-end gap-2" role="search">
        {filters.sort ? <input type="hidden" name="sort" value={filters.sort} /> : null}
        <label className="flex flex-col text-xs text-slate-600">
          {t("stock.movements.sku")}
          <input name="sku" type="search" defaultValue={filters.sku} className={`${filterClass} w-44`} />
        </label>
        <label className="flex flex-col text-xs text-slate-600">
          {t("stock.warehouse")}
          <select name="warehouse" defaultValue={filters.warehouse} className={filterClass}>
            <option value="">{t("stock.movements.allWarehouses")}</option>
            {warehouses.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
                {w.active ? "" : t("stock.inactiveSuffix")}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-xs text-slate-600">
          {t("stock.movements.kind")}
          <select name="kind" defaultValue={filters.kind} className={filterClass}>
            <option value="">{t("stock.movements.allKinds")}</option>
            {STOCK_MOVEMENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`stock.kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-xs text-slate-600">
          {t("stock.movements.from")}
          <input name="from" type="date" defaultValue={filters.from} className={filterClass} />
        </label>
        <label className="flex flex-col text-xs text-slate-600">
          {t("stock.movements.to")}
          <input name="to" type="date" defaultValue={filters.to} className={filterClass} />
        </label>
        <button type="submit" className={buttonClass("secondary")}>
          {t("common.filter")}
        </button>
      </Form>
      <DataTable caption={t("stock.movements.title")}>
        <thead className="bg-slate-50">
          <tr>
            <SortHeader field="at" label={t("stock.movements.at")} defaultSort="-at" />
            <th scope="col" className={thClass}>
              {t("stock.skuCode")}
            </th>
            <th scope="col" className={thClass}>
              {t("stock.product")}
            </th>
            <th scope="col" className={thClass}>
              {t("stock.warehouse")}
            </th>
            <th scope="col" className={thClass}>
              {t("stock.movements.kind")}
            </th>
            <th scope="col" className={`${thClass} text-right`}>
              {t("stock.movements.delta")}
            </th>
            <th scope="col" className={`${thClass} text-right`}>
              {t("stock.movements.onHandAfter")}
            </th>
            <th scope="col" className={thClass}>
              {t("stock.reason")}
            </th>
            <th scope="col" className={thClass}>
              {t("stock.movements.ref")}
            </th>
            <th scope="col" className={thClass}>
              {t("stock.movements.actor")}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((m) => (
            <tr key={m.id} className="hover:bg-slate-50">
              <td className={`${tdClass} whitespace-nowrap`}>
                <DateTime iso={m.at} />
              </td>
              <td className={`${tdClass} font-mono`}>{m.skuCode}</td>
              <td className={tdClass}>
                {m.productName}
                {m.spec ? <span className="block text-xs text-slate-500">{m.spec}</span> : null}
              </td>
              <td className={tdClass}>{m.warehouseName}</td>
              <td className={tdClass}>{t(`stock.kinds.${m.kind}`)}</td>
              <td
                className={`${tdClass} text-right font-medium tabular-nums ${
                  m.delta < 0 ? "text-red-700" : m.delta > 0 ? "text-emerald-700" : "text-slate-500"
                }`}
              >
                {m.delta > 0 ? `+${m.delta}` : m.delta}
              </td>
              <td className={`${tdClass} text-right tabular-nums`}>{m.onHandAfter}</td>
              <td className={tdClass}>{m.reason || "—"}</td>
              <td className={`${tdClass} font-mono text-xs`}>{m.refType ? `${m.refType} ${m.refId ?? ""}` : "—"}</td>
              <td className={`${tdClass} whitespace-nowrap`}>{m.actorName ?? t("stock.movements.system")}</td>
            </tr>
          ))}
          {items.length === 0 ? <EmptyRow colSpan={10}>{t("common.noResults")}</EmptyRow> : null}
        </tbody>
      </DataTable>
      <KeysetPager
        pageSizes
        nextCursor={nextCursor}
        param="after"
        labels={{ first: t("common.first"), next: t("common.next") }}
      />
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
