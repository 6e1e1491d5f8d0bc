import { data, Link } from "react-router";
import { requirePermission } from "../../auth/guards.server";
import { buttonClass } from "../../components/button";
import { DateTime } from "../../components/date-time";
import { RouteErrorBoundary } from "../../components/route-error";
import { getDatabase } from "../../db.server";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { shipmentsOf } from "../../services/order-admin.server";
import { getOrder } from "../../services/orders.server";
import type { Route } from "./+types/delivery-note";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "order.view");
  const { db } = getDatabase();
  const order = await getOrder(db, params.number, { regionIds: viewer.grant.regionIds });
  if (!order) throw data(null, { status: 404 });
  const shipments = await shipmentsOf(db, order.id);
  if (!shipments.length) throw data(null, { status: 404 });
  return {
    title: `${getI18n(context).t("orders.deliveryNote.title")} ${order.number}`,
    order,
    shipment: shipments[shipments.length - 1]!,
  };
}

/** 发货单: one A4 page with the shipper, consignee, lines and a signature line; prints without the console around it. */
export default function DeliveryNote({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { order, shipment } = loaderData;
  const total = order.lines.reduce((sum, l) => sum + l.quantity, 0);
  return (
    <div className="mx-auto max-w-[210mm]">
      <div className="no-print mb-4 flex gap-2">
        <Link to={`/admin/orders/${order.number}`} className={buttonClass("secondary")}>
          ← {order.number}
        </Link>
        <button type="button" onClick={() => window.print()} className={buttonClass("primary")}>
          {t("orders.deliveryNote.print")}
        </button>
      </div>
      <article className="delivery-note bg-white p-8 text-sm text-black shadow print:p-0 print:shadow-none">
        <header className="flex items-start justify-between border-b-2 border-black pb-3">
          <h1 className="text-2xl font-bold tracking-widest">{t("orders.deliveryNote.title")}</h1>
          <dl className="grid grid-cols-[auto_auto] gap-x-3 text-right">
            <dt>{t("orders.deliveryNote.orderNo")}</dt>
            <dd className="font-mono">{order.number}</dd>
            <dt>{t("orders.deliveryNote.shipmentNo")}</dt>
            <dd className="font-mono">{shipment.number}</dd>
            <dt>{t("orders.deliveryNote.date")}</dt>
            <dd>
              <DateTime iso={shipment.shippedAt ?? shipment.outboundAt} dateOnly />
            </dd>
          </dl>
        </header>
        <section className="mt-4 grid grid-cols-2 gap-6">
          <div>
            <h2 className="font-semibold">{t("orders.deliveryNote.shipper")}</h2>
            <p>{shipment.warehouseName}</p>
            <p>{shipment.warehouseAddress}</p>
            {shipment.shippedAt ? (
              <p>
                {shipment.selfPickup
                  ? t("orders.console.detail.selfPickup")
                  : `${shipment.carrier} ${shipment.trackingNo}`}
              </p>
            ) : null}
          </div>
          <div>
            <h2 className="font-semibold">{t("orders.deliveryNote.consignee")}</h2>
            <p>
              {order.customer.name}（{order.customer.code}）
            </p>
            <p>
              {order.address.contactName} {order.address.phone}
            </p>
            <p>{order.address.address}</p>
          </div>
        </section>
        <table className="mt-6 w-full border-collapse">
          <thead>
            <tr className="border-y border-black text-left">
              <th className="py-1 pr-2">#</th>
              <th className="py-1 pr-2">{t("orders.line.sku")}</th>
              <th className="py-1 pr-2">{t("orders.line.product")}</th>
              <th className="py-1 pr-2">{t("orders.line.spec")}</th>
              <th className="py-1 pr-2 text-right">{t("orders.line.quantity")}</th>
              <th className="py-1">{t("orders.line.unit")}</th>
            </tr>
          </thead>
          <tbody>
            {order.lines.map((l, i) => (
              <tr key={l.skuId} className="border-b border-slate-300 break-inside-avoid">
                <td className="py-1 pr-2">{i + 1}</td>
                <td className="py-1 pr-2 font-mono">{l.skuCode}</td>
                <td className="py-1 pr-2">{l.productName}</td>
                <td className="py-1 pr-2">{l.spec}</td>
                <td className="py-1 pr-2 text-right tabular-nums">{l.quantity}</td>
                <td className="py-1">{l.unit}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="border-b border-black font-semibold">
              <td colSpan={4} className="py-1 text-right">
                {t("orders.deliveryNote.totalQuantity")}
              </td>
              <td className="py-1 pr-2 text-right tabular-nums">{total}</td>
              <td />
            </tr>
          </tfoot>
        </table>
        {order.remark ? (
          <p className="mt-3">
            {t("orders.deliveryNote.remark")}: {order.remark}
          </p>
        ) : null}
        <footer className="mt-16 flex justify-end gap-2">
          <span>{t("orders.deliveryNote.signature")}:</span>
          <span className="inline-block w-48 border-b border-black" />
        </footer>
      </article>
    </div>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
