import { type FormEvent, useEffect, useState } from "react";
import { data, Form, NavLink, useFetcher } from "react-router";
import { z } from "zod";
import { actorOf, requirePermission } from "../../auth/guards.server";
import { Button, buttonClass } from "../../components/button";
import { Card, PageHeader } from "../../components/card";
import { DataTable, tdClass, thClass } from "../../components/data-table";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import {
  CUSTOMER_COLUMNS,
  type HeaderLanguage,
  type ImportKind,
  type ImportReport,
  levelPriceHeader,
  MAX_IMPORT_ROWS,
  PRODUCT_COLUMNS,
  type Problem,
} from "../../domain/import-rows";
import type { Permission } from "../../domain/permissions";
import { readUploadForm } from "../../http/upload.server";
import { getI18n, getLocale } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import {
  type CustomerImportSummary,
  checkCustomerImport,
  importCustomers,
} from "../../services/imports/customers.server";
import { checkProductImport, importProducts, type ProductImportSummary } from "../../services/imports/products.server";
import {
  type ImportProgress,
  type ImportStage,
  isJobId,
  progressReporter,
  readProgress,
} from "../../services/imports/progress.server";
import { MAX_UPLOAD_BYTES, readTable } from "../../services/imports/read-file.server";
import { importReferenceCodes } from "../../services/imports/reference-codes.server";
import { discardStaged, loadStaged, stageUpload } from "../../services/imports/staging.server";
import type { Route } from "./+types/import";

const KINDS: Record<ImportKind, { manage: Permission; view: Permission }> = {
  products: { manage: "product.manage", view: "product.view" },
  customers: { manage: "customer.manage", view: "customer.view" },
};

function kindOf(value: string): ImportKind {
  if (value === "products" || value === "customers") return value;
  throw data({ reason: "not_found" }, { status: 404 });
}

// Columns every new record needs (the row check enforces them; the page lists them).
const REQUIRED_FOR_NEW: Record<ImportKind, readonly string[]> = {
  products: ["skuCode", "productName", "unit", "basePrice", "retailPrice"],
  customers: ["code", "name", "regionCode", "username", "password"],
};

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const kind = kindOf(params.kind);
  const viewer = requirePermission(request, context, KINDS[kind].manage);
  const { t } = getI18n(context);
  const language = getLocale(context);
  const job = new URL(request.url).searchParams.get("progress");
  const codes = await importReferenceCodes(getDatabase().db, viewer.grant);
  return {
    title: `${t(`imports.heading.${kind}`)} · ${t("app.name")}`,
    kind,
    headerLanguage: (language === "zh-CN" ? "zh" : "en") as HeaderLanguage,
    kinds: (Object.keys(KINDS) as ImportKind[]).filter((k) => viewer.grant.permissions.has(KINDS[k].manage)),
    canExport: viewer.grant.permissions.has(KINDS[kind].view),
    canManagePrices: viewer.grant.permissions.has("price.manage"),
    regionLimited: viewer.grant.regionIds !== null,
    ...codes,
    progress: isJobId(job) ? { job, progress: readProgress(job, viewer.accountId) } : null,
  };
}

const intentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("check") }),
  z.object({ intent: z.literal("import"), token: z.string().regex(/^[0-9a-f]{32}$/) }),
]);

type ActionData =
  | { intent: "check"; fieldErrors: { file: string }; errorParams?: { line?: number } }
  | { intent: "check"; fileName: string; report: ImportReport; token: string | null; formError?: string }
  | { intent: "import"; formError: string }
  | {
      intent: "import";
      fileName: string;
      report: ImportReport;
      summary: ProductImportSummary | CustomerImportSummary;
    };

