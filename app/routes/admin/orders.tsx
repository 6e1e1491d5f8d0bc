import { data, Form, useNavigation } from "react-router";
import { z } from "zod";
import { actorOf, requirePermission } from "../../auth/guards.server";
import { Button, buttonClass } from "../../components/button";
import { PageHeader } from "../../components/card";
import { DataTable, KeysetPager, SortHeader, tdClass, thClass } from "../../components/data-table";
import { DateTime } from "../../components/date-time";
import { Money } from "../../components/money";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { AppLink, RowLink } from "../../components/row-link";
import { StatusBadge } from "../../components/status-badge";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { ORDER_PIPELINE } from "../../domain/order-pipeline";
import { parseYuanToFen } from "../../http/forms";
import { pageSizeOf } from "../../http/page-size";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { listOrdersForStaff, ORDER_SORTS } from "../../services/order-admin.server";
import { performOrderAction } from "../../services/order-pipeline.server";
import { regionsOf } from "../../services/scope.server";
import type { Route } from "./+types/orders";

const STATUSES = [...ORDER_PIPELINE.steps.map((s) => s.status), "completed", "sent_back", "cancelled"] as const;
/** Steps whose approval needs no input, so a page of them can be approved at once. */
const BULK_STEPS = new Set(["order_review", "finance_review", "outbound_review", "receipt"]);

const querySchema = z.object({
  status: z.enum(STATUSES).optional().catch(undefined),
  customer: z.string().trim().max(100).optional().catch(undefined),
  region: z.coerce.number().int().positive().optional().catch(undefined),
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .catch(undefined),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .catch(undefined),
  min: z.string().max(20).optional().catch(undefined),
  max: z.string().max(20).optional().catch(undefined),
  sort: z.enum(ORDER_SORTS).default("-created").catch("-created"),
  cursor: z.string().max(400).optional().catch(undefined),
});

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "order.view");
  const url = new URL(request.url);
  const query = querySchema.parse(Object.fromEntries(url.searchParams));
  const { db } = getDatabase();
  const [page, regions] = await Promise.all([
    listOrdersForStaff(db, viewer.grant, {
      status: query.status,
      customer: query.customer,
      regionId: query.region,
      from: query.from,
      to: query.to,
      minPayable: query.min ? (parseYuanToFen(query.min) ?? undefined) : undefined,
      maxPayable: query.max ? (parseYuanToFen(query.max) ?? undefined) : undefined,
      sort: query.sort,
      cursor: query.cursor,
      limit: pageSizeOf(new URL(request.url).searchParams),
    }),
    regionsOf(db, viewer.grant),
  ]);
  const step = ORDER_PIPELINE.steps.find((s) => s.status === query.status);
  const t = getI18n(context).t;
  return {
    title: `${step ? t(`steps.orders.${step.key}`) : t("orders.console.title")} · ${t("app.name")}`,
    query,
    regions,
    step: step?.key ?? null,
    bulk: Boolean(step && BULK_STEPS.has(step.key) && step.permission && viewer.grant.permissions.has(step.permission)),
    canExport: viewer.grant.permissions.has("order.export"),
    exportQuery: url.searchParams.toString(),
    ...page,
  };
}

const bulkSchema = z.object({
  orders: z.array(z.string().regex(/^[A-Z]{2}\d{8}-\d{4,}:\d+$/)).max(200),
});

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requirePermission(request, context, "order.view");
  const form = await request.formData();
  const parsed = bulkSchema.safeParse({ orders: form.getAll("orders") });
  if (!parsed.success || !parsed.data.orders.length) return data({ ok: 0, failed: 0, none: true }, { status: 400 });
  const { db } = getDatabase();
  const actor = { ...actorOf(viewer, context), kind: "staff" as const, grant: viewer.grant };
  let ok = 0;
  let failed = 0;
  // One transaction per order: a refused one (short stock, already handled) does not hold back the rest.
  for (const item of parsed.data.orders) {
    const [number, version] = item.split(":");
    const result = await performOrderAction(
      db,
      actor,
      number!,
      { type: "approve", version: Number(version), payment: { method: "auto" } },
      new Date(),
    );
    if (result.ok) ok++;
    else failed++;
  }
  return { ok, failed, none: false };
}

/** One labelled filter box of the order list's filter bar. */
function FilterInput({
  label,
  name,
  value,
  type = "text",
  inputMode,
}: {
  label: string;
  name: string;
  value?: string;
  type?: string;
  inputMode?: "decimal";
}) {
  return (
    <label>
      <span className="block text-xs text-slate-500">{label}</span>
      <input
        type={type}
        name={name}
        inputMode={inputMode}
        defaultValue={value ?? ""}
        className="min-h-9 w-full rounded border border-slate-300 px-2"
      />
    </label>
  );
}

