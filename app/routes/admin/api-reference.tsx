import { Link } from "react-router";
import { ENDPOINTS } from "../../api/endpoints.server";
import { describeEndpoints, type ReferenceEndpoint, type ReferenceField } from "../../api/reference";
import { requireStaff } from "../../auth/guards.server";
import { Card, PageHeader } from "../../components/card";
import { RouteErrorBoundary } from "../../components/route-error";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import type { Route } from "./+types/api-reference";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

// The reference depends only on the code, so it is described once per process.
let described: ReferenceEndpoint[] | undefined;

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requireStaff(request, context);
  const t = getI18n(context).t;
  described ??= describeEndpoints(ENDPOINTS);
  return {
    title: `${t("api.reference.title")} · ${t("app.name")}`,
    endpoints: described,
    origin: new URL(request.url).origin,
    canManageTokens: viewer.grant.permissions.has("settings.staff"),
  };
}

const METHOD_COLORS: Record<string, string> = {
  GET: "bg-sky-50 text-sky-800 ring-sky-600/20",
  POST: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  PUT: "bg-amber-50 text-amber-900 ring-amber-600/20",
  DELETE: "bg-red-50 text-red-700 ring-red-600/20",
};

function Fields({ fields }: { fields: ReferenceField[] }) {
  const { t } = useTranslation();
  if (!fields.length) return <p className="text-sm text-slate-500">{t("api.reference.none")}</p>;
  return (
    <table className="w-full table-fixed text-sm">
      <colgroup>
        <col className="w-40" />
        <col />
        <col className="w-16" />
      </colgroup>
      <thead>
        <tr className="text-left text-xs text-slate-500">
          <th className="py-1 pr-3 font-medium">{t("api.reference.field")}</th>
          <th className="py-1 pr-3 font-medium">{t("api.reference.type")}</th>
          <th className="py-1 font-medium">
            <span className="sr-only">{t("api.reference.required")}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => (
          <tr key={f.name} className="border-t border-slate-100 align-top">
            <td className="py-1 pr-3 font-mono text-xs text-slate-900">{f.name}</td>
            <td className="break-all py-1 pr-3 font-mono text-xs text-slate-600">{f.type}</td>
            <td className="whitespace-nowrap py-1 text-xs text-slate-500">
              {f.required ? t("api.reference.required") : t("api.reference.optional")}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EndpointCard({ endpoint }: { endpoint: ReferenceEndpoint }) {
  const { t } = useTranslation();
  const key = endpoint.operationId;
  // Closed by default so the list reads like a table of contents; <details> opens without JavaScript.
  return (
    <details id={key} className="group rounded-lg border border-slate-200 bg-white shadow-sm">
      <summary className="flex cursor-pointer list-none flex-wrap items-center gap-x-3 gap-y-1 px-4 py-3 hover:bg-slate-50">
        <span
          className={`w-16 rounded px-2 py-0.5 text-center font-mono text-xs font-semibold ring-1 ring-inset ${METHOD_COLORS[endpoint.method]}`}
        >
          {endpoint.method}
        </span>
        <code className="font-mono text-sm font-semibold text-slate-900">{endpoint.path}</code>
        <span className="text-sm text-slate-700">{t(`api.endpoints.${key}.summary`)}</span>
        {endpoint.open ? (
          <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-600">
            {t("api.reference.open")}
          </span>
        ) : null}
        <span aria-hidden className="ml-auto text-slate-400 transition-transform group-open:rotate-90">
          ›
        </span>
      </summary>
      <div className="border-t border-slate-100 px-4 py-3">
        <p className="text-sm text-slate-600">
          {t("api.reference.access")}
          {t("common.colon")}
          {t(`api.endpoints.${key}.access`)}
        </p>
        <div className="mt-3 grid gap-4 lg:grid-cols-3">
          {endpoint.body.length || endpoint.query.length ? (
            <div className="space-y-3 lg:col-span-2">
              {endpoint.body.length ? (
                <div>
                  <h4 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
                    {t("api.reference.requestBody")}
                  </h4>
                  {endpoint.body.map((variant) => (
                    <div key={variant.variant ?? "body"} className="mb-2">
                      {variant.variant ? (
                        <p className="font-mono text-xs text-brand-700">action: "{variant.variant}"</p>
                      ) : null}
                      <Fields fields={variant.fields} />
                    </div>
                  ))}
                </div>
              ) : null}
              {endpoint.query.length ? (
                <div>
                  <h4 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
                    {t("api.reference.queryParameters")}
                  </h4>
                  <Fields fields={endpoint.query} />
                </div>
              ) : null}
            </div>
          ) : null}
          <div>
            <h4 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
              {t("api.reference.success")}
            </h4>
            <p className="font-mono text-xs">{endpoint.success}</p>
            {endpoint.errors.length ? (
              <>
                <h4 className="mt-2 mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
                  {t("api.reference.errors")}
                </h4>
                <ul className="space-y-0.5 font-mono text-xs text-slate-600">
                  {endpoint.errors.map((e) => (
                    <li key={e.status}>
                      {e.status} {e.codes.join(", ")}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </div>
        </div>
      </div>
    </details>
  );
}

export default function ApiReference({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { endpoints, origin, canManageTokens } = loaderData;
  const tags = [...new Set(endpoints.map((e) => e.tag))];
  const example = [
    `curl -s -X POST ${origin}/api/v1/auth/token \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '{"username":"…","password":"…"}'`,
    "",
    `curl -s ${origin}/api/v1/orders?limit=10 \\`,
    `  -H 'Authorization: Bearer dh_…'`,
  ].join("\n");
  return (
    <>
      <PageHeader title={t("api.reference.title")}>
        <div className="flex flex-wrap gap-3 text-sm">
          <a href="/api/v1/openapi.json" className="link">
            {t("api.reference.openapi")}
          </a>
          {canManageTokens ? (
            <Link to="/admin/settings/api-tokens" className="link">
              {t("api.reference.tokensLink")}
            </Link>
          ) : null}
        </div>
      </PageHeader>
      <p className="mb-4 max-w-3xl text-sm text-slate-600">{t("api.reference.intro")}</p>
      <div className="mb-6 grid gap-4 lg:grid-cols-2">
        <Card>
          <h2 className="mb-2 font-semibold">{t("api.reference.basics")}</h2>
          <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
            <li>{t("api.reference.basicsJson")}</li>
            <li>{t("api.reference.basicsAuth")}</li>
            <li>{t("api.reference.basicsErrors")}</li>
            <li>{t("api.reference.basicsLists")}</li>
            <li>{t("api.reference.basicsLimits")}</li>
          </ul>
        </Card>
        <Card>
          <h2 className="mb-2 font-semibold">{t("api.reference.example")}</h2>
          <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-xs leading-relaxed text-slate-100">
            {example}
          </pre>
        </Card>
      </div>
      <h2 className="mb-3 text-lg font-semibold">{t("api.reference.endpoints")}</h2>
      <div className="space-y-6">
        {tags.map((tag) => (
          <section key={tag} aria-labelledby={`tag-${tag}`}>
            <h3 id={`tag-${tag}`} className="mb-2 font-semibold text-slate-700">
              {t(`api.tags.${tag}`)}
            </h3>
            <div className="space-y-2">
              {endpoints
                .filter((e) => e.tag === tag)
                .map((e) => (
                  <EndpointCard key={`${e.method} ${e.path}`} endpoint={e} />
                ))}
            </div>
          </section>
        ))}
      </div>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
