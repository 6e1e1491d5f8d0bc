import { data } from "react-router";
import { requirePermission } from "../../auth/guards.server";
import { getDatabase } from "../../db.server";
import { getI18n } from "../../i18n/i18n.server";
import { getStatement } from "../../services/funds.server";
import { statementCsv, statementPeriod, statementXlsx } from "../../services/funds-export.server";
import type { Route } from "./+types/funds-statement-export";

const CONTENT_TYPE = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
} as const;

/** A statement as CSV or XLSX, in the reader's language, within the staff member's regions. */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "funds.view");
  if (!/^\d{1,12}$/.test(params.customerId)) throw data(null, { status: 404 });
  const url = new URL(request.url);
  const format = url.searchParams.get("format") === "xlsx" ? "xlsx" : "csv";
  const statement = await getStatement(
    getDatabase().db,
    { kind: "staff", grant: viewer.grant },
    Number(params.customerId),
    statementPeriod(url, new Date()),
  );
  if (!statement) throw data(null, { status: 404 });
  const t = getI18n(context).t;
  const body =
    format === "csv" ? statementCsv(statement, t) : ((await statementXlsx(statement, t)) as Uint8Array<ArrayBuffer>);
  const name = `statement-${statement.customer.code}-${statement.from}-${statement.to}.${format}`;
  return new Response(body, {
    headers: {
      "Content-Type": CONTENT_TYPE[format],
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