export async function action({ request, params, context }: Route.ActionArgs) {
  const kind = kindOf(params.kind);
  const viewer = requirePermission(request, context, KINDS[kind].manage);
  const job = new URL(request.url).searchParams.get("job");
  const progress = progressReporter(isJobId(job) ? job : null, viewer.accountId);
  const fileError = (file: string, status = 400, errorParams?: { line?: number }) =>
    data<ActionData>({ intent: "check", fieldErrors: { file }, errorParams }, { status });

  // Multipart overhead on top of the file itself.
  const upload = await readUploadForm(request, MAX_UPLOAD_BYTES + 64 * 1024, (done, total) =>
    progress({ stage: "upload", done, total }),
  );
  if (!upload.ok) return fileError(`imports.errors.${upload.error}`, upload.error === "tooLarge" ? 413 : 400);
  const parsed = intentSchema.safeParse({ intent: upload.form.get("intent"), token: upload.form.get("token") });
  if (!parsed.success) return fileError("imports.errors.malformed");
  const { db } = getDatabase();
  const now = new Date();
  const owner = { accountId: viewer.accountId, kind };

  if (parsed.data.intent === "check") {
    const file = upload.form.get("file");
    if (!(file instanceof File) || file.size === 0 || !file.name) return fileError("imports.errors.noFile");
    if (file.size > MAX_UPLOAD_BYTES) return fileError("imports.errors.tooLarge", 413);
    const bytes = new Uint8Array(await file.arrayBuffer());
    progress({ stage: "parse", done: 0, total: 0 });
    const read = await readTable(file.name, bytes);
    if (!read.ok) {
      return fileError(`imports.errors.${read.error}`, 400, read.error === "malformedCsv" ? { line: read.line } : {});
    }
    const report =
      kind === "products"
        ? await checkProductImport(db, viewer.grant, read.table, progress)
        : await checkCustomerImport(db, viewer.grant, read.table, progress);
    const token = report.problemCount === 0 ? await stageUpload(owner, { fileName: file.name, bytes }, now) : null;
    progress({ stage: "done", done: 1, total: 1 });
    return data<ActionData>({ intent: "check", fileName: file.name, report, token });
  }

  const { token } = parsed.data;
  const staged = await loadStaged(token, owner, now);
  const read = staged ? await readTable(staged.fileName, staged.bytes) : null;
  if (!staged || !read?.ok)
    return data<ActionData>({ intent: "import", formError: "imports.errors.expired" }, { status: 400 });
  const actor = actorOf(viewer, context);
  const input = { fileName: staged.fileName, table: read.table };
  const result =
    kind === "products"
      ? await importProducts(db, actor, viewer.grant, input, now, progress)
      : await importCustomers(db, actor, viewer.grant, input, now, progress);
  progress({ stage: "done", done: 1, total: 1 });
  if (!result.ok) {
    await discardStaged(token);
    return data<ActionData>(
      {
        intent: "check",
        fileName: staged.fileName,
        report: result.report,
        token: null,
        formError: "imports.errors.changed",
      },
      { status: 409 },
    );
  }
  await discardStaged(token);
  return data<ActionData>({
    intent: "import",
    fileName: staged.fileName,
    report: result.report,
    summary: result.summary,
  });
}

