import { data, Form, Link, redirect, useNavigation } from "react-router";
import { z } from "zod";
import { actorOf, requireCustomer } from "../../auth/guards.server";
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
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { addToCart } from "../../services/cart.server";
import { changeSlips, editSentBackOrder, shipmentsOf } from "../../services/order-admin.server";
import { checkLines } from "../../services/order-lines.server";
import { performOrderAction } from "../../services/order-pipeline.server";
import { CUSTOMER_CANCELLABLE, getOrder } from "../../services/orders.server";
import { orderReturnsByPosition } from "../../services/returnable-orders.server";
import { RETURNABLE_ORDER_STATUSES } from "../../services/returns.server";
import { getSettings } from "../../services/settings.server";
import type { Route } from "./+types/order";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const viewer = requireCustomer(request, context);
  // Another customer's order number answers exactly like one that does not exist.
  const order = await getOrder(getDatabase().db, params.number, { customerId: viewer.customer.id });
  if (!order) throw data(null, { status: 404 });
  const { db } = getDatabase();
  const [slips, shipments, returns] = await Promise.all([
    changeSlips(db, order.id),
    shipmentsOf(db, order.id),
    orderReturnsByPosition(db, order.id),
  ]);
  return {
    title: getI18n(context).t("shop.order.title", { number: order.number }),
    order,
    slips,
    shipments: shipments.filter((s) => s.shippedAt),
    returns,
    // The return form shows exactly what is left; here a cheap hint is enough to offer it.
    canReturn:
      (RETURNABLE_ORDER_STATUSES as readonly string[]).includes(order.status) &&
      order.lines.some((l, i) => (returns.byPosition[i]?.claimed ?? 0) < l.quantity),
    placed: new URL(request.url).searchParams.get("placed") === "1",
    cancellable: (CUSTOMER_CANCELLABLE as readonly string[]).includes(order.status),
  };
}

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("cancel"), version: z.coerce.number().int().positive() }),
  z.object({ intent: z.literal("confirm_receipt"), version: z.coerce.number().int().positive() }),
  z.object({ intent: z.literal("resubmit"), version: z.coerce.number().int().positive() }),
  z.object({ intent: z.literal("edit"), version: z.coerce.number().int().positive() }),
  z.object({ intent: z.literal("reorder") }),
]);

export async function action({ request, context, params }: Route.ActionArgs) {
  const viewer = requireCustomer(request, context);
  const { db } = getDatabase();
  const order = await getOrder(db, params.number, { customerId: viewer.customer.id });
  if (!order) throw data(null, { status: 404 });
  const form = Object.fromEntries(await request.formData());
  const parsed = actionSchema.safeParse(form);
  if (!parsed.success) throw data(null, { status: 400 });
  const now = new Date();
  const customerActor = { ...actorOf(viewer, context), kind: "customer" as const, customerId: viewer.customer.id };
  if (parsed.data.intent === "edit") {
    const quantities = Object.entries(form)
      .filter(([k]) => /^qty_\d+$/.test(k))
      .map(([k, v]) => ({
        skuId: Number(k.slice(4)),
        quantity: /^\d+$/.test(String(v).trim()) ? Number(v) : Number.NaN,
      }));
    const result = await editSentBackOrder(
      db,
      customerActor,
      order.number,
      { version: parsed.data.version, quantities },
      now,
    );
    if (result.ok) return { message: "common.saved", tone: "success" as const, skipped: [] };
    return data(
      { message: `orders.console.errors.${result.code}`, tone: "error" as const, skipped: [] },
      { status: 422 },
    );
  }
  if (parsed.data.intent === "confirm_receipt" || parsed.data.intent === "resubmit") {
    const result = await performOrderAction(
      db,
      customerActor,
      order.number,
      { type: parsed.data.intent, version: parsed.data.version },
      now,
    );
    if (result.ok)
      return {
        message: "orders.console.detail.done",
        params: { status: result.status },
        tone: "success" as const,
        skipped: [],
      };
    return data(
      {
        message:
          result.code === "stale_version" || result.code === "already_handled"
            ? "shop.order.stale"
            : "validation.invalid",
        tone: "error" as const,
        skipped: [],
      },
      { status: 409 },
    );
  }
  if (parsed.data.intent === "cancel") {
    const result = await performOrderAction(
      db,
      { ...actorOf(viewer, context), kind: "customer", customerId: viewer.customer.id },
      order.number,
      { type: "cancel", version: parsed.data.version },
      now,
    );
    if (result.ok) return { message: "shop.order.cancelled", tone: "success" as const, skipped: [] };
    const message = result.code === "stale_version" ? "shop.order.stale" : "shop.order.cannotCancel";
    return data({ message, tone: "error" as const, skipped: [] }, { status: 409 });
  }
  // Reorder: today's prices and rules; lines that can no longer be ordered are listed, not dropped silently.
  const checked = await checkLines(
    db,
    viewer.customer.id,
    order.lines.map((l) => ({ skuCode: l.skuCode, quantity: l.quantity })),
    await getSettings(db),
  );
  const added = await addToCart(db, viewer.customer.id, checked, now);
  const skipped = checked
    .filter((l) => l.problem)
    .map((l) => ({
      skuCode: l.input.skuCode,
      productName: l.sku?.productName ?? order.lines.find((o) => o.skuCode === l.input.skuCode)?.productName ?? "",
      problem: l.problem!,
    }));
  if (!skipped.length) return redirect("/shop/cart");
  return { message: "shop.order.reorderDone", count: added, tone: "warning" as const, skipped };
}

