import type { ReactNode } from "react";
import { useEffect } from "react";
import { useLocation, useNavigate } from "react-router";

/**
 * A link in a list's row: a plain anchor to an absolute path, turned into a client-side
 * navigation by the one click handler `useRowLinkNavigation` installs at the root. React
 * Router's `<Link>` resolves its path and reads the router's state on every render — with 50
 * rows that was ~8 % of a console list's CPU (issue 9's profiles) — while a row's link never
 * needs either. Without JavaScript it is an ordinary link.
 */
export function RowLink({
  to,
  className,
  children,
  ...rest
}: { to: `/${string}`; className?: string; children: ReactNode } & Record<`data-${string}`, string>) {
  return (
    <a href={to} className={className} data-row-link="" {...rest}>
      {children}
    </a>
  );
}

/** Row links navigate like `<Link>`: plain left clicks in the app, anything else left to the browser. */
export function useRowLinkNavigation() {
  const navigate = useNavigate();
  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const anchor = event.target instanceof Element ? event.target.closest("a[data-row-link]") : null;
      if (!(anchor instanceof HTMLAnchorElement) || anchor.target || anchor.hasAttribute("download")) return;
      if (anchor.origin !== window.location.origin) return;
      event.preventDefault();
      void navigate(anchor.pathname + anchor.search + anchor.hash);
    };
    document.addEventListener("click", onClick);
    return () => document.removeEventListener("click", onClick);
  }, [navigate]);
}

type LinkProps = { children?: ReactNode; "aria-current"?: "true" | "page" } & Record<`data-${string}`, string>;

/**
 * `<Link>` for menus, tabs, chips, sort headers and pagers: an absolute path, or a query on the
 * current page (`?sort=number`), rendered and navigated the way `RowLink` is. On the console's
 * dashboard the menu's `<NavLink>`s alone were ~17 % of the page's CPU (issue 9's profiles).
 */
export function AppLink({ to, ...rest }: { to: `/${string}` | `?${string}`; className?: string } & LinkProps) {
  const { pathname } = useLocation();
  return <a href={to.startsWith("?") ? `${pathname}${to}` : to} data-row-link="" {...rest} />;
}

/**
 * `<NavLink>` for the menus: `aria-current="page"` and `className({ isActive })` when the current path is
 * `to`'s path or, unless `end`, below it (the query of `to` is not compared, as with `NavLink`).
 */
export function AppNavLink({
  to,
  end = false,
  className,
  ...rest
}: {
  to: `/${string}`;
  end?: boolean;
  className: string | ((state: { isActive: boolean }) => string);
} & LinkProps) {
  const { pathname } = useLocation();
  const isActive = isActivePath(pathname, to, end);
  return (
    <a
      href={to}
      data-row-link=""
      aria-current={isActive ? "page" : undefined}
      className={typeof className === "function" ? className({ isActive }) : className}
      {...rest}
    />
  );
}

export function isActivePath(pathname: string, to: string, end: boolean): boolean {
  const path = to.split("?")[0]!.replace(/(.)\/+$/, "$1");
  const current = pathname.replace(/(.)\/+$/, "$1");
  if (current === path) return true;
  return !end && current.startsWith(path === "/" ? "/" : `${path}/`);
}
