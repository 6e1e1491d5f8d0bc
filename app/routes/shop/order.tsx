import { useTranslation } from "react-i18next";
import { data, Form, Link, redirect, useNavigation } from "react-router";
import { z } from "zod";
import { actorOf, requireCustomer } from "../../auth/guards.server";
import { Button } from "../../components/button";
import { DataTable, tdClass, thClass } from "../../components/data-table";
import { DateTime } from "../../components/date-time";
import { Money } from "../../components/money";
import { Notice } from "../../components/notice";
import { OrderTimeline } from "../../components/order-timeline";
import { RouteErrorBoundary } from "../../components/route-error";
import { StatusBadge } from "../../components/status-badge";
import { getDatabase } from "../../db.server";
import { getI18n } from "../../i18n/i18n.server";
import { addToCart } from "../../services/cart.server";
import { checkLines } from "../../services/order-lines.server";
import { CUSTOMER_CANCELLABLE, cancelOrderByCustomer, getOrder } from "../../services/orders.server";
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
  return {
    title: getI18n(context).t("shop.order.title", { number: order.number }),
    order,
    placed: new URL(request.url).searchParams.get("placed") === "1",
    cancellable: (CUSTOMER_CANCELLABLE as readonly string[]).includes(order.status),
  };
}

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("cancel"), version: z.coerce.number().int().positive() }),
  z.object({ intent: z.literal("reorder") }),
]);

export async function action({ request, context, params }: Route.ActionArgs) {
  const viewer = requireCustomer(request, context);
  const { db } = getDatabase();
  const order = await getOrder(db, params.number, { customerId: viewer.customer.id });
  if (!order) throw data(null, { status: 404 });
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) throw data(null, { status: 400 });
  const now = new Date();
  if (parsed.data.intent === "cancel") {
    const result = await cancelOrderByCustomer(
      db,
      actorOf(viewer, context),
      viewer.customer.id,
      order.number,
      parsed.data.version,
      now,
    );
    if (result.ok) return { message: "shop.order.cancelled", tone: "success" as const, skipped: [] };
    const message = result.error === "stale_version" ? "shop.order.stale" : "shop.order.cannotCancel";
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

export default function OrderPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const { order, placed, cancellable } = loaderData;
  return (
    <>
      <Link to="/shop/orders" className="text-sm text-brand-700">
        ← {t("shop.orders.title")}
      </Link>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <h1 className="font-mono text-xl font-semibold">{order.number}</h1>
        <StatusBadge status={order.status} label={t(`orders.status.${order.status}`)} />
      </div>
      <p className="text-sm text-slate-500">
        <DateTime iso={order.createdAt} />
      </p>
      <div className="mt-3 space-y-2">
        {placed ? <Notice tone="success">{t("shop.checkout.placed", { number: order.number })}</Notice> : null}
        {actionData ? (
          <Notice tone={actionData.tone}>
            {t(actionData.message, { count: "count" in actionData ? actionData.count : 0 })}
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
        <div className="space-y-4 lg:col-span-2">
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
                {order.lines.map((l) => (
                  <tr key={l.skuCode}>
                    <td className={tdClass}>
                      {l.productName}
                      <span className="block text-xs text-slate-500">
                        <span className="font-mono">{l.skuCode}</span> {l.spec}
                      </span>
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
        <div className="space-y-4">
          <section className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 className="mb-3 text-base font-semibold">{t("shop.order.timeline")}</h2>
            <OrderTimeline entries={order.timeline} />
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
