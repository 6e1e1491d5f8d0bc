import { data, Form, Link } from "react-router";
import { requireCustomer } from "../../auth/guards.server";
import { buttonClass } from "../../components/button";
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

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requireCustomer(request, context);
  const now = new Date();
  const statement = await getStatement(
    getDatabase().db,
    { kind: "customer", customerId: viewer.customer.id },
    viewer.customer.id,
    statementPeriod(new URL(request.url), now),
  );
  if (!statement) throw data(null, { status: 404 });
  return {
    title: `${getI18n(context).t("funds.statement.title")} · ${getI18n(context).t("app.storefront")}`,
    statement,
    printedAt: now.toISOString(),
  };
}

export default function MyStatement({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { statement, printedAt } = loaderData;
  const input = "min-h-11 w-full rounded-md border border-slate-300 bg-white px-3 text-base sm:text-sm";
  return (
    <>
      <div className="no-print">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h1 className="text-xl font-semibold">{t("funds.statement.title")}</h1>
          <Link to="/shop/funds" className="text-sm text-brand-700 underline">
            {t("funds.shop.backToFunds")}
          </Link>
        </div>
        <Form method="get" className="mt-3 grid grid-cols-2 items-end gap-2 sm:flex sm:flex-wrap">
          <label className="text-sm text-slate-700">
            {t("funds.statement.from")}
            <input type="date" name="from" defaultValue={statement.from} className={input} />
          </label>
          <label className="text-sm text-slate-700">
            {t("funds.statement.to")}
            <input type="date" name="to" defaultValue={statement.to} className={input} />
          </label>
          <button type="submit" className={buttonClass("secondary")}>
            {t("funds.statement.show")}
          </button>
          <button type="button" onClick={() => window.print()} className={buttonClass("secondary")}>
            {t("funds.statement.print")}
          </button>
        </Form>
      </div>
      <div className="mt-4 print:mt-0">
        <StatementView statement={statement} printedAt={printedAt} />
      </div>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
