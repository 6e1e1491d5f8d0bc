import { type ReactNode, useState } from "react";
import { data, Form, Link, type ShouldRevalidateFunctionArgs, useNavigation, useSearchParams } from "react-router";
import { actorOf, requirePermission } from "../../auth/guards.server";
import { Button } from "../../components/button";
import { DataTable, tdClass, thClass } from "../../components/data-table";
import { DateTime } from "../../components/date-time";
import { Money } from "../../components/money";
import { Notice } from "../../components/notice";
import { OrderTimeline } from "../../components/order-timeline";
import { RouteErrorBoundary } from "../../components/route-error";
import { StatusBadge } from "../../components/status-badge";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { isEnabled } from "../../domain/pipeline-engine";
import { RETURN_PIPELINE } from "../../domain/return-pipeline";
import { getEnv } from "../../env.server";
import { DISPOSITION_OPTIONS } from "../../forms/returns-admin-form";
import { fenToYuanInput, parseYuanToFen } from "../../http/forms";
import { formatDateTime, formatMoney } from "../../i18n/format";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import {
  type Disposition,
  getReturn,
  performReturnAction,
  type ReturnActionInput,
  type ReturnDetail,
  suggestedRefund,
} from "../../services/returns.server";
import { getSettings } from "../../services/settings.server";
import { listWarehouses } from "../../services/warehouses.server";
import type { Route } from "./+types/return";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "return.view");
  const { db } = getDatabase();
  const scope = { kind: "staff" as const, grant: viewer.grant };
  const ret = await getReturn(db, scope, params.number);
  if (!ret) throw data(null, { status: 404 });
  const can = (p: Parameters<typeof viewer.grant.permissions.has>[0]) => viewer.grant.permissions.has(p);
  const may = {
    review: ret.status === "pending_return_review" && can("return.review"),
    shipBack: ret.status === "pending_return_shipment" && can("return.create"),
    inbound: ret.status === "pending_inbound_review" && can("return.inbound_review"),
    refund: ret.status === "pending_refund_review" && can("return.refund_review"),
  };
  const step = RETURN_PIPELINE.steps.find((s) => s.status === ret.status) ?? null;
  const [settings, warehouses, origin, suggested] = await Promise.all([
    getSettings(db),
    listWarehouses(db),
    // Restocked goods go back to the warehouse the order left from, else the customer's default.
    db
      .selectFrom("orders as o")
      .innerJoin("customers as c", "c.id", "o.customer_id")
      .select(["o.warehouse_id", "c.default_warehouse_id"])
      .where("o.id", "=", ret.orderId)
      .executeTakeFirst(),
    may.refund ? suggestedRefund(db, scope, ret.number) : Promise.resolve(null),
  ]);
  const t = getI18n(context).t;
  return {
    title: `${ret.number} · ${t("app.name")}`,
    ret,
    step: step ? { key: step.key, enabled: isEnabled(settings.returnSteps, step.key) } : null,
    may,
    canSeeOrders: can("order.view"),
    warehouses: warehouses.filter((w) => w.active).map((w) => ({ id: w.id, name: w.name })),
    warehouseName: warehouses.find((w) => w.id === ret.warehouseId)?.name ?? null,
    defaultWarehouseId: origin?.warehouse_id ?? origin?.default_warehouse_id ?? null,
    suggestedRefund: suggested,
  };
}

/** After a lost race (409) the page shows the return as it now is, under the message saying who won. */
export function shouldRevalidate({ actionStatus, defaultShouldRevalidate }: ShouldRevalidateFunctionArgs) {
  return actionStatus === 409 || defaultShouldRevalidate;
}

type Message = { key: string; params?: Record<string, unknown> };
type ActionData =
  | { ok: true; notice: Message }
  | {
      ok: false;
      intent: string;
      notice?: Message;
      fieldErrors: Record<string, Message>;
      values: Record<string, string>;
    };

const INTENTS = ["review", "reject", "ship_back", "inbound", "refund"] as const;
type Intent = (typeof INTENTS)[number];

const wholeNumber = (value: string | undefined) => (/^\d{1,9}$/.test(value?.trim() ?? "") ? Number(value) : null);

