import { isRouteErrorResponse, Link, useRouteError, useRouteLoaderData } from "react-router";
import { useTranslation } from "../i18n/use-translation";

/**
 * The error page for every route: 403, 404, a refused cross-site request, or an unexpected
 * failure with its request id, in the reader's language. Route modules re-export it as their
 * `ErrorBoundary`, so a console page keeps its navigation around the message.
 */
export function RouteErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  const root = useRouteLoaderData("root") as { requestId?: string } | undefined;
  let title = t("errors.unexpectedTitle");
  let body = t("errors.unexpectedBody");
  let status = 500;
  if (isRouteErrorResponse(error)) {
    status = error.status;
    if (error.status === 403 && error.data?.reason === "csrf") {
      title = t("errors.csrfTitle");
      body = t("errors.csrfBody");
    } else if (error.status === 403) {
      title = t("errors.forbiddenTitle");
      body = t("errors.forbiddenBody");
    } else if (error.status === 404) {
      title = t("errors.notFoundTitle");
      body = t("errors.notFoundBody");
    }
  }
  return (
    <div className="mx-auto max-w-lg px-4 py-16 text-center" role="alert">
      <p className="text-sm font-semibold text-brand-600">{status}</p>
      <h1 className="mt-2 text-2xl font-semibold text-slate-900">{title}</h1>
      <p className="mt-3 text-slate-600">{body}</p>
      {status >= 500 && root?.requestId ? (
        <p className="mt-3 font-mono text-xs text-slate-500">{t("errors.requestId", { id: root.requestId })}</p>
      ) : null}
      <Link to="/" className="mt-6 inline-block text-sm font-medium text-brand-700 underline">
        {t("errors.backHome")}
      </Link>
    </div>
  );
}
