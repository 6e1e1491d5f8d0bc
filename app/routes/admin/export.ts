import { data } from "react-router";
import { requirePermission } from "../../auth/guards.server";
import { getDatabase } from "../../db.server";
import type { HeaderLanguage, ImportKind } from "../../domain/import-rows";
import { calendarDay } from "../../domain/intl";
import type { Permission } from "../../domain/permissions";
import { getEnv } from "../../env.server";
import { getI18n, getLocale } from "../../i18n/i18n.server";
import { customerExportRows, customerTemplateRows } from "../../services/imports/customers.server";
import { productExportRows, productTemplateRows } from "../../services/imports/products.server";
import { csvStream, fromRows, xlsxStream } from "../../services/imports/spreadsheet-stream.server";
import type { Route } from "./+types/export";

// Exports (same columns as the import templates, so they re-import cleanly) and the templates.
const FILE = /^(products|customers)(-template)?\.(csv|xlsx)$/;

const PERMISSION: Record<ImportKind, { view: Permission; manage: Permission }> = {
  products: { view: "product.view", manage: "product.manage" },
  customers: { view: "customer.view", manage: "customer.manage" },
};

const CONTENT_TYPE = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
} as const;

/** Today in the deployment's time zone, as 20261127. */
const localDate = (now: Date, timeZone: string) => calendarDay(now, timeZone).replace(/-/g, "");

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const match = FILE.exec(params.file);
  if (!match) throw data({ reason: "not_found" }, { status: 404 });
  const kind = match[1] as ImportKind;
  const template = match[2] !== undefined;
  const format = match[3] as "csv" | "xlsx";
  const viewer = requirePermission(request, context, PERMISSION[kind][template ? "manage" : "view"]);
  const language: HeaderLanguage = getLocale(context) === "zh-CN" ? "zh" : "en";
  const { db } = getDatabase();

  const rows = template
    ? fromRows(
        kind === "products"
          ? await productTemplateRows(db, language)
          : await customerTemplateRows(db, viewer.grant, language),
      )
    : kind === "products"
      ? productExportRows(db, language)
      : customerExportRows(db, viewer.grant, language);
  const body = format === "csv" ? csvStream(rows) : xlsxStream(getI18n(context).t(`imports.sheet.${kind}`), rows);
  const name = template
    ? `dinghuo-${kind}-template.${format}`
    : `dinghuo-${kind}-${localDate(new Date(), getEnv().APP_TIMEZONE)}.${format}`;
  return new Response(body, {
    headers: {
      "Content-Type": CONTENT_TYPE[format],
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