export default function Orders({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const navigation = useNavigation();
  const { items, nextCursor, query, regions, step, bulk, canExport, exportQuery } = loaderData;
  return (
    <>
      <PageHeader title={step ? t(`steps.orders.${step}`) : t("orders.console.title")}>
        {canExport ? (
          <div className="flex gap-2">
            <a href={`/admin/orders-export/orders.csv?${exportQuery}`} className={buttonClass("secondary")}>
              {t("orders.console.exportCsv")}
            </a>
            <a href={`/admin/orders-export/orders.xlsx?${exportQuery}`} className={buttonClass("secondary")}>
              {t("orders.console.exportXlsx")}
            </a>
          </div>
        ) : null}
      </PageHeader>
      <Form
        method="get"
        className="mb-4 grid grid-cols-2 gap-2 rounded-lg border border-slate-200 bg-white p-3 text-sm md:grid-cols-4 xl:grid-cols-8"
      >
        <input type="hidden" name="sort" value={query.sort} />
        <label className="col-span-1">
          <span className="block text-xs text-slate-500">{t("orders.console.filters.status")}</span>
          <select
            name="status"
            defaultValue={query.status ?? ""}
            className="min-h-9 w-full rounded border border-slate-300 px-1"
          >
            <option value="">{t("orders.console.allStatuses")}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`orders.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="block text-xs text-slate-500">{t("orders.console.filters.customer")}</span>
          <input
            name="customer"
            defaultValue={query.customer ?? ""}
            className="min-h-9 w-full rounded border border-slate-300 px-2"
          />
        </label>
        <label>
          <span className="block text-xs text-slate-500">{t("orders.console.filters.region")}</span>
          <select
            name="region"
            defaultValue={query.region ?? ""}
            className="min-h-9 w-full rounded border border-slate-300 px-1"
          >
            <option value="">{t("orders.console.allRegions")}</option>
            {regions.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <FilterInput label={t("orders.console.filters.from")} name="from" type="date" value={query.from} />
        <FilterInput label={t("orders.console.filters.to")} name="to" type="date" value={query.to} />
        <FilterInput label={t("orders.console.filters.minAmount")} name="min" inputMode="decimal" value={query.min} />
        <FilterInput label={t("orders.console.filters.maxAmount")} name="max" inputMode="decimal" value={query.max} />
        <div className="flex items-end gap-2">
          <button type="submit" className={buttonClass("primary", "min-h-9")}>
            {t("orders.console.filters.apply")}
          </button>
          <AppLink to="/admin/orders" className="text-sm text-slate-600 underline">
            {t("orders.console.filters.reset")}
          </AppLink>
        </div>
      </Form>
      {actionData ? (
        <div className="mb-3">
          <Notice tone={actionData.none ? "error" : actionData.failed ? "warning" : "success"}>
            {actionData.none
              ? t("orders.console.bulkNone")
              : t("orders.console.bulkDone", { ok: actionData.ok, failed: actionData.failed })}
          </Notice>
        </div>
      ) : null}
      <Form method="post">
        <DataTable>
          <thead className="bg-slate-50">
            <tr>
              {bulk ? (
                <th className={thClass}>
                  <span className="sr-only">{t("orders.console.bulkSelectAll")}</span>
                </th>
              ) : null}
              <SortHeader field="number" label={t("orders.console.columns.number")} defaultSort="-created" />
              <th className={thClass}>{t("orders.console.columns.customer")}</th>
              <th className={thClass}>{t("orders.console.columns.region")}</th>
              <th className={thClass}>{t("orders.console.columns.status")}</th>
              <SortHeader field="payable" label={t("orders.console.columns.payable")} defaultSort="-created" />
              <SortHeader field="created" label={t("orders.console.columns.created")} defaultSort="-created" />
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {items.map((o) => (
              <tr key={o.id} className="hover:bg-slate-50" data-testid="order-row">
                {bulk ? (
                  <td className={tdClass}>
                    <input
                      type="checkbox"
                      name="orders"
                      value={`${o.number}:${o.version}`}
                      aria-label={o.number}
                      className="size-4"
                    />
                  </td>
                ) : null}
                <td className={`${tdClass} font-mono`}>
                  <RowLink to={`/admin/orders/${o.number}`} className="link">
                    {o.number}
                  </RowLink>
                </td>
                <td className={tdClass}>
                  {o.customerName}
                  <span className="block font-mono text-xs text-slate-500">{o.customerCode}</span>
                </td>
                <td className={tdClass}>{o.regionName}</td>
                <td className={tdClass}>
                  <StatusBadge status={o.status} label={t(`orders.status.${o.status}`)} />
                </td>
                <td className={`${tdClass} text-right`}>
                  <Money fen={o.payable} />
                </td>
                <td className={`${tdClass} whitespace-nowrap`}>
                  <DateTime iso={o.createdAt} />
                </td>
              </tr>
            ))}
            {items.length === 0 ? (
              <tr>
                <td colSpan={7} className="px-3 py-8 text-center text-slate-500">
                  {t("orders.console.empty")}
                </td>
              </tr>
            ) : null}
          </tbody>
        </DataTable>
        {bulk && items.length ? (
          <div className="mt-3">
            <Button type="submit" disabled={navigation.state !== "idle"}>
              {t("orders.console.bulkApprove")}
            </Button>
          </div>
        ) : null}
      </Form>
      <KeysetPager pageSizes nextCursor={nextCursor} labels={{ first: t("common.first"), next: t("common.next") }} />
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
