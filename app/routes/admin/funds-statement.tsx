import { data, Form, Link } from "react-router";
import { requirePermission } from "../../auth/guards.server";
import { buttonClass } from "../../components/button";
import { PageHeader } from "../../components/card";
import { StatementView } from "../../components/funds-statement";
import { RouteErrorBoundary } from "../../components/route-error";
import { getDatabase } from "../../db.server";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { getStatement } from "../../services/funds.server";
import { statementPeriod } from "../../services/funds-export.server";
import printCss from "../../styles/funds-print.css?url";
import type { Route } from "./+types/funds-statement";

export const links: Route.LinksFunction = () => [{ rel: "stylesheet", href: printCss }];

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "funds.view");
  if (!/^\d{1,12}$/.test(params.customerId)) throw data(null, { status: 404 });
  const now = new Date();
  const period = statementPeriod(new URL(request.url), now);
  const statement = await getStatement(
    getDatabase().db,
    { kind: "staff", grant: viewer.grant },
    Number(params.customerId),
    period,
  );
  if (!statement) throw data(null, { status: 404 });
  const t = getI18n(context).t;
  return {
    title: `${t("funds.statement.heading", { name: statement.customer.name })} · ${t("app.name")}`,
    statement,
    printedAt: now.toISOString(),
  };
}

export default function FundsStatement({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { statement, printedAt } = loaderData;
  const exportQuery = `from=${statement.from}&to=${statement.to}`;
  const base = `/admin/funds/customers/${statement.customer.id}`;
  return (
    <>
      <div className="no-print">
        <PageHeader title={t("funds.statement.heading", { name: statement.customer.name })}>
          <Link to={base} className={buttonClass("ghost")}>
            {t("funds.customer.heading")}
          </Link>
        </PageHeader>
        <Form method="get" className="mb-4 flex flex-wrap items-end gap-2">
          <label className="flex flex-col text-sm text-slate-700">
            {t("funds.statement.from")}
            <input
              type="date"
              name="from"
              defaultValue={statement.from}
              className="min-h-10 rounded-md border border-slate-300 bg-white px-3 text-sm"
            />
          </label>
          <label className="flex flex-col text-sm text-slate-700">
            {t("funds.statement.to")}
            <input
              type="date"
              name="to"
              defaultValue={statement.to}
              className="min-h-10 rounded-md border border-slate-300 bg-white px-3 text-sm"
            />
          </label>
          <button type="submit" className={buttonClass("secondary")}>
            {t("funds.statement.show")}
          </button>
          <span className="mx-2 hidden h-8 border-l border-slate-300 sm:block" />
          <button type="button" onClick={() => window.print()} className={buttonClass("secondary")}>
            {t("funds.statement.print")}
          </button>
          <a href={`${base}/statement/export?${exportQuery}&format=csv`} className={buttonClass("secondary")} download>
            {t("funds.statement.csv")}
          </a>
          <a href={`${base}/statement/export?${exportQuery}&format=xlsx`} className={buttonClass("secondary")} download>
            {t("funds.statement.xlsx")}
          </a>
        </Form>
      </div>
      <StatementView statement={statement} printedAt={printedAt} />
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
