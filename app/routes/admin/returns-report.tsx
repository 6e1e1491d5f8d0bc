import type { ReactNode } from "react";
import { Form, Link } from "react-router";
import { z } from "zod";
import { requirePermission } from "../../auth/guards.server";
import { BarChart } from "../../components/bar-chart";
import { buttonClass } from "../../components/button";
import { PageHeader } from "../../components/card";
import { DataTable, tdClass, thClass } from "../../components/data-table";
import { RouteErrorBoundary } from "../../components/route-error";
import { getDatabase } from "../../db.server";
import { dayEndUtc, dayStartUtc } from "../../domain/day-range";
import { getEnv } from "../../env.server";
import { RETURN_REASON_OPTIONS } from "../../forms/returns-admin-form";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { localDay } from "../../services/funds.server";
import { returnsReport } from "../../services/returns.server";
import type { Route } from "./+types/returns-report";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .optional()
  .catch(undefined);
const querySchema = z.object({ from: day, to: day });

/** A calendar day `n` days before `day`. */
const daysBefore = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "return.view");
  const url = new URL(request.url);
  const today = localDay(new Date());
  // No period asked for: the last 90 days. An empty field (sent by the form) means open-ended.
  const asked = url.searchParams.has("from") || url.searchParams.has("to");
  const query = asked
    ? querySchema.parse(Object.fromEntries(url.searchParams))
    : { from: daysBefore(today, 89), to: today };
  const tz = getEnv().APP_TIMEZONE;
  const report = await returnsReport(
    getDatabase().db,
    { kind: "staff", grant: viewer.grant },
    {
      from: query.from ? dayStartUtc(query.from, tz).toISOString() : undefined,
      to: query.to ? dayEndUtc(query.to, tz).toISOString() : undefined,
    },
  );
  const t = getI18n(context).t;
  return {
    title: `${t("returnsAdmin.report.title")} · ${t("app.name")}`,
    query,
    presets: {
      last30: { from: daysBefore(today, 29), to: today },
      last90: { from: daysBefore(today, 89), to: today },
      thisYear: { from: `${today.slice(0, 4)}-01-01`, to: today },
      all: { from: "", to: "" },
    },
    report,
  };
}

// Literal class names, so Tailwind generates them.
const REASON_FILL: Record<string, string> = {
  quality: "fill-amber-500",
  wrong_item: "fill-sky-500",
  damaged: "fill-rose-500",
  other: "fill-slate-400",
};
const DISPOSITION_FILL: Record<string, string> = {
  restock: "fill-emerald-500",
  rework: "fill-sky-500",
  downgrade: "fill-amber-500",
  scrap: "fill-red-500",
};

function Panel({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="min-w-0 space-y-3 rounded-lg border border-slate-200 bg-white p-4" data-testid={testId}>
      <h2 className="font-semibold">{title}</h2>
      {children}
    </section>
  );
}