/** Per-line inputs named `<prefix>_<lineId>`, in the order they were sent. */
function perLine(values: Record<string, string>, prefix: string) {
  const pattern = new RegExp(`^${prefix}_(\\d+)$`);
  return Object.entries(values).flatMap(([key, value]) => {
    const m = pattern.exec(key);
    return m ? [{ lineId: Number(m[1]), value, field: key }] : [];
  });
}

export async function action({ request, context, params }: Route.ActionArgs) {
  const viewer = requirePermission(request, context, "return.view");
  const form = await request.formData();
  const values = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === "string")) as Record<
    string,
    string
  >;
  const intent = values.intent as Intent;
  const version = wholeNumber(values.version);
  if (!(INTENTS as readonly string[]).includes(intent) || !version) throw data(null, { status: 400 });
  const i18n = getI18n(context);
  const fieldErrors: Record<string, Message> = {};
  const invalid = { key: "returns.error.invalid_quantity" };
  const note = (values.note ?? "").trim().slice(0, 500);

  let input: ReturnActionInput;
  if (intent === "review") {
    const approvals = perLine(values, "approved").map(({ lineId, value, field }) => {
      const quantity = wholeNumber(value);
      if (quantity === null) fieldErrors[field] = invalid;
      return { lineId, quantity: quantity ?? 0 };
    });
    input = { type: "approve", version, note, approvals };
  } else if (intent === "reject") {
    const reason = (values.reason ?? "").trim().slice(0, 500);
    if (!reason) fieldErrors.reason = { key: "returns.error.reason_required" };
    input = { type: "reject", version, reason };
  } else if (intent === "ship_back") {
    const carrier = (values.carrier ?? "").trim().slice(0, 50);
    const trackingNo = (values.trackingNo ?? "").trim().slice(0, 50);
    const dropOff = values.dropOff === "1";
    if (!dropOff && (!carrier || !trackingNo)) fieldErrors.shipment = { key: "returns.error.shipment_required" };
    input = { type: "ship_back", version, note, shipment: dropOff ? { dropOff: true } : { carrier, trackingNo } };
  } else if (intent === "inbound") {
    const receipts = perLine(values, "received").map(({ lineId, value, field }) => {
      const quantity = wholeNumber(value);
      if (quantity === null) fieldErrors[field] = invalid;
      const disposition = values[`disposition_${lineId}`] as Disposition;
      if (!DISPOSITION_OPTIONS.includes(disposition)) fieldErrors[`disposition_${lineId}`] = invalid;
      return { lineId, quantity: quantity ?? 0, disposition };
    });
    const warehouseId = wholeNumber(values.warehouseId);
    if (!warehouseId) fieldErrors.warehouseId = { key: "returns.error.warehouse_required" };
    input = { type: "approve", version, note, receipts, warehouseId: warehouseId ?? undefined };
  } else {
    const amount = parseYuanToFen(values.refundAmount ?? "");
    if (amount === null) fieldErrors.refundAmount = { key: "returnsAdmin.detail.refund.invalidAmount" };
    const reason = (values.refundReason ?? "").trim().slice(0, 500);
    input = { type: "approve", version, note, refund: { amount: amount ?? 0, reason } };
  }
  if (Object.keys(fieldErrors).length)
    return data<ActionData>({ ok: false, intent, fieldErrors, values }, { status: 400 });

  const actor = { ...actorOf(viewer, context), kind: "staff" as const, grant: viewer.grant };
  const result = await performReturnAction(getDatabase().db, actor, params.number, input, new Date());
  if (result.ok)
    return data<ActionData>({
      ok: true,
      notice: { key: "returnsAdmin.detail.done", params: { status: i18n.t(`returns.status.${result.status}`) } },
    });
  if (result.code === "not_found") throw data(null, { status: 404 });
  const refused = (status: number, notice?: Message) =>
    data<ActionData>({ ok: false, intent, notice, fieldErrors, values }, { status });
  switch (result.code) {
    case "already_handled": {
      const status = i18n.t(`returns.status.${result.status}`);
      if (!result.by || !result.at)
        return refused(409, { key: "returns.error.already_handled_anon", params: { status } });
      const at = formatDateTime(result.at, i18n.language, getEnv().APP_TIMEZONE);
      return refused(409, { key: "returns.error.already_handled", params: { by: result.by, at, status } });
    }
    case "stale_version":
      return refused(409, { key: "returns.error.stale_version" });
    case "not_permitted":
      return refused(403, { key: "returns.error.not_permitted" });
    case "reason_required":
      fieldErrors[intent === "refund" ? "refundReason" : "reason"] = { key: "returns.error.reason_required" };
      return refused(422);
    case "shipment_required":
      fieldErrors.shipment = { key: "returns.error.shipment_required" };
      return refused(422);
    case "warehouse_required":
      fieldErrors.warehouseId = { key: "returns.error.warehouse_required" };
      return refused(422);
    case "exceeds_paid":
      fieldErrors.refundAmount = {
        key: "returns.error.exceeds_paid",
        params: { refundable: formatMoney(result.refundable, i18n.language) },
      };
      return refused(422);
    case "invalid_quantity": {
      if (result.lineId !== null && (intent === "review" || intent === "inbound")) {
        fieldErrors[`${intent === "review" ? "approved" : "received"}_${result.lineId}`] = invalid;
        return refused(422);
      }
      if (intent === "refund") {
        fieldErrors.refundAmount = { key: "returnsAdmin.detail.refund.invalidAmount" };
        return refused(422);
      }
      return refused(422, {
        key: intent === "review" ? "returnsAdmin.detail.review.nothingApproved" : "returns.error.invalid_quantity",
      });
    }
  }
}

