import { data, Form, Link, useNavigation } from "react-router";
import { z } from "zod";
import { actorOf, requirePermission } from "../../auth/guards.server";
import { Button, buttonClass } from "../../components/button";
import { ChangeSlips } from "../../components/change-slips";
import { DataTable, tdClass, thClass } from "../../components/data-table";
import { DateTime } from "../../components/date-time";
import { Money } from "../../components/money";
import { Notice } from "../../components/notice";
import { OrderTimeline } from "../../components/order-timeline";
import { RouteErrorBoundary } from "../../components/route-error";
import { StatusBadge } from "../../components/status-badge";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { ORDER_PIPELINE, VOIDABLE } from "../../domain/order-pipeline";
import { isEnabled } from "../../domain/pipeline-engine";
import { getEnv } from "../../env.server";
import { fenToYuanInput, parseYuanToFen } from "../../http/forms";
import { formatDateTime } from "../../i18n/format";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { availableToSpend } from "../../services/funds.server";
import { amendOrder, changeSlips, shipmentsOf } from "../../services/order-admin.server";
import { type OrderActionInput, performOrderAction } from "../../services/order-pipeline.server";
import { getOrder } from "../../services/orders.server";
import { orderReturnsByPosition } from "../../services/returnable-orders.server";
import { RETURNABLE_ORDER_STATUSES } from "../../services/returns.server";
import { getSettings } from "../../services/settings.server";
import type { Route } from "./+types/order";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "order.view");
  const { db } = getDatabase();
  const order = await getOrder(db, params.number, { regionIds: viewer.grant.regionIds });
  if (!order) throw data(null, { status: 404 });
  const [slips, shipments, settings, warehouses, placedBy] = await Promise.all([
    changeSlips(db, order.id),
    shipmentsOf(db, order.id),
    getSettings(db),
    db.selectFrom("warehouses").select(["id", "name"]).where("active", "=", 1).orderBy("id").execute(),
    db
      .selectFrom("orders as o")
      .innerJoin("accounts as a", "a.id", "o.placed_by_account_id")
      .select(["a.display_name", "a.kind", "o.warehouse_id", "o.payment_method"])
      .where("o.id", "=", order.id)
      .executeTakeFirstOrThrow(),
  ]);
  const step = ORDER_PIPELINE.steps.find((s) => s.status === order.status) ?? null;
  const can = (p: Parameters<typeof viewer.grant.permissions.has>[0]) => viewer.grant.permissions.has(p);
  // 本单退货: the order's returns and the units returned per line, for staff who may see returns.
  const returns = can("return.view") ? await orderReturnsByPosition(db, order.id) : null;
  // Finance review shows what the customer can pay with.
  const funds =
    step?.key === "finance_review" && (can("order.finance_review") || can("funds.view"))
      ? await availableToSpend(db, order.customer.id)
      : null;
  const t = getI18n(context).t;
  return {
    title: `${order.number} · ${t("app.name")}`,
    order,
    slips,
    shipments,
    warehouses,
    placedBy: { name: placedBy.display_name, kind: placedBy.kind },
    warehouseId: placedBy.warehouse_id,
    paymentMethod: placedBy.payment_method,
    funds: funds && {
      prepaid: funds.balances.prepaid,
      rebate: funds.balances.rebate,
      creditLimit: funds.balances.creditLimit,
      receivable: funds.balances.receivable,
      unusedCredit: funds.unusedCredit,
      available: funds.available,
    },
    mayOverride: can("customer.credit"),
    returns,
    mayStartReturn: can("return.create") && (RETURNABLE_ORDER_STATUSES as readonly string[]).includes(order.status),
    step: step ? { key: step.key, enabled: isEnabled(settings.orderSteps, step.key) } : null,
    may: {
      approve: Boolean(step?.permission && can(step.permission)) && step?.key !== "receipt",
      confirmReceipt: order.status === "pending_receipt" && can("order.confirm_receipt"),
      sendBack: order.status === "pending_order_review" && can("order.review"),
      amend: order.status === "pending_order_review" && can("order.review"),
      void: (VOIDABLE as readonly string[]).includes(order.status) && can("order.void"),
      print: shipments.length > 0,
    },
  };
}

