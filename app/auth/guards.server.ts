import { data, type RouterContextProvider, redirect } from "react-router";
import type { Permission } from "../domain/permissions";
import type { CustomerViewer, StaffViewer, Viewer } from "../services/sessions.server";
import { requestInfoContext, viewerContext } from "./context";

type Context = Readonly<RouterContextProvider>;

export const homeOf = (viewer: Viewer) => (viewer.kind === "staff" ? "/admin" : "/shop");

export function getViewer(context: Context): Viewer | null {
  return context.get(viewerContext);
}

function loginRedirect(request: Request): Response {
  const url = new URL(request.url);
  // `.data` requests ask for the page they belong to.
  const path = url.pathname.replace(/\.data$/, "").replace(/\/_root$/, "/") + url.search;
  return redirect(`/login?redirectTo=${encodeURIComponent(path)}`);
}

/** A signed-in staff account, or a redirect: to the login page, or a customer to its storefront. */
export function requireStaff(request: Request, context: Context): StaffViewer {
  const viewer = getViewer(context);
  if (!viewer) throw loginRedirect(request);
  if (viewer.kind !== "staff") throw redirect(homeOf(viewer));
  return viewer;
}

/** A signed-in customer account, or a redirect: to the login page, or staff to the console. */
export function requireCustomer(request: Request, context: Context): CustomerViewer {
  const viewer = getViewer(context);
  if (!viewer) throw loginRedirect(request);
  if (viewer.kind !== "customer") throw redirect(homeOf(viewer));
  return viewer;
}

export interface ForbiddenData {
  reason: "forbidden";
  permission: Permission;
}

/**
 * The console guard every loader and action calls: the staff member behind this request if
 * they hold `permission`, otherwise a 403 that the error boundary shows in their language.
 * Runs under the console layout's middleware, which has already required a staff session.
 */
export function requirePermission(request: Request, context: Context, permission: Permission): StaffViewer {
  const viewer = requireStaff(request, context);
  if (!viewer.grant.permissions.has(permission)) {
    throw data({ reason: "forbidden", permission } satisfies ForbiddenData, { status: 403 });
  }
  return viewer;
}

/**
 * Staff and roles, tokens and the audit log span every region: administering them needs the
 * permission without a region limit, or a region-limited account could grant itself the rest.
 */
export function requireGlobalPermission(request: Request, context: Context, permission: Permission): StaffViewer {
  const viewer = requirePermission(request, context, permission);
  if (viewer.grant.regionIds !== null) {
    throw data({ reason: "forbidden", permission } satisfies ForbiddenData, { status: 403 });
  }
  return viewer;
}

/** The audit actor for this request: who, from where, under which request id. */
export function actorOf(
  viewer: Viewer,
  context: Context,
): { accountId: number; name: string; displayName: string; kind: "staff" | "customer"; requestId: string; ip: string } {
  const info = context.get(requestInfoContext);
  return {
    accountId: viewer.accountId,
    name: viewer.username,
    displayName: viewer.displayName,
    kind: viewer.kind,
    requestId: info.requestId,
    ip: info.ip,
  };
}