/** An id for polling this submission's progress; getRandomValues also works on plain-http LAN installs. */
function newJobId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export default function ImportPage({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const { kind } = loaderData;
  const fetcher = useFetcher<typeof action>();
  const poller = useFetcher<typeof loader>();
  const [job, setJob] = useState<{ id: string; intent: "check" | "import" } | null>(null);
  const busy = fetcher.state !== "idle";
  // With JavaScript the fetcher holds the answer; without it the page is re-rendered with actionData.
  const result = (fetcher.data ?? actionData) as ActionData | undefined;
  const pageUrl = `/admin/import/${kind}`;

  const pollLoad = poller.load;
  useEffect(() => {
    if (!busy || !job) return;
    const timer = setInterval(() => pollLoad(`${pageUrl}?progress=${job.id}`), 400);
    return () => clearInterval(timer);
  }, [busy, job, pageUrl, pollLoad]);

  const submitTracked = (intent: "check" | "import") => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const id = newJobId();
    setJob({ id, intent });
    fetcher.submit(event.currentTarget, {
      method: "post",
      encType: intent === "check" ? "multipart/form-data" : "application/x-www-form-urlencoded",
      action: `${pageUrl}?job=${id}`,
    });
  };

  const checked = result && "report" in result && result.intent === "check" ? result : null;
  const imported = result && "summary" in result ? result : null;
  const fileError = result && "fieldErrors" in result ? result : null;
  const formError = result && "formError" in result ? result.formError : undefined;

  return (
    <>
      <PageHeader title={t(`imports.heading.${kind}`)}>
        <nav aria-label={t("imports.kindTabs")} className="flex gap-1 rounded-lg bg-slate-100 p-1">
          {loaderData.kinds.map((k) => (
            <NavLink
              key={k}
              to={`/admin/import/${k}`}
              className={({ isActive }) =>
                `rounded-md px-3 py-1.5 text-sm ${isActive ? "bg-white font-medium text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900"}`
              }
            >
              {t(`imports.kinds.${k}`)}
            </NavLink>
          ))}
        </nav>
      </PageHeader>

      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <h2 className="text-base font-semibold text-slate-900">{t("imports.template.heading")}</h2>
          <p className="mt-1 text-sm text-slate-600">{t("imports.template.intro")}</p>
          <div className="mt-3 flex flex-wrap gap-2">
            <a href={`/admin/export/${kind}-template.xlsx`} className={buttonClass("secondary")} download>
              {t("imports.template.xlsx")}
            </a>
            <a href={`/admin/export/${kind}-template.csv`} className={buttonClass("secondary")} download>
              {t("imports.template.csv")}
            </a>
          </div>
        </Card>
        {loaderData.canExport ? (
          <Card>
            <h2 className="text-base font-semibold text-slate-900">{t("imports.export.heading")}</h2>
            <p className="mt-1 text-sm text-slate-600">
              {t("imports.export.intro")}
              {kind === "customers" && loaderData.regionLimited ? ` ${t("imports.export.scoped")}` : null}
            </p>
            <div className="mt-3 flex flex-wrap gap-2">
              <a href={`/admin/export/${kind}.xlsx`} className={buttonClass("secondary")} download>
                {t("imports.export.xlsx")}
              </a>
              <a href={`/admin/export/${kind}.csv`} className={buttonClass("secondary")} download>
                {t("imports.export.csv")}
              </a>
            </div>
          </Card>
        ) : null}
      </div>

      <ColumnHelp
        kind={kind}
        language={loaderData.headerLanguage}
        levels={loaderData.levels}
        regions={loaderData.regions}
        canManagePrices={loaderData.canManagePrices}
      />

      <Card className="mt-4">
        <h2 className="text-base font-semibold text-slate-900">{t("imports.upload.heading")}</h2>
        <p className="mt-1 text-sm text-slate-600">{t("imports.upload.intro")}</p>
        <Form
          method="post"
          encType="multipart/form-data"
          className="mt-3 flex flex-wrap items-end gap-3"
          onSubmit={submitTracked("check")}
        >
          <input type="hidden" name="intent" value="check" />
          <div className="min-w-64 flex-1">
            <label htmlFor="import-file" className="mb-1 block text-sm font-medium text-slate-700">
              {t("imports.upload.file")}
            </label>
            <input
              id="import-file"
              name="file"
              type="file"
              required
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              aria-invalid={fileError ? true : undefined}
              aria-describedby={fileError ? "import-file-error import-file-help" : "import-file-help"}
              className="block w-full rounded-md border border-slate-300 bg-white text-sm file:mr-3 file:min-h-10 file:border-0 file:bg-slate-100 file:px-3 file:text-sm file:font-medium hover:file:bg-slate-200"
            />
            <p id="import-file-help" className="mt-1 text-xs text-slate-500">
              {t("imports.upload.fileHelp", { max: MAX_IMPORT_ROWS })}
            </p>
            {fileError ? (
              <p id="import-file-error" className="mt-1 text-sm text-red-600">
                {t(fileError.fieldErrors.file, fileError.errorParams)}
              </p>
            ) : null}
          </div>
          <Button
            type="submit"
            variant={checked?.token ? "secondary" : "primary"}
            disabled={busy}
            className="disabled:opacity-60"
          >
            {busy && job?.intent === "check" ? t("imports.upload.checking") : t("imports.upload.check")}
          </Button>
        </Form>

        {busy && job ? (
          <ProgressPanel
            intent={job.intent}
            kind={kind}
            progress={poller.data?.progress?.job === job.id ? poller.data.progress.progress : null}
          />
        ) : null}
      </Card>

      {!busy && formError ? (
        <div className="mt-4">
          <Notice tone="error">{t(formError)}</Notice>
        </div>
      ) : null}

      {!busy && checked ? (
        <CheckResult result={checked} onImport={submitTracked("import")} language={loaderData.headerLanguage} />
      ) : null}

      {!busy && imported ? (
        <div className="mt-4 space-y-2" data-testid="import-done">
          <Notice tone="success">
            <p className="font-medium">{t("imports.import.done", { file: imported.fileName })}</p>
            <p>
              {kind === "products"
                ? t("imports.import.summaryProducts", { ...imported.summary })
                : t("imports.import.summaryCustomers", { ...imported.summary })}
            </p>
          </Notice>
        </div>
      ) : null}
    </>
  );
}

