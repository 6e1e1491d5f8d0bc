import { data } from "react-router";
import { requirePermission } from "../../auth/guards.server";
import { getDatabase } from "../../db.server";
import { dayEndUtc, dayStartUtc } from "../../domain/day-range";
import { getEnv } from "../../env.server";
import { returnsQuerySchema } from "../../forms/returns-admin-form";
import { fenToYuanInput } from "../../http/forms";
import { getI18n } from "../../i18n/i18n.server";
import { csvStream, type ExportCell, xlsxStream } from "../../services/imports/spreadsheet-stream.server";
import { returnExportRows } from "../../services/returns.server";
import type { Route } from "./+types/returns-export";

const FILE = /^returns\.(csv|xlsx)$/;

/**
 * The return list as CSV or XLSX, one row per return line, with the list's filters and the staff
 * member's regions. Text cells are escaped against formula injection by the stream writers.
 */
export async function loader({ request, context, params }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "return.view");
  const match = FILE.exec(params.file);
  if (!match) throw data(null, { status: 404 });
  const format = match[1] as "csv" | "xlsx";
  const q = returnsQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const tz = getEnv().APP_TIMEZONE;
  const t = getI18n(context).t;
  const source = returnExportRows(
    getDatabase().db,
    { kind: "staff", grant: viewer.grant },
    {
      status: q.status,
      q: q.q,
      from: q.from ? dayStartUtc(q.from, tz).toISOString() : undefined,
      to: q.to ? dayEndUtc(q.to, tz).toISOString() : undefined,
    },
  );
  const qty = (n: number | null): ExportCell => (n === null ? "" : n);
  const money = (fen: number | null) => (fen === null ? "" : fenToYuanInput(fen));
  async function* rows(): AsyncGenerator<ExportCell[]> {
    yield [
      t("returns.number"),
      t("returns.order"),
      t("returnsAdmin.columns.customerCode"),
      t("returnsAdmin.columns.customer"),
      t("returnsAdmin.columns.status"),
      t("returnsAdmin.columns.created"),
      t("returnsAdmin.columns.sku"),
      t("returnsAdmin.columns.product"),
      t("returns.line.reason"),
      t("returns.line.note"),
      t("returns.line.requested"),
      t("returns.line.approved"),
      t("returns.line.received"),
      t("returns.line.disposition"),
      t("returns.line.unitPaid"),
      t("returns.line.refund"),
    ];
    for await (const r of source)
      yield [
        r.number,
        r.orderNumber,
        r.customerCode,
        r.customerName,
        t(`returns.status.${r.status}`),
        r.createdAt,
        r.skuCode,
        r.productName,
        t(`returns.reason.${r.reason}`),
        r.note,
        r.requested,
        qty(r.approved),
        qty(r.received),
        r.disposition ? t(`returns.disposition.${r.disposition}`) : "",
        money(r.unitPaid),
        money(r.refundAmount),
      ];
  }
  const body = format === "csv" ? csvStream(rows()) : xlsxStream(t("returnsAdmin.list.title"), rows());
  const stamp = new Date().toISOString().slice(0, 10).replaceAll("-", "");
  return new Response(body, {
    headers: {
      "Content-Type":
        format === "csv"
          ? "text/csv; charset=utf-8"
          : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="dinghuo-returns-${stamp}.${format}"`,
      "Cache-Control": "no-store",
    },
  });
}
