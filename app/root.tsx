import { useEffect } from "react";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from "react-router";
import type { Route } from "./+types/root";
import { useTranslation } from "./i18n/use-translation";
import "./app.css";
import { requestInfoContext } from "./auth/context";
import { requestMiddleware, viewerMiddleware } from "./auth/middleware.server";
import { RouteErrorBoundary } from "./components/route-error";
import { useRowLinkNavigation } from "./components/row-link";
import { getEnv } from "./env.server";
import { getLocale, i18nextMiddleware } from "./i18n/i18n.server";

// i18n first: even a request refused by the CSRF check gets its error page in the reader's language.
export const middleware: Route.MiddlewareFunction[] = [i18nextMiddleware, requestMiddleware, viewerMiddleware];

export const links: Route.LinksFunction = () => [{ rel: "icon", href: "/favicon.svg", type: "image/svg+xml" }];

export async function loader({ context }: Route.LoaderArgs) {
  const info = context.get(requestInfoContext);
  return {
    locale: getLocale(context),
    timeZone: getEnv().APP_TIMEZONE,
    requestId: info.requestId,
    nonce: info.nonce,
  };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const { i18n } = useTranslation();
  const nonce = data?.nonce || undefined;
  return (
    <html lang={data?.locale ?? i18n.language} dir="ltr">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="min-h-dvh">
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App({ loaderData }: Route.ComponentProps) {
  const { i18n } = useTranslation();
  useRowLinkNavigation();
  // After the language switcher posts, the root loader returns the new locale.
  useEffect(() => {
    if (i18n.language !== loaderData.locale) void i18n.changeLanguage(loaderData.locale);
  }, [loaderData.locale, i18n]);
  return <Outlet />;
}

export const ErrorBoundary = RouteErrorBoundary;