const shipmentSchema = z
  .object({
    carrier: z.string().trim().max(50).default(""),
    trackingNo: z.string().trim().max(50).default(""),
    selfPickup: z.literal("1").optional(),
  })
  .transform((v) =>
    v.selfPickup
      ? { selfPickup: true as const }
      : v.carrier && v.trackingNo
        ? { carrier: v.carrier, trackingNo: v.trackingNo }
        : undefined,
  );

const actionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("approve"),
    version: z.coerce.number().int().positive(),
    note: z.string().trim().max(500).default(""),
    warehouseId: z.coerce.number().int().positive().optional(),
    paymentMethod: z.enum(["auto", "prepaid", "rebate_and_prepaid", "credit", "offline"]).default("auto"),
    paymentReference: z.string().trim().max(100).optional(),
    overrideReason: z.string().trim().max(500).optional(),
    carrier: z.string().optional(),
    trackingNo: z.string().optional(),
    selfPickup: z.string().optional(),
  }),
  z.object({
    intent: z.literal("confirm_receipt"),
    version: z.coerce.number().int().positive(),
    note: z.string().trim().max(500).default(""),
  }),
  z.object({
    intent: z.literal("send_back"),
    version: z.coerce.number().int().positive(),
    reason: z.string().trim().max(500),
  }),
  z.object({
    intent: z.literal("void"),
    version: z.coerce.number().int().positive(),
    reason: z.string().trim().max(500),
  }),
  z.object({
    intent: z.literal("amend"),
    version: z.coerce.number().int().positive(),
    reason: z.string().trim().max(500),
    freight: z.string(),
    discount: z.string(),
  }),
]);

type ActionData = {
  message: string;
  params?: Record<string, unknown>;
  tone: "success" | "error";
  values?: Record<string, string>;
};

export async function action({ request, context, params }: Route.ActionArgs) {
  const viewer = requirePermission(request, context, "order.view");
  const { db } = getDatabase();
  const form = await request.formData();
  const values = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === "string")) as Record<
    string,
    string
  >;
  const parsed = actionSchema.safeParse(values);
  if (!parsed.success)
    return data<ActionData>({ message: "validation.invalid", tone: "error", values }, { status: 400 });
  const input = parsed.data;
  const actor = { ...actorOf(viewer, context), kind: "staff" as const, grant: viewer.grant };
  const now = new Date();
  const t = getI18n(context).t;

  if (input.intent === "amend") {
    // Per line: qty_<skuId> and price_<skuId> as typed (yuan).
    const lines: Array<{ skuId: number; quantity: number; unitPrice: number }> = [];
    for (const [key, value] of Object.entries(values)) {
      const m = /^qty_(\d+)$/.exec(key);
      if (!m) continue;
      const quantity = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
      const unitPrice = parseYuanToFen(values[`price_${m[1]}`] ?? "") ?? Number.NaN;
      lines.push({ skuId: Number(m[1]), quantity, unitPrice });
    }
    const result = await amendOrder(
      db,
      actor,
      params.number,
      {
        version: input.version,
        lines,
        freight: parseYuanToFen(input.freight) ?? Number.NaN,
        discount: parseYuanToFen(input.discount) ?? Number.NaN,
        reason: input.reason,
      },
      now,
    );
    if (result.ok) return data<ActionData>({ message: "common.saved", tone: "success" });
    if (result.code === "not_found") throw data(null, { status: 404 });
    return data<ActionData>(
      { message: `orders.console.errors.${result.code}`, tone: "error", values },
      { status: result.code === "stale_version" ? 409 : result.code === "not_permitted" ? 403 : 422 },
    );
  }

  let actionInput: OrderActionInput;
  if (input.intent === "approve") {
    actionInput = {
      type: "approve",
      version: input.version,
      note: input.note,
      warehouseId: input.warehouseId,
      payment: {
        method: input.paymentMethod,
        reference: input.paymentReference,
        overrideReason: input.overrideReason || undefined,
      },
      shipment: shipmentSchema.parse({
        carrier: input.carrier,
        trackingNo: input.trackingNo,
        selfPickup: input.selfPickup || undefined,
      }),
    };
  } else if (input.intent === "confirm_receipt") {
    actionInput = { type: "confirm_receipt", version: input.version, note: input.note };
  } else {
    actionInput = { type: input.intent, version: input.version, reason: input.reason };
  }
  const result = await performOrderAction(db, actor, params.number, actionInput, now);
  if (result.ok)
    return data<ActionData>({
      message: "orders.console.detail.done",
      params: { status: t(`orders.status.${result.status}`) },
      tone: "success",
    });
  if (result.code === "not_found") throw data(null, { status: 404 });
  const status =
    result.code === "already_handled" || result.code === "stale_version"
      ? 409
      : result.code === "not_permitted"
        ? 403
        : 422;
  const errorParams: Record<string, unknown> = { ...result };
  if ("status" in result) errorParams.status = t(`orders.status.${result.status}`);
  if (result.code === "already_handled" && result.at)
    errorParams.at = formatDateTime(result.at, getI18n(context).language, getEnv().APP_TIMEZONE);
  const key = result.code === "already_handled" && !result.by ? "already_handled_anon" : result.code;
  return data<ActionData>(
    { message: `orders.console.errors.${key}`, params: errorParams, tone: "error", values },
    { status },
  );
}