export default function OrderPage({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const navigation = useNavigation();
  const { order, placed, cancellable, returns, canReturn } = loaderData;
  return (
    <>
      <Link to="/shop/orders" className="text-sm text-brand-700">
        ← {t("shop.orders.title")}
      </Link>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <h1 className="font-mono text-xl font-semibold">{order.number}</h1>
        <StatusBadge status={order.status} label={t(`orders.status.${order.status}`)} />
        {canReturn ? (
          <Link
            to={`/shop/returns/new?order=${encodeURIComponent(order.number)}`}
            className={buttonClass("secondary", "ml-auto")}
            data-testid="start-return"
          >
            {t("returnsShop.startReturn")}
          </Link>
        ) : null}
      </div>
      <p className="text-sm text-slate-500">
        <DateTime iso={order.createdAt} />
      </p>
      <div className="mt-3 space-y-2">
        {placed ? <Notice tone="success">{t("shop.checkout.placed", { number: order.number })}</Notice> : null}
        {actionData ? (
          <Notice tone={actionData.tone}>
            {t(actionData.message, {
              count: "count" in actionData ? actionData.count : 0,
              status: "params" in actionData && actionData.params ? t(`orders.status.${actionData.params.status}`) : "",
            })}
            {actionData.skipped.length ? (
              <>
                {" "}
                {t("shop.order.reorderSkipped")}
                <ul className="mt-1 list-disc pl-5">
                  {actionData.skipped.map((s) => (
                    <li key={s.skuCode}>
                      <span className="font-mono">{s.skuCode}</span> {s.productName}:{" "}
                      {t(`shop.problems.${s.problem.code}`, s.problem)}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </Notice>
        ) : null}
      </div>
      <div className="mt-4 grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-4 lg:col-span-2">
          <section>
            <h2 className="mb-2 text-base font-semibold">{t("shop.order.lines")}</h2>
            <DataTable>
              <thead className="bg-slate-50">
                <tr>
                  <th className={thClass}>{t("orders.line.product")}</th>
                  <th className={`${thClass} text-right`}>{t("orders.line.quantity")}</th>
                  <th className={`${thClass} text-right`}>{t("orders.line.unitPrice")}</th>
                  <th className={`${thClass} text-right`}>{t("orders.line.amount")}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {order.lines.map((l, i) => (
                  <tr key={l.skuCode}>
                    <td className={tdClass}>
                      {l.productName}
                      <span className="block text-xs text-slate-500">
                        <span className="font-mono">{l.skuCode}</span> {l.spec}
                      </span>
                    </td>
                    <td className={`${tdClass} text-right tabular-nums`}>
                      {l.quantity} {l.unit}
                      {returns.byPosition[i]?.claimed ? (
                        <span className="block text-xs text-rose-700" data-testid="line-returned">
                          {t("returnsShop.order.returnedUnits", { count: returns.byPosition[i].claimed })}
                        </span>
                      ) : null}
                      {returns.byPosition[i]?.received ? (
                        <span className="block text-xs text-slate-500">
                          {t("returnsShop.order.receivedUnits", { count: returns.byPosition[i].received })}
                        </span>
                      ) : null}
                    </td>
                    <td className={`${tdClass} text-right`}>
                      <Money fen={l.unitPrice} />
                    </td>
                    <td className={`${tdClass} text-right`}>
                      <Money fen={l.amount} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </DataTable>
            <dl className="mt-3 ml-auto max-w-xs space-y-1 text-sm">
              {(["goods", "freight", "discount"] as const).map((k) => (
                <div key={k} className="flex justify-between">
                  <dt className="text-slate-500">{t(`orders.totals.${k}`)}</dt>
                  <dd>
                    <Money fen={order.totals[k]} />
                  </dd>
                </div>
              ))}
              <div className="flex justify-between border-t border-slate-200 pt-1 font-semibold">
                <dt>{t("orders.totals.payable")}</dt>
                <dd>
                  <Money fen={order.totals.payable} className="text-brand-700" />
                </dd>
              </div>
            </dl>
          </section>
          <section className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
            <h2 className="mb-2 text-base font-semibold">{t("shop.order.address")}</h2>
            <p>
              {order.address.contactName} {order.address.phone}
            </p>
            <p className="text-slate-600">{order.address.address}</p>
            {order.requestedDeliveryDate ? (
              <p className="mt-2">
                {t("shop.order.requestedDate")}: {order.requestedDeliveryDate}
              </p>
            ) : null}
            {order.contractNo ? (
              <p>
                {t("shop.order.contractNo")}: {order.contractNo}
              </p>
            ) : null}
            {order.remark ? (
              <p>
                {t("shop.order.remark")}: {order.remark}
              </p>
            ) : null}
          </section>
        </div>
        <div className="min-w-0 space-y-4">
          {order.status === "pending_receipt" ? (
            <Form method="post" className="rounded-lg border border-teal-200 bg-teal-50 p-4">
              <input type="hidden" name="version" value={order.version} />
              <p className="mb-2 text-sm text-teal-900">{t("shop.order.receiptPrompt")}</p>
              <Button
                type="submit"
                name="intent"
                value="confirm_receipt"
                className="w-full"
                disabled={navigation.state !== "idle"}
              >
                {t("shop.order.confirmReceipt")}
              </Button>
            </Form>
          ) : null}
          {order.status === "sent_back" ? (
            <section className="rounded-lg border border-orange-200 bg-orange-50 p-4" data-testid="sent-back">
              <p className="text-sm text-orange-900">{t("shop.order.sentBackPrompt")}</p>
              <Form method="post" className="mt-3 space-y-2">
                <input type="hidden" name="version" value={order.version} />
                {order.lines.map((l) => (
                  <label key={l.skuId} className="flex items-center justify-between gap-2 text-sm">
                    <span className="min-w-0 truncate">
                      {l.productName} <span className="text-xs text-slate-500">{l.spec}</span>
                    </span>
                    <input
                      name={`qty_${l.skuId}`}
                      inputMode="numeric"
                      defaultValue={l.quantity}
                      aria-label={`${l.skuCode} ${t("shop.cart.quantity")}`}
                      className="min-h-10 w-20 rounded-md border border-slate-300 px-2 text-base"
                    />
                  </label>
                ))}
                <Button
                  type="submit"
                  name="intent"
                  value="edit"
                  variant="secondary"
                  className="w-full"
                  disabled={navigation.state !== "idle"}
                >
                  {t("shop.order.saveEdit")}
                </Button>
              </Form>
              <Form method="post" className="mt-2">
                <input type="hidden" name="version" value={order.version} />
                <Button
                  type="submit"
                  name="intent"
                  value="resubmit"
                  className="w-full"
                  disabled={navigation.state !== "idle"}
                >
                  {t("shop.order.resubmit")}
                </Button>
              </Form>
            </section>
          ) : null}
          {loaderData.shipments.length ? (
            <section className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
              <h2 className="mb-2 text-base font-semibold">{t("orders.console.detail.shipments")}</h2>
              {loaderData.shipments.map((s) => (
                <p key={s.id}>
                  {s.selfPickup ? t("orders.console.detail.selfPickup") : `${s.carrier} ${s.trackingNo}`} ·{" "}
                  <DateTime iso={s.shippedAt!} />
                </p>
              ))}
            </section>
          ) : null}
          {returns.returns.length ? (
            <section className="rounded-lg border border-slate-200 bg-white p-4" data-testid="order-returns">
              <h2 className="mb-2 text-base font-semibold">{t("returns.ofOrder")}</h2>
              <ul className="divide-y divide-slate-100 text-sm">
                {returns.returns.map((r) => (
                  <li key={r.number} className="flex flex-wrap items-center justify-between gap-2 py-2">
                    <span className="min-w-0">
                      <Link
                        to={`/shop/returns/${encodeURIComponent(r.number)}`}
                        className="font-mono text-brand-700 underline"
                      >
                        {r.number}
                      </Link>
                      <span className="block text-xs text-slate-500">
                        <DateTime iso={r.createdAt} /> · {t("returnsShop.order.returnUnits", { count: r.units })}
                      </span>
                    </span>
                    <span className="flex items-center gap-2">
                      <StatusBadge status={r.status} label={t(`returns.status.${r.status}`)} />
                      {r.refundAmount === null ? null : <Money fen={r.refundAmount} className="font-medium" />}
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          <section className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 className="mb-3 text-base font-semibold">{t("shop.order.timeline")}</h2>
            <OrderTimeline entries={order.timeline} />
          </section>
          <section className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 className="mb-3 text-base font-semibold">{t("orders.console.detail.changeSlips")}</h2>
            <ChangeSlips slips={loaderData.slips} />
          </section>
          <div className="flex flex-wrap gap-2">
            <Form method="post">
              <Button
                type="submit"
                name="intent"
                value="reorder"
                variant="secondary"
                disabled={navigation.state !== "idle"}
              >
                {t("shop.order.reorder")}
              </Button>
            </Form>
            {cancellable ? (
              <Form
                method="post"
                onSubmit={(event) => {
                  if (!window.confirm(t("shop.order.cancelConfirm"))) event.preventDefault();
                }}
              >
                <input type="hidden" name="version" value={order.version} />
                <Button
                  type="submit"
                  name="intent"
                  value="cancel"
                  variant="danger"
                  disabled={navigation.state !== "idle"}
                >
                  {t("shop.order.cancel")}
                </Button>
              </Form>
            ) : null}
          </div>
        </div>
      </div>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