const STAGES: Record<"check" | "import", Record<ImportKind, ImportStage[]>> = {
  check: { products: ["upload", "parse", "validate"], customers: ["upload", "parse", "validate"] },
  import: { products: ["validate", "write"], customers: ["validate", "hash", "write"] },
};

function ProgressPanel({
  intent,
  kind,
  progress,
}: {
  intent: "check" | "import";
  kind: ImportKind;
  progress: ImportProgress | null;
}) {
  const { t } = useTranslation();
  const stages = STAGES[intent][kind];
  const current = !progress
    ? 0
    : progress.stage === "done"
      ? stages.length
      : Math.max(0, stages.indexOf(progress.stage));
  const fraction = progress && progress.total > 0 ? Math.min(1, progress.done / progress.total) : null;
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  const detail = !progress
    ? t("imports.progress.working")
    : progress.stage === "upload"
      ? progress.total > 0
        ? t("imports.progress.bytes", { done: mb(progress.done), total: mb(progress.total) })
        : t("imports.progress.working")
      : progress.total > 0
        ? t("imports.progress.rows", { done: progress.done, total: progress.total })
        : t("imports.progress.working");
  return (
    <div className="mt-4" role="status" aria-live="polite">
      <ol className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
        {stages.map((stage, i) => (
          <li
            key={stage}
            className={
              i < current ? "text-emerald-700" : i === current ? "font-medium text-brand-700" : "text-slate-400"
            }
          >
            {i < current ? "✓ " : `${i + 1}. `}
            {t(`imports.progress.${stage}`)}
          </li>
        ))}
      </ol>
      <div
        className="mt-2 h-2 overflow-hidden rounded-full bg-slate-200"
        role="progressbar"
        aria-label={t("imports.progress.label")}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
      >
        {fraction === null ? (
          <div className="h-full w-1/3 animate-pulse rounded-full bg-brand-500" />
        ) : (
          <div className="h-full rounded-full bg-brand-600 transition-all" style={{ width: `${fraction * 100}%` }} />
        )}
      </div>
      <p className="mt-1 text-xs tabular-nums text-slate-500">{detail}</p>
    </div>
  );
}

function columnName(kind: ImportKind, key: string, language: HeaderLanguage): string {
  const specs: ReadonlyArray<{ key: string; zh: string; en: string }> =
    kind === "products" ? PRODUCT_COLUMNS : CUSTOMER_COLUMNS;
  return specs.find((c) => c.key === key)?.[language] ?? key;
}