const field = "min-h-10 w-full rounded-md border border-slate-300 px-3 text-sm";

export default function AdminOrder({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const { order, slips, shipments, step, may, warehouses, returns } = loaderData;
  const returnedCols = Boolean(returns?.returns.length);
  const v = actionData?.values ?? {};
  const intentButton = (intent: string, label: string, variant: "primary" | "secondary" | "danger" = "primary") => (
    <Button type="submit" name="intent" value={intent} variant={variant} disabled={busy}>
      {label}
    </Button>
  );
  return (
    <>
      <Link
        to={`/admin/orders${order.status.startsWith("pending") ? `?status=${order.status}` : ""}`}
        className="text-sm text-brand-700"
      >
        ← {t("orders.console.title")}
      </Link>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <h1 className="font-mono text-xl font-semibold">{order.number}</h1>
        <StatusBadge status={order.status} label={t(`orders.status.${order.status}`)} />
        {may.print ? (
          <Link to={`/admin/orders/${order.number}/delivery-note`} className={buttonClass("secondary", "ml-auto")}>
            {t("orders.console.detail.deliveryNote")}
          </Link>
        ) : null}
      </div>
      <p className="text-sm text-slate-600">
        {t("orders.console.detail.customer")}: {order.customer.name}{" "}
        <span className="font-mono text-xs">{order.customer.code}</span> · {t("orders.console.detail.placedBy")}:{" "}
        {loaderData.placedBy.name} · <DateTime iso={order.createdAt} />
      </p>
      {actionData ? (
        <div className="mt-3">
          <Notice tone={actionData.tone}>{t(actionData.message, actionData.params)}</Notice>
        </div>
      ) : null}
      <div className="mt-4 grid gap-6 xl:grid-cols-3">
        <div className="min-w-0 space-y-6 xl:col-span-2">
          <section>
            <h2 className="mb-2 font-semibold">{t("orders.console.detail.lines")}</h2>
            <DataTable>
              <thead className="bg-slate-50">
                <tr>
                  <th className={thClass}>{t("orders.line.sku")}</th>
                  <th className={thClass}>{t("orders.line.product")}</th>
                  <th className={`${thClass} text-right`}>{t("orders.line.quantity")}</th>
                  <th className={`${thClass} text-right`}>{t("orders.line.unitPrice")}</th>
                  <th className={`${thClass} text-right`}>{t("orders.line.amount")}</th>
                  {returnedCols ? (
                    <th className={`${thClass} text-right`}>{t("returnsAdmin.orderReturns.returned")}</th>
                  ) : null}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {order.lines.map((l, i) => (
                  <tr key={l.skuId}>
                    <td className={`${tdClass} font-mono`}>{l.skuCode}</td>
                    <td className={tdClass}>
                      {l.productName} <span className="text-xs text-slate-500">{l.spec}</span>
                    </td>
                    <td className={`${tdClass} text-right tabular-nums`}>
                      {l.quantity} {l.unit}
                    </td>
                    <td className={`${tdClass} text-right`}>
                      <Money fen={l.unitPrice} />
                    </td>
                    <td className={`${tdClass} text-right`}>
                      <Money fen={l.amount} />
                    </td>
                    {returnedCols ? (
                      <td className={`${tdClass} text-right tabular-nums`} data-testid={`returned-${l.skuCode}`}>
                        {returns?.byPosition[i]?.claimed || <span className="text-slate-400">—</span>}
                        {returns?.byPosition[i]?.received ? (
                          <span className="block text-xs text-slate-500">
                            {t("returnsAdmin.orderReturns.received", { n: returns.byPosition[i].received })}
                          </span>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
              <tfoot className="text-sm">
                {(["goods", "freight", "discount", "payable"] as const).map((k) => (
                  <tr key={k}>
                    <td
                      colSpan={4}
                      className={`${tdClass} text-right ${k === "payable" ? "font-semibold" : "text-slate-500"}`}
                    >
                      {t(`orders.totals.${k}`)}
                    </td>
                    <td className={`${tdClass} text-right ${k === "payable" ? "font-semibold" : ""}`}>
                      <Money fen={order.totals[k]} />
                    </td>
                    {returnedCols ? <td /> : null}
                  </tr>
                ))}
              </tfoot>
            </DataTable>
          </section>

          <section className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
            <p>
              {order.address.contactName} {order.address.phone} · {order.address.address}
            </p>
            {order.requestedDeliveryDate ? (
              <p>
                {t("shop.order.requestedDate")}: {order.requestedDeliveryDate}
              </p>
            ) : null}
            {order.remark ? (
              <p>
                {t("shop.order.remark")}: {order.remark}
              </p>
            ) : null}
            {order.contractNo ? (
              <p>
                {t("shop.order.contractNo")}: {order.contractNo}
              </p>
            ) : null}
          </section>

          <section>
            <h2 className="mb-2 font-semibold">{t("orders.console.detail.changeSlips")}</h2>
            <ChangeSlips slips={slips} />
          </section>

          {shipments.length ? (
            <section>
              <h2 className="mb-2 font-semibold">{t("orders.console.detail.shipments")}</h2>
              <ul className="space-y-2 text-sm">
                {shipments.map((s) => (
                  <li key={s.id} className="rounded-lg border border-slate-200 bg-white p-3">
                    <span className="font-mono">{s.number}</span> · {s.warehouseName} ·{" "}
                    {t("orders.console.detail.outboundAt")} <DateTime iso={s.outboundAt} />
                    {s.shippedAt ? (
                      <>
                        {" "}
                        · {t("orders.console.detail.shippedAt")} <DateTime iso={s.shippedAt} /> ·{" "}
                        {s.selfPickup ? t("orders.console.detail.selfPickup") : `${s.carrier} ${s.trackingNo}`}
                      </>
                    ) : null}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {returns ? (
            <section data-testid="order-returns">
              <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
                <h2 className="font-semibold">{t("returns.ofOrder")}</h2>
                {loaderData.mayStartReturn ? (
                  <Link
                    to={`/admin/returns/new?order=${encodeURIComponent(order.number)}`}
                    className={buttonClass("secondary", "min-h-8")}
                  >
                    {t("returnsAdmin.orderReturns.start")}
                  </Link>
                ) : null}
              </div>
              {returns.returns.length ? (
                <DataTable caption={t("returns.ofOrder")}>
                  <thead className="bg-slate-50">
                    <tr>
                      <th className={thClass}>{t("returns.number")}</th>
                      <th className={thClass}>{t("returnsAdmin.columns.status")}</th>
                      <th className={`${thClass} text-right`}>{t("returnsAdmin.columns.units")}</th>
                      <th className={`${thClass} text-right`}>{t("returns.refundTotal")}</th>
                      <th className={thClass}>{t("returnsAdmin.columns.created")}</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {returns.returns.map((r) => (
                      <tr key={r.number}>
                        <td className={`${tdClass} font-mono`}>
                          <Link to={`/admin/returns/${r.number}`} className="link">
                            {r.number}
                          </Link>
                        </td>
                        <td className={tdClass}>
                          <StatusBadge status={r.status} label={t(`returns.status.${r.status}`)} />
                        </td>
                        <td className={`${tdClass} text-right tabular-nums`}>{r.units}</td>
                        <td className={`${tdClass} text-right`}>
                          {r.refundAmount === null ? (
                            <span className="text-slate-400">—</span>
                          ) : (
                            <Money fen={r.refundAmount} />
                          )}
                        </td>
                        <td className={`${tdClass} whitespace-nowrap`}>
                          <DateTime iso={r.createdAt} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </DataTable>
              ) : (
                <p className="rounded-lg border border-slate-200 bg-white p-3 text-sm text-slate-500">
                  {t("returns.none")}
                </p>
              )}
            </section>
          ) : null}
        </div>

        <div className="min-w-0 space-y-6">
          <section className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 className="mb-3 font-semibold">{t("orders.console.detail.actions")}</h2>
            {step && !step.enabled ? (
              <div className="mb-3">
                <Notice tone="info">{t("orders.console.detail.stepOffNote")}</Notice>
              </div>
            ) : null}
            {!may.approve && !may.confirmReceipt && !may.sendBack && !may.void && !may.amend ? (
              <p className="text-sm text-slate-500">
                {order.status === "sent_back"
                  ? t("orders.console.detail.waitingCustomer")
                  : t("orders.console.detail.noActions")}
              </p>
            ) : null}
            {may.approve && step ? (
              <Form method="post" className="space-y-3" data-testid="approve-form">
                <input type="hidden" name="version" value={order.version} />
                {step.key === "finance_review" && loaderData.funds ? (
                  <dl className="grid grid-cols-2 gap-1 rounded-md bg-slate-50 p-2 text-xs" data-testid="finance-funds">
                    {(["prepaid", "rebate", "unusedCredit", "available"] as const).map((k) => (
                      <div key={k}>
                        <dt className="text-slate-500">{t(`orders.console.funds.${k}`)}</dt>
                        <dd className={k === "available" ? "font-semibold" : ""}>
                          <Money fen={loaderData.funds![k]} />
                        </dd>
                      </div>
                    ))}
                  </dl>
                ) : null}
                {step.key === "finance_review" ? (
                  <div className="space-y-2">
                    <label className="block text-sm">
                      <span className="mb-1 block text-slate-700">{t("orders.console.detail.paymentMethod")}</span>
                      <select name="paymentMethod" defaultValue={v.paymentMethod ?? "auto"} className={field}>
                        {(["auto", "prepaid", "rebate_and_prepaid", "credit", "offline"] as const).map((m) => (
                          <option key={m} value={m}>
                            {t(`orders.payment.${m}`)}
                          </option>
                        ))}
                      </select>
                    </label>
                    <input
                      name="paymentReference"
                      placeholder={t("orders.payment.reference")}
                      aria-label={t("orders.payment.reference")}
                      defaultValue={v.paymentReference ?? ""}
                      className={field}
                    />
                    {loaderData.mayOverride ? (
                      <input
                        name="overrideReason"
                        placeholder={t("orders.payment.overrideReason")}
                        aria-label={t("orders.payment.overrideReason")}
                        defaultValue={v.overrideReason ?? ""}
                        className={field}
                      />
                    ) : null}
                  </div>
                ) : null}
                {step.key === "outbound_review" ? (
                  <label className="block text-sm">
                    <span className="mb-1 block text-slate-700">{t("orders.console.detail.warehouse")}</span>
                    <select
                      name="warehouseId"
                      defaultValue={v.warehouseId ?? String(loaderData.warehouseId ?? warehouses[0]?.id ?? "")}
                      className={field}
                    >
                      {warehouses.map((w) => (
                        <option key={w.id} value={w.id}>
                          {w.name}
                        </option>
                      ))}
                    </select>
                  </label>
                ) : null}
                {step.key === "shipment" ? (
                  <div className="space-y-2">
                    <input
                      name="carrier"
                      placeholder={t("orders.console.detail.carrier")}
                      aria-label={t("orders.console.detail.carrier")}
                      defaultValue={v.carrier ?? ""}
                      className={field}
                    />
                    <input
                      name="trackingNo"
                      placeholder={t("orders.console.detail.trackingNo")}
                      aria-label={t("orders.console.detail.trackingNo")}
                      defaultValue={v.trackingNo ?? ""}
                      className={field}
                    />
                    <label className="flex items-center gap-2 text-sm">
                      <input type="checkbox" name="selfPickup" value="1" defaultChecked={v.selfPickup === "1"} />{" "}
                      {t("orders.console.detail.selfPickup")}
                    </label>
                  </div>
                ) : null}
                <input
                  name="note"
                  placeholder={t("orders.console.detail.note")}
                  aria-label={t("orders.console.detail.note")}
                  defaultValue={v.note ?? ""}
                  className={field}
                />
                {intentButton(
                  "approve",
                  t("orders.console.detail.approveStep", { step: t(`steps.orders.${step.key}`) }),
                )}
              </Form>
            ) : null}
            {may.confirmReceipt ? (
              <Form method="post" className="mt-3">
                <input type="hidden" name="version" value={order.version} />
                {intentButton("confirm_receipt", t("orders.console.detail.confirmReceipt"))}
              </Form>
            ) : null}
            {may.sendBack ? (
              <Form method="post" className="mt-4 space-y-2 border-t border-slate-100 pt-3">
                <input type="hidden" name="version" value={order.version} />
                <input
                  name="reason"
                  required
                  placeholder={t("orders.console.detail.reason")}
                  aria-label={t("orders.console.detail.reason")}
                  defaultValue={v.intent === "send_back" ? (v.reason ?? "") : ""}
                  className={field}
                />
                {intentButton("send_back", t("orders.console.detail.sendBack"), "secondary")}
              </Form>
            ) : null}
            {may.void ? (
              <Form method="post" className="mt-4 space-y-2 border-t border-slate-100 pt-3">
                <input type="hidden" name="version" value={order.version} />
                <p className="text-xs text-slate-500">{t("orders.console.detail.voidHint")}</p>
                <input
                  name="reason"
                  required
                  placeholder={t("orders.console.detail.reason")}
                  aria-label={t("orders.console.detail.reason")}
                  defaultValue={v.intent === "void" ? (v.reason ?? "") : ""}
                  className={field}
                />
                {intentButton("void", t("orders.console.detail.void"), "danger")}
              </Form>
            ) : null}
          </section>

          {may.amend ? (
            <section className="rounded-lg border border-slate-200 bg-white p-4">
              <h2 className="font-semibold">{t("orders.console.detail.amend")}</h2>
              <p className="mb-3 text-xs text-slate-500">{t("orders.console.detail.amendHint")}</p>
              <Form method="post" className="space-y-2 text-sm">
                <input type="hidden" name="version" value={order.version} />
                {order.lines.map((l) => (
                  <div key={l.skuId} className="grid grid-cols-[1fr_5rem_6rem] items-center gap-2">
                    <span className="truncate font-mono text-xs">{l.skuCode}</span>
                    <input
                      name={`qty_${l.skuId}`}
                      inputMode="numeric"
                      aria-label={`${l.skuCode} ${t("orders.console.detail.quantity")}`}
                      defaultValue={v[`qty_${l.skuId}`] ?? l.quantity}
                      className="min-h-9 rounded border border-slate-300 px-2"
                    />
                    <input
                      name={`price_${l.skuId}`}
                      inputMode="decimal"
                      aria-label={`${l.skuCode} ${t("orders.console.detail.unitPrice")}`}
                      defaultValue={v[`price_${l.skuId}`] ?? fenToYuanInput(l.unitPrice)}
                      className="min-h-9 rounded border border-slate-300 px-2"
                    />
                  </div>
                ))}
                <div className="grid grid-cols-2 gap-2">
                  <label>
                    <span className="block text-xs text-slate-500">{t("orders.console.detail.freight")}</span>
                    <input
                      name="freight"
                      inputMode="decimal"
                      defaultValue={v.freight ?? fenToYuanInput(order.totals.freight)}
                      className="min-h-9 w-full rounded border border-slate-300 px-2"
                    />
                  </label>
                  <label>
                    <span className="block text-xs text-slate-500">{t("orders.console.detail.discount")}</span>
                    <input
                      name="discount"
                      inputMode="decimal"
                      defaultValue={v.discount ?? fenToYuanInput(order.totals.discount)}
                      className="min-h-9 w-full rounded border border-slate-300 px-2"
                    />
                  </label>
                </div>
                <input
                  name="reason"
                  required
                  placeholder={t("orders.console.detail.amendReason")}
                  aria-label={t("orders.console.detail.amendReason")}
                  defaultValue={v.intent === "amend" ? (v.reason ?? "") : ""}
                  className={field}
                />
                {intentButton("amend", t("orders.console.detail.saveAmend"), "secondary")}
              </Form>
            </section>
          ) : null}

          <section className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 className="mb-3 font-semibold">{t("orders.console.detail.timeline")}</h2>
            <OrderTimeline entries={order.timeline} />
          </section>
        </div>
      </div>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