const control = "min-h-9 w-full rounded border px-2 text-sm";
const controlBorder = (error?: unknown) => (error ? "border-red-500" : "border-slate-300");

/** The message under a field, wired to it by id. */
function FieldError({ id, error }: { id: string; error?: Message }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p id={`${id}-error`} className="mt-1 text-xs text-red-600">
      {t(error.key, error.params)}
    </p>
  );
}

const errorProps = (id: string, error?: Message) => ({
  id,
  "aria-invalid": error ? true : undefined,
  "aria-describedby": error ? `${id}-error` : undefined,
});

type Failed = Extract<ActionData, { ok: false }> | null;
type Line = ReturnDetail["lines"][number];

/** The optional note every step's form carries into the timeline. */
function NoteField({ value }: { value?: string }) {
  const { t } = useTranslation();
  return (
    <label className="block text-sm">
      <span className="mb-1 block text-slate-700">{t("returnsAdmin.detail.note")}</span>
      <input name="note" defaultValue={value ?? ""} maxLength={500} className={`${control} border-slate-300`} />
    </label>
  );
}

function LineLabel({ line }: { line: Line }) {
  return (
    <>
      <span className="font-mono text-xs text-slate-500">{line.skuCode}</span>
      <span className="block whitespace-nowrap">{line.productName}</span>
    </>
  );
}

