import { data, Form, Link, useNavigation } from "react-router";
import { z } from "zod";
import { actorOf, requirePermission } from "../../auth/guards.server";
import { Button, buttonClass } from "../../components/button";
import { Card, PageHeader } from "../../components/card";
import { DataTable, EmptyRow, KeysetPager, SortHeader, tdClass, thClass } from "../../components/data-table";
import { useFundsFormat } from "../../components/funds-ui";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { RowLink } from "../../components/row-link";
import { TextField } from "../../components/text-field";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { BALANCE_FILTERS, BALANCE_SORTS } from "../../domain/funds";
import { bpToPercent, rebateShareSchema } from "../../forms/funds-form";
import { useZodForm } from "../../forms/use-zod-form";
import { parseForm } from "../../http/forms";
import { pageSizeOf } from "../../http/page-size";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { customerFormOptions } from "../../services/customers.server";
import { listBalances, setRebateShare } from "../../services/funds.server";
import { getSettings } from "../../services/settings.server";
import type { Route } from "./+types/funds";

const id = z
  .string()
  .regex(/^\d{1,12}$/)
  .transform(Number)
  .optional()
  .catch(undefined);

// A bad or stale parameter falls back to "no filter" instead of failing the page.
const querySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  region: id,
  filter: z.enum(BALANCE_FILTERS).optional().catch(undefined),
  sort: z.enum(BALANCE_SORTS).optional().catch(undefined),
  after: z.string().max(400).optional().catch(undefined),
});

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "funds.view");
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { db } = getDatabase();
  const [page, options, settings] = await Promise.all([
    listBalances(db, viewer.grant, {
      q: query.q,
      regionId: query.region,
      filter: query.filter,
      sort: query.sort,
      after: query.after,
      limit: pageSizeOf(new URL(request.url).searchParams),
    }),
    customerFormOptions(db, viewer.grant),
    getSettings(db),
  ]);
  const t = getI18n(context).t;
  return {
    title: `${t("funds.balances.title")} · ${t("app.name")}`,
    filters: {
      q: query.q ?? "",
      region: query.region ? String(query.region) : "",
      filter: query.filter ?? "",
      sort: query.sort ?? "",
    },
    regions: options.regions,
    rebateShareBp: settings.rebateShareBp,
    canCredit: viewer.grant.permissions.has("customer.credit"),
    ...page,
  };
}

type ActionData =
  | { ok: true; rebateShareBp: number }
  | { ok: false; fieldErrors: Record<string, string>; values: Record<string, string> };

export async function action({ request, context }: Route.ActionArgs) {
  // The only action here is the rebate share, a fund-account setting (customer.credit).
  const viewer = requirePermission(request, context, "customer.credit");
  const form = await request.formData();
  if (form.get("intent") !== "rebateShare") throw data(null, { status: 400 });
  const parsed = parseForm(rebateShareSchema, form);
  if (!parsed.ok) {
    return data<ActionData>({ ok: false, fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 400 });
  }
  const actor = { ...actorOf(viewer, context), grant: viewer.grant };
  await setRebateShare(getDatabase().db, actor, parsed.data.share, new Date());
  return data<ActionData>({ ok: true, rebateShareBp: parsed.data.share });
}

const filterClass = "min-h-10 rounded-md border border-slate-300 bg-white px-3 text-sm";

