import { data } from "react-router";
import { requireGlobalPermission } from "../../auth/guards.server";
import { getDatabase } from "../../db.server";
import { getEnv } from "../../env.server";
import { auditFilterFromUrl } from "../../forms/audit-filter";
import { getI18n } from "../../i18n/i18n.server";
import { auditExportRows } from "../../services/audit-log.server";
import { csvStream, xlsxStream } from "../../services/imports/spreadsheet-stream.server";
import type { Route } from "./+types/audit-export";

const FILE = /^audit-log\.(csv|xlsx)$/;

/** The audit log as CSV or XLSX, with the list's filters; cells a spreadsheet would run are escaped. */
export async function loader({ request, context, params }: Route.LoaderArgs) {
  requireGlobalPermission(request, context, "settings.staff");
  const match = FILE.exec(params.file);
  if (!match) throw data(null, { status: 404 });
  const format = match[1] as "csv" | "xlsx";
  const filter = auditFilterFromUrl(new URL(request.url), getEnv().APP_TIMEZONE);
  const t = getI18n(context).t;
  const rows = auditExportRows(getDatabase().db, filter.query, [
    t("staff.audit.columns.id"),
    t("staff.audit.columns.at"),
    t("staff.audit.columns.actor"),
    t("staff.audit.columns.action"),
    t("staff.audit.objectType"),
    t("staff.audit.objectId"),
    t("staff.audit.columns.before"),
    t("staff.audit.columns.after"),
    t("staff.audit.columns.ip"),
    t("staff.audit.columns.requestId"),
  ]);
  const body = format === "csv" ? csvStream(rows) : xlsxStream(t("staff.audit.sheet"), rows);
  const stamp = new Date().toISOString().slice(0, 10).replaceAll("-", "");
  return new Response(body, {
    headers: {
      "Content-Type":
        format === "csv"
          ? "text/csv; charset=utf-8"
          : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="dinghuo-audit-log-${stamp}.${format}"`,
      "Cache-Control": "no-store",
    },
  });
}