/** 退货审核: the quantity approved per line (default: as requested), or a rejection with its reason. */
function ReviewForms({ ret, failed }: { ret: ReturnDetail; failed: Failed }) {
  const { t } = useTranslation();
  const busy = useNavigation().state !== "idle";
  const mine = failed?.intent === "review" ? failed : null;
  const rejecting = failed?.intent === "reject" ? failed : null;
  return (
    <>
      <Form method="post" className="space-y-3" data-testid="review-form">
        <input type="hidden" name="version" value={ret.version} />
        <DataTable caption={t("returnsAdmin.detail.review.title")}>
          <thead className="bg-slate-50">
            <tr>
              <th className={thClass}>{t("returnsAdmin.columns.product")}</th>
              <th className={thClass}>{t("returns.line.reason")}</th>
              <th className={`${thClass} text-right`}>{t("returns.line.requested")}</th>
              <th className={`${thClass} w-32`}>{t("returns.line.approved")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {ret.lines.map((l) => {
              const name = `approved_${l.id}`;
              const error = mine?.fieldErrors[name];
              return (
                <tr key={l.id}>
                  <td className={tdClass}>
                    <LineLabel line={l} />
                  </td>
                  <td className={`${tdClass} min-w-28`}>
                    {t(`returns.reason.${l.reason}`)}
                    {l.note ? <span className="block text-xs text-slate-500">{l.note}</span> : null}
                  </td>
                  <td className={`${tdClass} text-right tabular-nums`}>{l.requested}</td>
                  <td className={tdClass}>
                    <input
                      name={name}
                      inputMode="numeric"
                      aria-label={`${l.skuCode} ${t("returns.line.approved")}`}
                      defaultValue={mine?.values[name] ?? String(l.requested)}
                      className={`${control} ${controlBorder(error)} text-right`}
                      {...errorProps(`f-${name}`, error)}
                    />
                    <FieldError id={`f-${name}`} error={error} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </DataTable>
        <p className="text-xs text-slate-500">{t("returnsAdmin.detail.review.hint")}</p>
        <NoteField value={mine?.values.note} />
        <Button type="submit" name="intent" value="review" disabled={busy}>
          {t("returnsAdmin.detail.review.approve")}
        </Button>
      </Form>
      <Form method="post" className="mt-4 space-y-2 border-t border-slate-100 pt-3" data-testid="reject-form">
        <input type="hidden" name="version" value={ret.version} />
        <label className="block text-sm">
          <span className="mb-1 block text-slate-700">{t("returns.rejectReason")}</span>
          <input
            name="reason"
            maxLength={500}
            defaultValue={rejecting?.values.reason ?? ""}
            className={`${control} ${controlBorder(rejecting?.fieldErrors.reason)}`}
            {...errorProps("f-reason", rejecting?.fieldErrors.reason)}
          />
        </label>
        <FieldError id="f-reason" error={rejecting?.fieldErrors.reason} />
        <Button type="submit" name="intent" value="reject" variant="danger" disabled={busy}>
          {t("returnsAdmin.detail.review.reject")}
        </Button>
      </Form>
    </>
  );
}

/** 退货发货: staff record how the goods come back, for the customer. */
function ShipBackForm({ ret, failed }: { ret: ReturnDetail; failed: Failed }) {
  const { t } = useTranslation();
  const busy = useNavigation().state !== "idle";
  const mine = failed?.intent === "ship_back" ? failed : null;
  const error = mine?.fieldErrors.shipment;
  return (
    <Form method="post" className="space-y-3" data-testid="ship-back-form">
      <input type="hidden" name="version" value={ret.version} />
      <p className="text-xs text-slate-500">{t("returnsAdmin.detail.shipBack.hint")}</p>
      <div className="grid gap-2 sm:grid-cols-2">
        <label className="block text-sm">
          <span className="mb-1 block text-slate-700">{t("returns.shipment.carrier")}</span>
          <input
            name="carrier"
            maxLength={50}
            defaultValue={mine?.values.carrier ?? ""}
            className={`${control} ${controlBorder(error)}`}
            {...errorProps("f-carrier", error)}
          />
        </label>
        <label className="block text-sm">
          <span className="mb-1 block text-slate-700">{t("returns.shipment.trackingNo")}</span>
          <input
            name="trackingNo"
            maxLength={50}
            defaultValue={mine?.values.trackingNo ?? ""}
            className={`${control} ${controlBorder(error)}`}
            {...errorProps("f-trackingNo", error)}
          />
        </label>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          name="dropOff"
          value="1"
          defaultChecked={mine?.values.dropOff === "1"}
          className="size-4"
        />
        {t("returns.shipment.dropOff")}
      </label>
      <FieldError id="f-carrier" error={error} />
      <NoteField value={mine?.values.note} />
      <Button type="submit" name="intent" value="ship_back" disabled={busy}>
        {t("returnsAdmin.detail.shipBack.submit")}
      </Button>
    </Form>
  );
}

/** 入库审核: received quantity and disposition per line, the warehouse, shortfalls shown as typed. */
function InboundForm({
  ret,
  failed,
  warehouses,
  defaultWarehouseId,
}: {
  ret: ReturnDetail;
  failed: Failed;
  warehouses: Array<{ id: number; name: string }>;
  defaultWarehouseId: number | null;
}) {
  const { t } = useTranslation();
  const busy = useNavigation().state !== "idle";
  const mine = failed?.intent === "inbound" ? failed : null;
  const approvedOf = (l: Line) => l.approved ?? l.requested;
  const [received, setReceived] = useState<Record<number, string>>(() =>
    Object.fromEntries(ret.lines.map((l) => [l.id, mine?.values[`received_${l.id}`] ?? String(approvedOf(l))])),
  );
  const fallbackWarehouse = warehouses.some((w) => w.id === defaultWarehouseId)
    ? defaultWarehouseId
    : (warehouses[0]?.id ?? "");
  const warehouseError = mine?.fieldErrors.warehouseId;
  return (
    <Form method="post" className="space-y-3" data-testid="inbound-form">
      <input type="hidden" name="version" value={ret.version} />
      <DataTable caption={t("returnsAdmin.detail.inbound.title")}>
        <thead className="bg-slate-50">
          <tr>
            <th className={thClass}>{t("returnsAdmin.columns.product")}</th>
            <th className={`${thClass} text-right`}>{t("returns.line.approved")}</th>
            <th className={`${thClass} w-28`}>{t("returns.line.received")}</th>
            <th className={`${thClass} text-right`}>{t("returns.line.shortfall")}</th>
            <th className={thClass}>{t("returns.line.disposition")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {ret.lines.map((l) => {
            const name = `received_${l.id}`;
            const error = mine?.fieldErrors[name];
            const typed = wholeNumber(received[l.id]);
            const shortfall = typed === null ? null : approvedOf(l) - typed;
            return (
              <tr key={l.id}>
                <td className={tdClass}>
                  <LineLabel line={l} />
                </td>
                <td className={`${tdClass} text-right tabular-nums`}>{approvedOf(l)}</td>
                <td className={tdClass}>
                  <input
                    name={name}
                    inputMode="numeric"
                    aria-label={`${l.skuCode} ${t("returns.line.received")}`}
                    defaultValue={received[l.id]}
                    onChange={(e) => setReceived((r) => ({ ...r, [l.id]: e.target.value }))}
                    className={`${control} ${controlBorder(error)} text-right`}
                    {...errorProps(`f-${name}`, error)}
                  />
                  <FieldError id={`f-${name}`} error={error} />
                </td>
                <td
                  className={`${tdClass} text-right tabular-nums ${shortfall ? "font-semibold text-amber-700" : "text-slate-500"}`}
                  data-testid={`shortfall-${l.id}`}
                  aria-live="polite"
                >
                  {shortfall === null ? "—" : shortfall}
                </td>
                <td className={tdClass}>
                  <select
                    name={`disposition_${l.id}`}
                    aria-label={`${l.skuCode} ${t("returns.line.disposition")}`}
                    defaultValue={mine?.values[`disposition_${l.id}`] ?? "restock"}
                    className={`${control} border-slate-300`}
                  >
                    {DISPOSITION_OPTIONS.map((d) => (
                      <option key={d} value={d}>
                        {t(`returns.disposition.${d}`)}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            );
          })}
        </tbody>
      </DataTable>
      <p className="text-xs text-slate-500">{t("returnsAdmin.detail.inbound.hint")}</p>
      <div className="grid gap-2 sm:grid-cols-2">
        <label className="block text-sm">
          <span className="mb-1 block text-slate-700">{t("returnsAdmin.detail.inbound.warehouse")}</span>
          <select
            name="warehouseId"
            defaultValue={mine?.values.warehouseId ?? String(fallbackWarehouse)}
            className={`${control} ${controlBorder(warehouseError)}`}
            {...errorProps("f-warehouseId", warehouseError)}
          >
            {warehouses.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
          <FieldError id="f-warehouseId" error={warehouseError} />
        </label>
        <NoteField value={mine?.values.note} />
      </div>
      <Button type="submit" name="intent" value="inbound" disabled={busy}>
        {t("returnsAdmin.detail.inbound.submit")}
      </Button>
    </Form>
  );
}

/** 退款审核: the computed refund, editable in yuan; a changed amount needs its reason. */
function RefundForm({ ret, failed, suggested }: { ret: ReturnDetail; failed: Failed; suggested: number }) {
  const { t } = useTranslation();
  const busy = useNavigation().state !== "idle";
  const mine = failed?.intent === "refund" ? failed : null;
  const [amount, setAmount] = useState(mine?.values.refundAmount ?? fenToYuanInput(suggested));
  const typed = parseYuanToFen(amount);
  const changed = typed !== null && typed !== suggested;
  const amountError = mine?.fieldErrors.refundAmount;
  const reasonError = mine?.fieldErrors.refundReason;
  return (
    <Form method="post" className="space-y-3" data-testid="refund-form">
      <input type="hidden" name="version" value={ret.version} />
      <p className="text-sm">
        {t("returnsAdmin.detail.refund.suggested")}: <Money fen={suggested} className="font-semibold" />
        <span className="block text-xs text-slate-500">{t("returnsAdmin.detail.refund.rule")}</span>
      </p>
      <div className="grid gap-2 sm:grid-cols-2">
        <div className="text-sm">
          <label htmlFor="f-refundAmount" className="mb-1 block text-slate-700">
            {t("returnsAdmin.detail.refund.amount")}
          </label>
          <input
            name="refundAmount"
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            className={`${control} ${controlBorder(amountError)} text-right`}
            {...errorProps("f-refundAmount", amountError)}
          />
          <FieldError id="f-refundAmount" error={amountError} />
        </div>
        <div className="text-sm">
          <label htmlFor="f-refundReason" className="mb-1 block text-slate-700">
            {t("returns.refundReason")}
            {changed ? <span className="text-red-600"> *</span> : null}
          </label>
          <input
            name="refundReason"
            maxLength={500}
            defaultValue={mine?.values.refundReason ?? ""}
            className={`${control} ${controlBorder(reasonError)}`}
            {...errorProps("f-refundReason", reasonError)}
          />
          <FieldError id="f-refundReason" error={reasonError} />
          {changed && !reasonError ? (
            <p className="mt-1 text-xs text-amber-700">{t("returnsAdmin.detail.refund.reasonNeeded")}</p>
          ) : null}
        </div>
      </div>
      <NoteField value={mine?.values.note} />
      <Button type="submit" name="intent" value="refund" disabled={busy}>
        {t("returnsAdmin.detail.refund.submit")}
      </Button>
    </Form>
  );
}

function InfoRow({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[8rem_1fr] gap-2 py-1">
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

export default function AdminReturn({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const { ret, may, step } = loaderData;
  const result = actionData as ActionData | undefined;
  const failed = result && !result.ok ? result : null;
  const [searchParams] = useSearchParams();
  const first = ret.timeline[0];
  const anyForm = may.review || may.shipBack || may.inbound || may.refund;
  const units = (pick: (l: Line) => number | null) =>
    ret.lines.some((l) => pick(l) !== null) ? ret.lines.reduce((s, l) => s + (pick(l) ?? 0), 0) : null;
  const totals = {
    requested: units((l) => l.requested),
    approved: units((l) => l.approved),
    received: units((l) => l.received),
    shortfall: units((l) => l.shortfall),
  };
  const dash = <span className="text-slate-400">—</span>;
  return (
    <>
      <Link
        to={`/admin/returns${ret.status.startsWith("pending") ? `?status=${ret.status}` : ""}`}
        className="text-sm text-brand-700"
      >
        ← {t("returnsAdmin.list.title")}
      </Link>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <h1 className="font-mono text-xl font-semibold">{ret.number}</h1>
        <StatusBadge status={ret.status} label={t(`returns.status.${ret.status}`)} />
      </div>
      <p className="text-sm text-slate-600" data-testid="return-header">
        {t("returnsAdmin.columns.customer")}: {ret.customer.name}{" "}
        <span className="font-mono text-xs">{ret.customer.code}</span> · {t("returns.order")}:{" "}
        {loaderData.canSeeOrders ? (
          <Link to={`/admin/orders/${ret.orderNumber}`} className="font-mono text-brand-700 hover:underline">
            {ret.orderNumber}
          </Link>
        ) : (
          <span className="font-mono">{ret.orderNumber}</span>
        )}{" "}
        · {t("returnsAdmin.detail.createdBy")}: {first?.actorName ?? ret.createdBy}
        {first?.action === "submit_on_behalf" ? ` (${t("returnsAdmin.detail.onBehalf")})` : ""} ·{" "}
        <DateTime iso={ret.createdAt} />
      </p>
      {result?.notice ? (
        <div className="mt-3" data-testid="return-notice">
          <Notice tone={result.ok ? "success" : "error"}>{t(result.notice.key, result.notice.params)}</Notice>
        </div>
      ) : failed ? (
        <div className="mt-3">
          <Notice tone="error">{t("returnsAdmin.detail.fixFields")}</Notice>
        </div>
      ) : searchParams.get("created") === "1" ? (
        <div className="mt-3" data-testid="return-notice">
          <Notice tone="success">{t("returnsAdmin.detail.created")}</Notice>
        </div>
      ) : null}
      <section className="mt-4">
        <h2 className="mb-2 font-semibold">{t("returnsAdmin.detail.lines")}</h2>
        <DataTable caption={t("returnsAdmin.detail.lines")}>
          <thead className="bg-slate-50">
            <tr>
              <th className={thClass}>{t("returnsAdmin.columns.product")}</th>
              <th className={thClass}>{t("returns.line.reason")}</th>
              <th className={`${thClass} text-right`}>{t("returns.line.requested")}</th>
              <th className={`${thClass} text-right`}>{t("returns.line.approved")}</th>
              <th className={`${thClass} text-right`}>{t("returns.line.received")}</th>
              <th className={`${thClass} text-right`}>{t("returns.line.shortfall")}</th>
              <th className={thClass}>{t("returns.line.disposition")}</th>
              <th className={`${thClass} text-right`}>{t("returns.line.unitPaid")}</th>
              <th className={`${thClass} text-right`}>{t("returns.line.refund")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100" data-testid="return-lines">
            {ret.lines.map((l) => (
              <tr key={l.id} data-testid={`line-${l.skuCode}`}>
                <td className={tdClass}>
                  <LineLabel line={l} />
                </td>
                <td className={`${tdClass} min-w-28`}>
                  {t(`returns.reason.${l.reason}`)}
                  {l.note ? <span className="block text-xs text-slate-500">{l.note}</span> : null}
                </td>
                <td className={`${tdClass} text-right tabular-nums`}>{l.requested}</td>
                <td className={`${tdClass} text-right tabular-nums`}>{l.approved ?? dash}</td>
                <td className={`${tdClass} text-right tabular-nums`}>{l.received ?? dash}</td>
                <td
                  className={`${tdClass} text-right tabular-nums ${l.shortfall ? "font-semibold text-amber-700" : ""}`}
                >
                  {l.shortfall ?? dash}
                </td>
                <td className={tdClass}>{l.disposition ? t(`returns.disposition.${l.disposition}`) : dash}</td>
                <td className={`${tdClass} text-right`}>
                  <Money fen={l.unitPaid} />
                </td>
                <td className={`${tdClass} text-right`}>
                  {l.refundAmount === null ? dash : <Money fen={l.refundAmount} />}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot className="border-t border-slate-200 font-medium">
            <tr>
              <td colSpan={2} className={`${tdClass} text-right text-slate-500`}>
                {t("returnsAdmin.detail.total")}
              </td>
              {(["requested", "approved", "received", "shortfall"] as const).map((k) => (
                <td key={k} className={`${tdClass} text-right tabular-nums`}>
                  {totals[k] ?? dash}
                </td>
              ))}
              <td colSpan={2} />
              <td className={`${tdClass} text-right`}>
                {ret.refundAmount === null ? dash : <Money fen={ret.refundAmount} />}
              </td>
            </tr>
          </tfoot>
        </DataTable>
      </section>
      <div className="mt-6 grid gap-6 xl:grid-cols-3">
        <div className="min-w-0 space-y-6 xl:col-span-2">
          {ret.photos.length ? (
            <section>
              <h2 className="mb-2 font-semibold">{t("returns.photos")}</h2>
              <ul className="flex flex-wrap gap-2">
                {ret.photos.map((p) => (
                  <li key={p}>
                    <a
                      href={`/admin/returns/${ret.number}/photos/${p}/full`}
                      target="_blank"
                      rel="noreferrer"
                      className="block"
                    >
                      <img
                        src={`/admin/returns/${ret.number}/photos/${p}/thumb`}
                        alt={t("returnsAdmin.detail.photoAlt", { n: p + 1 })}
                        className="size-24 rounded border border-slate-200 object-cover hover:border-brand-500"
                        loading="lazy"
                      />
                    </a>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}

          {anyForm || step ? (
            <section className="rounded-lg border border-slate-200 bg-white p-4" data-testid="step-panel">
              <h2 className="mb-3 font-semibold">
                {step
                  ? t("returnsAdmin.detail.stepTitle", { step: t(`steps.returns.${step.key}`) })
                  : t("returnsAdmin.detail.actions")}
              </h2>
              {step && !step.enabled ? (
                <div className="mb-3">
                  <Notice tone="info">{t("returnsAdmin.detail.stepOff")}</Notice>
                </div>
              ) : null}
              {may.review ? <ReviewForms key={ret.version} ret={ret} failed={failed} /> : null}
              {may.shipBack ? <ShipBackForm key={ret.version} ret={ret} failed={failed} /> : null}
              {may.inbound ? (
                <InboundForm
                  key={ret.version}
                  ret={ret}
                  failed={failed}
                  warehouses={loaderData.warehouses}
                  defaultWarehouseId={loaderData.defaultWarehouseId}
                />
              ) : null}
              {may.refund && loaderData.suggestedRefund !== null ? (
                <RefundForm key={ret.version} ret={ret} failed={failed} suggested={loaderData.suggestedRefund} />
              ) : null}
              {!anyForm ? (
                <p className="text-sm text-slate-500" data-testid="no-actions">
                  {ret.status === "pending_return_shipment"
                    ? t("returnsAdmin.detail.waitingCustomer")
                    : t("returnsAdmin.detail.noPermission")}
                </p>
              ) : null}
            </section>
          ) : null}
        </div>

        <div className="min-w-0 space-y-6">
          <section className="rounded-lg border border-slate-200 bg-white p-4 text-sm" data-testid="return-info">
            <h2 className="mb-2 font-semibold">{t("returnsAdmin.detail.info")}</h2>
            <dl className="divide-y divide-slate-100">
              {ret.note ? <InfoRow label={t("returnsAdmin.detail.customerNote")}>{ret.note}</InfoRow> : null}
              {ret.rejectReason ? (
                <InfoRow label={t("returns.rejectReason")}>
                  <span className="text-red-700">{ret.rejectReason}</span>
                </InfoRow>
              ) : null}
              <InfoRow label={t("returns.shipment.heading")}>
                {ret.shipment.at ? (
                  <>
                    {ret.shipment.dropOff
                      ? t("returns.shipment.dropOff")
                      : `${ret.shipment.carrier} ${ret.shipment.trackingNo}`}
                    <span className="block text-xs text-slate-500">
                      <DateTime iso={ret.shipment.at} />
                    </span>
                  </>
                ) : (
                  dash
                )}
              </InfoRow>
              <InfoRow label={t("returnsAdmin.detail.inbound.warehouse")}>
                {ret.receivedAt ? (
                  <>
                    {loaderData.warehouseName ?? dash}
                    <span className="block text-xs text-slate-500">
                      <DateTime iso={ret.receivedAt} />
                    </span>
                  </>
                ) : (
                  dash
                )}
              </InfoRow>
              <InfoRow label={t("returns.refundTotal")}>
                {ret.refundAmount === null ? (
                  dash
                ) : (
                  <>
                    <Money fen={ret.refundAmount} className="font-semibold" />
                    {ret.refundReason ? (
                      <span className="block text-xs text-slate-600">
                        {t("returns.refundReason")}: {ret.refundReason}
                      </span>
                    ) : null}
                    {ret.refundedAt ? (
                      <span className="block text-xs text-slate-500">
                        <DateTime iso={ret.refundedAt} />
                      </span>
                    ) : null}
                  </>
                )}
              </InfoRow>
            </dl>
          </section>
          <section className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 className="mb-3 font-semibold">{t("returns.timeline")}</h2>
            <OrderTimeline ns="returns" entries={ret.timeline} />
          </section>
        </div>
      </div>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