export default function FundBalances({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const { money } = useFundsFormat();
  const { items, filters, regions, nextCursor, canCredit, rebateShareBp } = loaderData;
  const result = actionData as ActionData | undefined;
  return (
    <>
      <PageHeader title={t("funds.balances.title")}>
        <Link to="/admin/payment-reports" className={buttonClass("secondary")}>
          {t("funds.nav.reports")}
        </Link>
      </PageHeader>
      <Form method="get" className="mb-3 flex flex-wrap items-end gap-2" role="search">
        {filters.sort ? <input type="hidden" name="sort" value={filters.sort} /> : null}
        <label className="sr-only" htmlFor="funds-search">
          {t("common.search")}
        </label>
        <input
          id="funds-search"
          name="q"
          type="search"
          defaultValue={filters.q}
          placeholder={t("funds.balances.searchPlaceholder")}
          className={`${filterClass} w-64`}
        />
        <label className="sr-only" htmlFor="funds-region">
          {t("funds.balances.region")}
        </label>
        <select id="funds-region" name="region" defaultValue={filters.region} className={filterClass}>
          <option value="">{t("funds.balances.allRegions")}</option>
          {regions.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor="funds-filter">
          {t("common.filter")}
        </label>
        <select id="funds-filter" name="filter" defaultValue={filters.filter} className={filterClass}>
          <option value="">{t("funds.balances.filters.all")}</option>
          {BALANCE_FILTERS.map((f) => (
            <option key={f} value={f}>
              {t(`funds.balances.filters.${f}`)}
            </option>
          ))}
        </select>
        <button type="submit" className={buttonClass("secondary")}>
          {t("common.filter")}
        </button>
      </Form>
      <DataTable caption={t("funds.balances.title")}>
        <thead className="bg-slate-50">
          <tr>
            <SortHeader field="code" label={t("funds.balances.code")} defaultSort="code" />
            <SortHeader field="name" label={t("funds.balances.name")} defaultSort="code" />
            <th scope="col" className={thClass}>
              {t("funds.balances.region")}
            </th>
            <SortHeader field="prepaid" label={t("funds.accounts.prepaid")} defaultSort="code" />
            <SortHeader field="rebate" label={t("funds.accounts.rebate")} defaultSort="code" />
            <SortHeader field="deposit" label={t("funds.accounts.deposit")} defaultSort="code" />
            <SortHeader field="receivable" label={t("funds.accounts.receivable")} defaultSort="code" />
            <SortHeader field="creditLimit" label={t("funds.creditLimit")} defaultSort="code" />
            <th scope="col" className={thClass}>
              {t("funds.unusedCredit")}
            </th>
            <th scope="col" className={thClass}>
              {t("funds.balances.pending")}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((c) => (
            <tr key={c.customerId} className="hover:bg-slate-50" data-testid="balance-row">
              <td className={`${tdClass} font-mono`}>
                <RowLink to={`/admin/funds/customers/${c.customerId}`} className="link">
                  {c.code}
                </RowLink>
              </td>
              <td className={`${tdClass} min-w-48`}>
                <RowLink to={`/admin/funds/customers/${c.customerId}`} className="hover:underline">
                  {c.name}
                </RowLink>
              </td>
              <td className={`${tdClass} whitespace-nowrap`}>{c.regionName}</td>
              <td className={`${tdClass} whitespace-nowrap tabular-nums`}>{money(c.prepaid)}</td>
              <td className={`${tdClass} whitespace-nowrap tabular-nums`}>{money(c.rebate)}</td>
              <td className={`${tdClass} whitespace-nowrap tabular-nums`}>{money(c.deposit)}</td>
              <td className={`${tdClass} whitespace-nowrap tabular-nums ${c.receivable > 0 ? "font-medium" : ""}`}>
                {money(c.receivable)}
                {c.overLimit ? (
                  <span className="ml-1 rounded bg-red-50 px-1 text-xs text-red-700 ring-1 ring-red-200">
                    {t("funds.overLimit")}
                  </span>
                ) : null}
              </td>
              <td className={`${tdClass} whitespace-nowrap tabular-nums`}>{money(c.creditLimit)}</td>
              <td className={`${tdClass} whitespace-nowrap tabular-nums text-slate-600`}>{money(c.unusedCredit)}</td>
              <td className={tdClass}>
                {c.pendingReports > 0 ? (
                  <RowLink
                    to={`/admin/payment-reports?customer=${c.customerId}`}
                    className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900"
                  >
                    {c.pendingReports}
                  </RowLink>
                ) : (
                  <span className="text-slate-400">—</span>
                )}
              </td>
            </tr>
          ))}
          {items.length === 0 ? <EmptyRow colSpan={10}>{t("common.noResults")}</EmptyRow> : null}
        </tbody>
      </DataTable>
      <KeysetPager
        pageSizes
        nextCursor={nextCursor}
        param="after"
        labels={{ first: t("common.first"), next: t("common.next") }}
      />
      {canCredit ? <RebateShareForm current={rebateShareBp} result={result} /> : null}
    </>
  );
}

function RebateShareForm({ current, result }: { current: number; result: ActionData | undefined }) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const failed = result && !result.ok ? result : null;
  const form = useZodForm(rebateShareSchema, {
    defaultValues: { share: failed?.values.share ?? bpToPercent(current) },
    serverErrors: failed?.fieldErrors,
  });
  const error = (name: string) => {
    const key = form.errorKey(name);
    return key ? t(key) : undefined;
  };
  return (
    <Card className="mt-6 max-w-xl">
      <h2 className="text-base font-semibold text-slate-900">{t("funds.settings.title")}</h2>
      <p className="mt-1 text-sm text-slate-600">{t("funds.settings.hint")}</p>
      {result?.ok ? (
        <div className="mt-3">
          <Notice tone="success">{t("funds.settings.done", { percent: bpToPercent(result.rebateShareBp) })}</Notice>
        </div>
      ) : null}
      <Form method="post" noValidate onSubmit={form.onSubmit} className="mt-3 flex flex-wrap items-start gap-3">
        <input type="hidden" name="intent" value="rebateShare" />
        <TextField
          label={t("funds.settings.label")}
          inputMode="decimal"
          autoComplete="off"
          className="w-40"
          error={error("share")}
          {...form.register("share")}
          defaultValue={failed?.values.share ?? bpToPercent(current)}
        />
        <Button type="submit" variant="secondary" className="mt-6" disabled={navigation.state === "submitting"}>
          {t("funds.settings.submit")}
        </Button>
      </Form>
    </Card>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
