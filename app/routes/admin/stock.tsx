import { data, Form, Link, useLocation, useNavigation } from "react-router";
import { z } from "zod";
import { actorOf, requirePermission } from "../../auth/guards.server";
import { Button, buttonClass } from "../../components/button";
import { Card, PageHeader } from "../../components/card";
import { DataTable, EmptyRow, KeysetPager, SortHeader, tdClass, thClass } from "../../components/data-table";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { TextField } from "../../components/text-field";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { adjustSchema, initialStockSchema, stocktakeSchema } from "../../forms/stock-form";
import { useZodForm } from "../../forms/use-zod-form";
import { parseForm } from "../../http/forms";
import { pageSizeOf } from "../../http/page-size";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import {
  adjustStock,
  getStockLevel,
  listStock,
  STOCK_SORTS,
  type StockChangeResult,
  setInitialStock,
  stocktake,
} from "../../services/stock.server";
import { listWarehouses } from "../../services/warehouses.server";
import type { Route } from "./+types/stock";

const querySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  warehouse: z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number)
    .optional()
    .catch(undefined),
  sort: z.enum(STOCK_SORTS).optional().catch(undefined),
  after: z.string().max(400).optional().catch(undefined),
  // The row whose adjust / count panel is open: `<skuId>-<warehouseId>`.
  row: z
    .string()
    .regex(/^\d{1,12}-\d{1,12}$/)
    .optional()
    .catch(undefined),
});

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "product.view");
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { db } = getDatabase();
  const canManage = viewer.grant.permissions.has("stock.manage");
  const [skuId, warehouseId] = query.row ? query.row.split("-").map(Number) : [];
  const [page, warehouses, selected] = await Promise.all([
    listStock(db, {
      q: query.q,
      warehouseId: query.warehouse,
      sort: query.sort,
      after: query.after,
      limit: pageSizeOf(new URL(request.url).searchParams),
    }),
    listWarehouses(db),
    canManage && skuId && warehouseId ? getStockLevel(db, skuId, warehouseId) : null,
  ]);
  const t = getI18n(context).t;
  return {
    title: `${t("stock.title")} · ${t("app.name")}`,
    filters: { q: query.q ?? "", warehouse: query.warehouse ? String(query.warehouse) : "", sort: query.sort ?? "" },
    warehouses: warehouses.map((w) => ({ id: w.id, code: w.code, name: w.name, active: w.active })),
    canManage,
    selected,
    ...page,
  };
}

type Intent = "adjust" | "stocktake" | "initial";
type ActionData =
  | { intent: Intent; ok: true; delta: number; onHand: number }
  | { intent: Intent; ok: false; fieldErrors: Record<string, string>; values: Record<string, string> }
  | { intent: Intent; ok: false; refusal: string; onHand?: number; reserved?: number };

const REFUSALS: Record<Exclude<StockChangeResult, { ok: true }>["error"], string> = {
  below_zero: "stock.errors.belowZero",
  below_reserved: "stock.errors.belowReserved",
  already_initialised: "stock.errors.alreadyInitialised",
  not_found: "stock.errors.notFound",
};

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requirePermission(request, context, "stock.manage");
  const { db } = getDatabase();
  const actor = { ...actorOf(viewer, context), grant: viewer.grant };
  const now = new Date();
  const formData = await request.formData();
  const intent = formData.get("intent");
  const invalid = (intent: Intent, fieldErrors: Record<string, string>, values: Record<string, string>) =>
    data<ActionData>({ intent, ok: false, fieldErrors, values }, { status: 400 });

  let result: StockChangeResult;
  if (intent === "adjust") {
    const parsed = parseForm(adjustSchema, formData);
    if (!parsed.ok) return invalid(intent, parsed.fieldErrors, parsed.values);
    result = await adjustStock(db, actor, parsed.data, now);
  } else if (intent === "stocktake") {
    const parsed = parseForm(stocktakeSchema, formData);
    if (!parsed.ok) return invalid(intent, parsed.fieldErrors, parsed.values);
    result = await stocktake(db, actor, parsed.data, now);
  } else if (intent === "initial") {
    const parsed = parseForm(initialStockSchema, formData);
    if (!parsed.ok) return invalid(intent, parsed.fieldErrors, parsed.values);
    result = await setInitialStock(db, actor, parsed.data, now);
  } else {
    throw data(null, { status: 400 });
  }
  if (result.ok) return data<ActionData>({ intent, ok: true, delta: result.delta, onHand: result.onHandAfter });
  return data<ActionData>(
    {
      intent,
      ok: false,
      refusal: REFUSALS[result.error],
      ...("onHand" in result ? { onHand: result.onHand, reserved: result.reserved } : {}),
    },
    { status: result.error === "not_found" ? 404 : 409 },
  );
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
const filterClass = "min-h-10 rounded-md border border-slate-300 bg-white px-3 text-sm";

