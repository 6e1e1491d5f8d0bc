import { useTranslation } from "react-i18next";
import { requireCustomer } from "../../auth/guards.server";
import { Card } from "../../components/card";
import { RouteErrorBoundary } from "../../components/route-error";
import { getI18n } from "../../i18n/i18n.server";
import type { Route } from "./+types/home";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requireCustomer(request, context);
  const t = getI18n(context).t;
  return {
    title: `${t("shop.title")} · ${viewer.customer.name}`,
    company: viewer.customer.name,
    code: viewer.customer.code,
    username: viewer.username,
  };
}

export default function ShopHome({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  return (
    <>
      <h1 className="text-xl font-semibold">{t("shop.welcome", { company: loaderData.company })}</h1>
      <Card className="mt-4">
        <p className="text-slate-600">{t("shop.intro", { company: loaderData.company })}</p>
        <dl className="mt-3 grid grid-cols-1 gap-2 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-slate-500">{t("shop.customerCode")}</dt>
            <dd className="font-mono">{loaderData.code}</dd>
          </div>
          <div>
            <dt className="text-slate-500">{t("shop.orderingAccount")}</dt>
            <dd className="font-mono">{loaderData.username}</dd>
          </div>
        </dl>
      </Card>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