function CheckResult({
  result,
  onImport,
  language,
}: {
  result: { fileName: string; report: ImportReport; token: string | null };
  onImport: (event: FormEvent<HTMLFormElement>) => void;
  language: HeaderLanguage;
}) {
  const { t } = useTranslation();
  const { report } = result;
  const clean = report.problemCount === 0;
  const problemText = (p: Problem) => t(`imports.problems.${p.code}`, p.params);
  const stats = [
    { label: t("imports.report.dataRows"), value: report.dataRows },
    ...(clean
      ? [
          { label: t("imports.report.creates"), value: report.creates },
          { label: t("imports.report.updates"), value: report.updates },
        ]
      : [{ label: t("imports.report.badRows"), value: report.badRows }]),
  ];
  return (
    <section className="mt-4 space-y-3" aria-labelledby="check-result" data-testid="check-result">
      <h2 id="check-result" className="text-base font-semibold text-slate-900">
        {t("imports.report.heading", { file: result.fileName })}
      </h2>
      <dl className="flex flex-wrap gap-3">
        {stats.map((s) => (
          <div key={s.label} className="min-w-28 rounded-lg border border-slate-200 bg-white px-4 py-2">
            <dt className="text-xs text-slate-500">{s.label}</dt>
            <dd className="text-lg font-semibold tabular-nums text-slate-900">{s.value}</dd>
          </div>
        ))}
      </dl>
      {clean ? (
        <>
          <Notice tone="success">{t("imports.report.clean", { rows: report.dataRows })}</Notice>
          {report.ignoredPasswords > 0 ? (
            <Notice tone="warning">{t("imports.report.ignoredPasswords", { count: report.ignoredPasswords })}</Notice>
          ) : null}
          {result.token ? (
            <Form method="post" onSubmit={onImport}>
              <input type="hidden" name="intent" value="import" />
              <input type="hidden" name="token" value={result.token} />
              <Button type="submit">{t("imports.import.submit", { rows: report.dataRows })}</Button>
            </Form>
          ) : null}
        </>
      ) : (
        <>
          <Notice tone="error">{t("imports.report.problems", { bad: report.badRows || report.problemCount })}</Notice>
          {report.problemCount > report.problems.length ? (
            <p className="text-sm text-slate-600">
              {t("imports.report.truncated", { shown: report.problems.length, total: report.problemCount })}
            </p>
          ) : null}
          <DataTable caption={t("imports.report.heading", { file: result.fileName })}>
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className={`${thClass} w-20`}>
                  {t("imports.report.line")}
                </th>
                <th scope="col" className={`${thClass} w-48`}>
                  {t("imports.report.column")}
                </th>
                <th scope="col" className={thClass}>
                  {t("imports.report.problem")}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {report.problems.map((p, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a fixed report, never reordered; two problems may be identical
                <tr key={`${p.line}-${i}`} className="hover:bg-slate-50">
                  <td className={`${tdClass} tabular-nums`}>{p.line}</td>
                  <td className={tdClass}>
                    {p.column ??
                      (p.columnKey ? columnName(report.kind, p.columnKey, language) : t("imports.report.fileLevel"))}
                  </td>
                  <td className={tdClass}>{problemText(p)}</td>
                </tr>
              ))}
            </tbody>
          </DataTable>
        </>
      )}
    </section>
  );
}

function ColumnHelp({
  kind,
  language,
  levels,
  regions,
  canManagePrices,
}: {
  kind: ImportKind;
  language: HeaderLanguage;
  levels: Array<{ code: string; name: string }>;
  regions: Array<{ code: string; name: string }>;
  canManagePrices: boolean;
}) {
  const { t } = useTranslation();
  const specs: ReadonlyArray<{ key: string; zh: string; en: string }> =
    kind === "products" ? PRODUCT_COLUMNS : CUSTOMER_COLUMNS;
  const list = (items: Array<{ code: string; name: string }>) =>
    items.length
      ? items.map((i) => t("imports.columns.codeName", i)).join(t("imports.columns.listSeparator"))
      : t("imports.columns.none");
  return (
    <details className="mt-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <summary className="cursor-pointer text-base font-semibold text-slate-900">
        {t("imports.columns.heading")}
      </summary>
      <p className="mt-2 text-sm text-slate-600">{t("imports.columns.partial")}</p>
      <p className="mt-1 text-sm text-slate-600">{t("imports.columns.levels", { list: list(levels) })}</p>
      {kind === "customers" ? (
        <p className="mt-1 text-sm text-slate-600">{t("imports.columns.regions", { list: list(regions) })}</p>
      ) : null}
      <div className="mt-3">
        <DataTable>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className={thClass}>
                {t("imports.columns.column")}
              </th>
              <th scope="col" className={thClass}>
                {t("imports.columns.requiredForNew")}
              </th>
              <th scope="col" className={thClass}>
                {t("imports.columns.meaning")}
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {specs.map((c) => (
              <tr key={c.key}>
                <td className={`${tdClass} whitespace-nowrap font-medium`}>
                  {c[language]}
                  <span className="ml-2 text-xs font-normal text-slate-400">{c[language === "zh" ? "en" : "zh"]}</span>
                </td>
                <td className={tdClass}>{REQUIRED_FOR_NEW[kind].includes(c.key) ? "✓" : ""}</td>
                <td className={`${tdClass} text-slate-600`}>{t(`imports.columns.${kind}.${c.key}`)}</td>
              </tr>
            ))}
            {kind === "products" && canManagePrices ? (
              <tr>
                <td className={`${tdClass} whitespace-nowrap font-medium`}>
                  {levels.length ? levelPriceHeader(levels[0]!.code, language) : t("imports.columns.levelPrice")}
                </td>
                <td className={tdClass} />
                <td className={`${tdClass} text-slate-600`}>{t("imports.columns.products.levelPrice")}</td>
              </tr>
            ) : null}
          </tbody>
        </DataTable>
      </div>
    </details>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
