import { useTranslation } from "react-i18next";
import { Form, Link } from "react-router";
import { z } from "zod";
import { requirePermission } from "../../auth/guards.server";
import { buttonClass } from "../../components/button";
import { PageHeader } from "../../components/card";
import { RouteErrorBoundary } from "../../components/route-error";
import { getDatabase } from "../../db.server";
import { getI18n } from "../../i18n/i18n.server";
import { listCustomers } from "../../services/customers.server";
import type { Route } from "./+types/customers";

const querySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  after: z.string().max(64).optional().catch(undefined),
});

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "customer.view");
  const url = new URL(request.url);
  const query = querySchema.parse(Object.fromEntries(url.searchParams));
  const page = await listCustomers(getDatabase().db, viewer.grant, { ...query, limit: 50 });
  const t = getI18n(context).t;
  return { title: `${t("customers.title")} · ${t("app.name")}`, q: query.q ?? "", after: query.after ?? null, ...page };
}

export default function Customers({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { items, q, after, nextCursor } = loaderData;
  const pageLink = (cursor: string | null) => {
    const params = new URLSearchParams();
    if (q) params.set("q", q);
    if (cursor) params.set("after", cursor);
    const s = params.toString();
    return s ? `?${s}` : ".";
  };
  return (
    <>
      <PageHeader title={t("customers.title")}>
        <Form method="get" className="flex gap-2" role="search">
          <label className="sr-only" htmlFor="customer-search">
            {t("common.search")}
          </label>
          <input
            id="customer-search"
            name="q"
            defaultValue={q}
            placeholder={t("customers.searchPlaceholder")}
            className="min-h-10 w-64 rounded-md border border-slate-300 bg-white px-3 text-sm"
          />
          <button type="submit" className={buttonClass("secondary")}>
            {t("common.search")}
          </button>
        </Form>
      </PageHeader>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full text-sm">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-3 py-2" aria-sort="ascending">
                {t("customers.code")} ↑
              </th>
              <th scope="col" className="px-3 py-2">
                {t("customers.name")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("customers.region")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("customers.level")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("customers.contact")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("customers.phone")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("customers.username")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("common.status")}
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {items.map((c) => (
              <tr key={c.id} className="hover:bg-slate-50">
                <td className="px-3 py-2 font-mono">{c.code}</td>
                <td className="px-3 py-2">{c.name}</td>
                <td className="px-3 py-2">{c.regionName}</td>
                <td className="px-3 py-2">{c.levelName ?? "—"}</td>
                <td className="px-3 py-2">{c.contactName}</td>
                <td className="px-3 py-2 tabular-nums">{c.phone}</td>
                <td className="px-3 py-2 font-mono">{c.username}</td>
                <td className="px-3 py-2">{c.active ? t("common.active") : t("common.disabled")}</td>
              </tr>
            ))}
            {items.length === 0 ? (
              <tr>
                <td colSpan={8} className="px-3 py-6 text-center text-slate-500">
                  {t("common.noResults")}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <nav className="mt-3 flex gap-2" aria-label="pagination">
        {after ? (
          <Link to={pageLink(null)} className={buttonClass("secondary")}>
            {t("common.first")}
          </Link>
        ) : null}
        {nextCursor ? (
          <Link to={pageLink(nextCursor)} className={buttonClass("secondary")}>
            {t("common.next")}
          </Link>
        ) : null}
      </nav>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