export default function ReturnsReport({ loaderData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const { report, query, presets } = loaderData;
  const number = new Intl.NumberFormat(i18n.language);
  const units = (n: number) => number.format(n);
  const totalUnits = report.byReason.reduce((s, r) => s + r.units, 0);
  const totalReceived = report.byDisposition.reduce((s, d) => s + d.units, 0);
  const share = (n: number, total: number) => (total ? `${Math.round((n / total) * 1000) / 10}%` : "—");
  const presetLink = (p: { from: string; to: string }) => `?from=${p.from}&to=${p.to}`;
  const activePreset = (p: { from: string; to: string }) => (query.from ?? "") === p.from && (query.to ?? "") === p.to;
  return (
    <>
      <PageHeader title={t("returnsAdmin.report.title")}>
        <Link to="/admin/returns" className={buttonClass("secondary")}>
          {t("returnsAdmin.nav.returns")}
        </Link>
      </PageHeader>
      <Form
        method="get"
        className="mb-4 flex flex-wrap items-end gap-2 rounded-lg border border-slate-200 bg-white p-3 text-sm"
      >
        <label>
          <span className="block text-xs text-slate-500">{t("returnsAdmin.list.from")}</span>
          <input
            type="date"
            name="from"
            defaultValue={query.from ?? ""}
            className="min-h-9 rounded border border-slate-300 px-2"
          />
        </label>
        <label>
          <span className="block text-xs text-slate-500">{t("returnsAdmin.list.to")}</span>
          <input
            type="date"
            name="to"
            defaultValue={query.to ?? ""}
            className="min-h-9 rounded border border-slate-300 px-2"
          />
        </label>
        <button type="submit" className={buttonClass("primary", "min-h-9")}>
          {t("returnsAdmin.list.apply")}
        </button>
        <nav aria-label={t("returnsAdmin.report.presets")} className="ml-auto flex flex-wrap gap-1">
          {(Object.keys(presets) as Array<keyof typeof presets>).map((k) => (
            <Link
              key={k}
              to={presetLink(presets[k])}
              aria-current={activePreset(presets[k]) ? "true" : undefined}
              className={`rounded-md px-2.5 py-1.5 ${
                activePreset(presets[k])
                  ? "bg-brand-50 font-medium text-brand-700"
                  : "text-slate-600 hover:bg-slate-100"
              }`}
            >
              {t(`returnsAdmin.report.preset.${k}`)}
            </Link>
          ))}
        </nav>
      </Form>
      <p className="mb-4 text-sm text-slate-600" data-testid="report-summary">
        {t("returnsAdmin.report.summary", {
          units: number.format(totalUnits),
          received: number.format(totalReceived),
        })}
      </p>
      <div className="grid gap-4 lg:grid-cols-2">
        <Panel title={t("returnsAdmin.report.byReason")} testId="report-by-reason">
          <BarChart
            title={t("returnsAdmin.report.byReasonChart")}
            empty={t("returnsAdmin.report.empty")}
            format={units}
            bars={report.byReason.map((r) => ({
              label: t(`returns.reason.${r.reason}`),
              value: r.units,
              fillClass: REASON_FILL[r.reason],
            }))}
          />
          <DataTable caption={t("returnsAdmin.report.byReason")}>
            <thead className="bg-slate-50">
              <tr>
                <th className={thClass}>{t("returns.line.reason")}</th>
                <th className={`${thClass} text-right`}>{t("returnsAdmin.report.lines")}</th>
                <th className={`${thClass} text-right`}>{t("returnsAdmin.columns.units")}</th>
                <th className={`${thClass} text-right`}>{t("returnsAdmin.report.share")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {report.byReason.map((r) => (
                <tr key={r.reason}>
                  <td className={tdClass}>{t(`returns.reason.${r.reason}`)}</td>
                  <td className={`${tdClass} text-right tabular-nums`}>{r.lines}</td>
                  <td className={`${tdClass} text-right tabular-nums`}>{r.units}</td>
                  <td className={`${tdClass} text-right tabular-nums`}>{share(r.units, totalUnits)}</td>
                </tr>
              ))}
            </tbody>
          </DataTable>
        </Panel>
        <Panel title={t("returnsAdmin.report.byDisposition")} testId="report-by-disposition">
          <BarChart
            title={t("returnsAdmin.report.byDispositionChart")}
            empty={t("returnsAdmin.report.emptyReceived")}
            format={units}
            bars={report.byDisposition.map((d) => ({
              label: t(`returns.disposition.${d.disposition}`),
              value: d.units,
              fillClass: DISPOSITION_FILL[d.disposition],
            }))}
          />
          <DataTable caption={t("returnsAdmin.report.byDisposition")}>
            <thead className="bg-slate-50">
              <tr>
                <th className={thClass}>{t("returns.line.disposition")}</th>
                <th className={`${thClass} text-right`}>{t("returnsAdmin.report.receivedUnits")}</th>
                <th className={`${thClass} text-right`}>{t("returnsAdmin.report.share")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {report.byDisposition.map((d) => (
                <tr key={d.disposition}>
                  <td className={tdClass}>{t(`returns.disposition.${d.disposition}`)}</td>
                  <td className={`${tdClass} text-right tabular-nums`}>{d.units}</td>
                  <td className={`${tdClass} text-right tabular-nums`}>{share(d.units, totalReceived)}</td>
                </tr>
              ))}
            </tbody>
          </DataTable>
        </Panel>
      </div>
      <div className="mt-4">
        <Panel title={t("returnsAdmin.report.byProduct")} testId="report-by-product">
          <BarChart
            title={t("returnsAdmin.report.byProductChart")}
            empty={t("returnsAdmin.report.empty")}
            format={units}
            bars={report.byProduct.map((p) => ({
              id: p.skuCode,
              // Two SKUs of one product are told apart by their code.
              label:
                report.byProduct.filter((o) => o.productName === p.productName).length > 1
                  ? `${p.productName} ${p.skuCode}`
                  : p.productName,
              value: p.units,
            }))}
          />
          <DataTable caption={t("returnsAdmin.report.byProduct")}>
            <thead className="bg-slate-50">
              <tr>
                <th className={thClass}>{t("returnsAdmin.columns.sku")}</th>
                <th className={thClass}>{t("returnsAdmin.columns.product")}</th>
                <th className={`${thClass} text-right`}>{t("returnsAdmin.columns.units")}</th>
                <th className={`${thClass} text-right`}>{t("returns.line.received")}</th>
                {RETURN_REASON_OPTIONS.map((r) => (
                  <th key={r} className={`${thClass} text-right`}>
                    {t(`returns.reason.${r}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {report.byProduct.map((p) => (
                <tr key={p.skuCode}>
                  <td className={`${tdClass} font-mono`}>{p.skuCode}</td>
                  <td className={tdClass}>{p.productName}</td>
                  <td className={`${tdClass} text-right font-medium tabular-nums`}>{p.units}</td>
                  <td className={`${tdClass} text-right tabular-nums`}>{p.received}</td>
                  {RETURN_REASON_OPTIONS.map((r) => (
                    <td key={r} className={`${tdClass} text-right tabular-nums text-slate-600`}>
                      {p.reasons[r] ?? <span className="text-slate-300">—</span>}
                    </td>
                  ))}
                </tr>
              ))}
              {report.byProduct.length === 0 ? (
                <tr>
                  <td colSpan={4 + RETURN_REASON_OPTIONS.length} className="px-3 py-8 text-center text-slate-500">
                    {t("returnsAdmin.report.empty")}
                  </td>
                </tr>
              ) : null}
            </tbody>
          </DataTable>
        </Panel>
      </div>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
