import { data } from "react-router";
import { z } from "zod";
import { requirePermission } from "../../auth/guards.server";
import { getDatabase } from "../../db.server";
import { parseYuanToFen } from "../../http/forms";
import { getI18n } from "../../i18n/i18n.server";
import { csvStream, xlsxStream } from "../../services/imports/spreadsheet-stream.server";
import { ORDER_SORTS, orderExportRows } from "../../services/order-admin.server";
import type { Route } from "./+types/orders-export";

const FILE = /^orders\.(csv|xlsx)$/;

const querySchema = z.object({
  status: z.string().max(40).optional().catch(undefined),
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
});

/** The order list as CSV or XLSX, with the list's filters and the staff member's regions. */
export async function loader({ request, context, params }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "order.export");
  const match = FILE.exec(params.file);
  if (!match) throw data(null, { status: 404 });
  const format = match[1] as "csv" | "xlsx";
  const q = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const t = getI18n(context).t;
  const rows = orderExportRows(
    getDatabase().db,
    viewer.grant,
    {
      status: q.status,
      customer: q.customer,
      regionId: q.region,
      from: q.from,
      to: q.to,
      minPayable: q.min ? (parseYuanToFen(q.min) ?? undefined) : undefined,
      maxPayable: q.max ? (parseYuanToFen(q.max) ?? undefined) : undefined,
      sort: q.sort,
    },
    {
      header: [
        t("orders.console.columns.number"),
        t("customers.code"),
        t("orders.console.columns.customer"),
        t("orders.console.columns.region"),
        t("orders.console.columns.status"),
        t("orders.totals.goods"),
        t("orders.totals.freight"),
        t("orders.totals.discount"),
        t("orders.totals.payable"),
        t("orders.console.columns.created"),
        t("shop.order.contractNo"),
        t("shop.order.remark"),
      ],
      status: (s) => t(`orders.status.${s}`),
    },
  );
  const body = format === "csv" ? csvStream(rows) : xlsxStream(t("orders.console.title"), rows);
  const stamp = new Date().toISOString().slice(0, 10).replaceAll("-", "");
  return new Response(body, {
    headers: {
      "Content-Type":
        format === "csv"
          ? "text/csv; charset=utf-8"
          : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="dinghuo-orders-${stamp}.${format}"`,
      "Cache-Control": "no-store",
    },
  });
}