export default function Stock({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const location = useLocation();
  const { items, filters, warehouses, canManage, selected, nextCursor } = loaderData;
  const result = actionData as ActionData | undefined;
  const rowLink = (row: string | null) => {
    const params = new URLSearchParams(location.search);
    if (row) params.set("row", row);
    else params.delete("row");
    const s = params.toString();
    return s ? `?${s}` : location.pathname;
  };
  const doneKey = { adjust: "stock.adjust.done", stocktake: "stock.count.done", initial: "stock.initial.done" };
  return (
    <>
      <PageHeader title={t("stock.title")}>
        <div className="flex gap-2">
          <Link to="/admin/stock/movements" className={buttonClass("secondary")}>
            {t("stock.movementsLink")}
          </Link>
        </div>
      </PageHeader>
      <Form method="get" className="mb-3 flex flex-wrap items-end gap-2" role="search">
        {filters.sort ? <input type="hidden" name="sort" value={filters.sort} /> : null}
        <label className="sr-only" htmlFor="stock-search">
          {t("common.search")}
        </label>
        <input
          id="stock-search"
          name="q"
          type="search"
          defaultValue={filters.q}
          placeholder={t("stock.searchPlaceholder")}
          className={`${filterClass} w-64`}
        />
        <label className="sr-only" htmlFor="stock-warehouse">
          {t("stock.warehouse")}
        </label>
        <select id="stock-warehouse" name="warehouse" defaultValue={filters.warehouse} className={filterClass}>
          <option value="">{t("stock.activeWarehouses")}</option>
          {warehouses.map((w) => (
            <option key={w.id} value={w.id}>
              {w.name}
              {w.active ? "" : t("stock.inactiveSuffix")}
            </option>
          ))}
        </select>
        <button type="submit" className={buttonClass("secondary")}>
          {t("common.search")}
        </button>
      </Form>
      <div className="mb-3 space-y-2">
        {result?.ok ? (
          <Notice tone="success">
            {t(doneKey[result.intent], { delta: signed(result.delta), onHand: result.onHand })}
          </Notice>
        ) : null}
        {result && !result.ok && "refusal" in result ? (
          <Notice tone="error">{t(result.refusal, { onHand: result.onHand, reserved: result.reserved })}</Notice>
        ) : null}
        {canManage ? null : <Notice>{t("stock.readOnly")}</Notice>}
      </div>
      {selected ? (
        <StockPanel
          key={`${selected.skuId}-${selected.warehouseId}-${selected.onHand}-${selected.movementCount}`}
          level={selected}
          closeTo={rowLink(null)}
          failed={result && !result.ok && "fieldErrors" in result ? result : null}
        />
      ) : null}
      <DataTable caption={t("stock.title")}>
        <thead className="bg-slate-50">
          <tr>
            <SortHeader field="code" label={t("stock.skuCode")} defaultSort="code" />
            <SortHeader field="name" label={t("stock.product")} defaultSort="code" />
            <th scope="col" className={thClass}>
              {t("stock.spec")}
            </th>
            <th scope="col" className={thClass}>
              {t("stock.warehouse")}
            </th>
            <SortHeader field="onHand" label={t("stock.onHand")} defaultSort="code" />
            <th scope="col" className={thClass}>
              {t("stock.reserved")}
            </th>
            <SortHeader field="available" label={t("stock.available")} defaultSort="code" />
            <th scope="col" className={thClass}>
              {t("stock.unit")}
            </th>
            {canManage ? (
              <th scope="col" className={thClass}>
                {t("common.actions")}
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((s) => {
            const row = `${s.skuId}-${s.warehouseId}`;
            const isSelected = selected?.skuId === s.skuId && selected.warehouseId === s.warehouseId;
            return (
              <tr key={row} className={isSelected ? "bg-brand-50" : "hover:bg-slate-50"}>
                <td className={`${tdClass} font-mono`}>{s.skuCode}</td>
                <td className={tdClass}>{s.productName}</td>
                <td className={`${tdClass} text-slate-600`}>{s.spec || "—"}</td>
                <td className={tdClass}>
                  {s.warehouseName}
                  {s.warehouseActive ? null : <span className="text-slate-500">{t("stock.inactiveSuffix")}</span>}
                </td>
                <td className={`${tdClass} tabular-nums`}>{s.onHand}</td>
                <td className={`${tdClass} tabular-nums text-slate-600`}>{s.reserved}</td>
                <td className={`${tdClass} tabular-nums font-medium ${s.available <= 0 ? "text-red-700" : ""}`}>
                  {s.available}
                </td>
                <td className={tdClass}>{s.unit}</td>
                {canManage ? (
                  <td className={tdClass}>
                    <Link to={rowLink(row)} className="link" preventScrollReset>
                      {t("stock.manage")}
                    </Link>
                  </td>
                ) : null}
              </tr>
            );
          })}
          {items.length === 0 ? <EmptyRow colSpan={canManage ? 9 : 8}>{t("common.noResults")}</EmptyRow> : null}
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

type Level = NonNullable<Route.ComponentProps["loaderData"]["selected"]>;
type Failed = Extract<ActionData, { fieldErrors: Record<string, string> }> | null;

/** The adjust / count / initial forms for one SKU in one warehouse. */
function StockPanel({ level, closeTo, failed }: { level: Level; closeTo: string; failed: Failed }) {
  const { t } = useTranslation();
  const target = { skuId: String(level.skuId), warehouseId: String(level.warehouseId) };
  const failedFor = (intent: Intent) => (failed?.intent === intent ? failed : null);
  return (
    <Card className="mb-4">
      <div className="mb-3 flex flex-wrap items-start justify-between gap-2">
        <div>
          <h2 className="text-base font-semibold text-slate-900">
            {t("stock.panelHeading", { code: level.skuCode, warehouse: level.warehouseName })}
          </h2>
          <p className="text-sm text-slate-600">
            {level.productName}
            {level.spec ? ` · ${level.spec}` : ""}
          </p>
          <p className="mt-1 text-sm tabular-nums text-slate-800">
            {t("stock.panelSummary", { onHand: level.onHand, reserved: level.reserved, available: level.available })}
          </p>
        </div>
        <Link to={closeTo} className={buttonClass("ghost")} preventScrollReset>
          {t("stock.close")}
        </Link>
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <QuantityForm
          intent="adjust"
          title={t("stock.adjust.title")}
          hint={t("stock.adjust.hint")}
          field="delta"
          label={t("stock.adjust.delta")}
          submitLabel={t("stock.adjust.submit")}
          target={target}
          failed={failedFor("adjust")}
        />
        <QuantityForm
          intent="stocktake"
          title={t("stock.count.title")}
          hint={t("stock.count.hint")}
          field="counted"
          label={t("stock.count.counted")}
          submitLabel={t("stock.count.submit")}
          target={target}
          failed={failedFor("stocktake")}
        />
        {level.movementCount === 0 ? (
          <QuantityForm
            intent="initial"
            title={t("stock.initial.title")}
            hint={t("stock.initial.hint")}
            field="quantity"
            label={t("stock.initial.quantity")}
            submitLabel={t("stock.initial.submit")}
            target={target}
            failed={failedFor("initial")}
          />
        ) : null}
      </div>
    </Card>
  );
}

const SCHEMAS = { adjust: adjustSchema, stocktake: stocktakeSchema, initial: initialStockSchema } as const;

function QuantityForm({
  intent,
  title,
  hint,
  field,
  label,
  submitLabel,
  target,
  failed,
}: {
  intent: Intent;
  title: string;
  hint: string;
  field: "delta" | "counted" | "quantity";
  label: string;
  submitLabel: string;
  target: { skuId: string; warehouseId: string };
  failed: Failed;
}) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const form = useZodForm(SCHEMAS[intent] as z.ZodType<unknown, Record<string, string>>, {
    defaultValues: { ...target, [field]: "", reason: "", ...(failed?.values ?? {}) },
    serverErrors: failed?.fieldErrors,
  });
  const error = (name: string) => {
    const key = form.errorKey(name);
    return key ? t(key) : undefined;
  };
  return (
    <Form
      method="post"
      noValidate
      onSubmit={form.onSubmit}
      preventScrollReset
      className="space-y-3 rounded-md border border-slate-200 p-3"
    >
      <h3 className="text-sm font-semibold text-slate-800">{title}</h3>
      <p className="text-xs text-slate-500">{hint}</p>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" {...form.field("skuId")} />
      <input type="hidden" {...form.field("warehouseId")} />
      <TextField
        label={label}
        inputMode={intent === "adjust" ? "text" : "numeric"}
        autoComplete="off"
        error={error(field)}
        {...form.field(field)}
      />
      <TextField label={t("stock.reason")} autoComplete="off" error={error("reason")} {...form.field("reason")} />
      <Button type="submit" variant="secondary" disabled={navigation.state === "submitting"}>
        {submitLabel}
      </Button>
    </Form>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
