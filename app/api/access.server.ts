import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";
import type { Permission } from "../domain/permissions";
import type { Actor } from "../services/audit.server";
import { customerInScope, type FundsScope } from "../services/funds.server";
import { decodeCursor, encodeCursor } from "../services/keyset.server";
import type { OrderActor } from "../services/order-pipeline.server";
import type { CustomerViewer, StaffViewer, Viewer } from "../services/sessions.server";
import type { ApiContext } from "./endpoint";
import { ApiProblem, notFound } from "./problem";

/** The caller, who must be signed in (the dispatcher has checked already on `auth: "token"`). */
export function viewerOf(ctx: ApiContext<unknown, unknown>): Viewer {
  if (!ctx.viewer) throw new ApiProblem(401, "unauthenticated", "Send a bearer token in the Authorization header.");
  return ctx.viewer;
}

export function forbidden(permission: Permission): ApiProblem {
  return new ApiProblem(403, "forbidden", `This needs the permission ${permission}.`, { permission });
}

/** A staff caller holding `permission`; a customer or staff without it is refused (403). */
export function requireStaffPermission(viewer: Viewer, permission: Permission): StaffViewer {
  if (viewer.kind !== "staff" || !viewer.grant.permissions.has(permission)) throw forbidden(permission);
  return viewer;
}

/** Staff need `permission` to read; a customer always reads its own data. */
export function requireReader(viewer: Viewer, permission: Permission): Viewer {
  if (viewer.kind === "staff") requireStaffPermission(viewer, permission);
  return viewer;
}

export function auditActor(viewer: Viewer, ctx: { requestId: string; ip: string }): Actor {
  return {
    accountId: viewer.accountId,
    name: viewer.username,
    displayName: viewer.displayName,
    requestId: ctx.requestId,
    ip: ctx.ip,
  };
}

export function pipelineActor(viewer: Viewer, ctx: { requestId: string; ip: string }): OrderActor {
  const base = auditActor(viewer, ctx);
  return viewer.kind === "staff"
    ? { ...base, kind: "staff", grant: viewer.grant }
    : { ...base, kind: "customer", customerId: viewer.customer.id };
}

export function scopeOf(viewer: Viewer): FundsScope {
  return viewer.kind === "staff"
    ? { kind: "staff", grant: viewer.grant }
    : { kind: "customer", customerId: viewer.customer.id };
}

export const isCustomer = (viewer: Viewer): viewer is CustomerViewer => viewer.kind === "customer";

/**
 * The customer with this code if the caller may see it: a customer only itself, staff within
 * their regions. Anything else is a 404, the same as a code that does not exist.
 */
export async function visibleCustomer(
  db: Kysely<DB>,
  viewer: Viewer,
  code: string,
): Promise<{ id: number; code: string; name: string }> {
  if (viewer.kind === "customer") {
    if (viewer.customer.code !== code) throw notFound("The customer");
    return viewer.customer;
  }
  const row = await db.selectFrom("customers").select("id").where("code", "=", code).executeTakeFirst();
  const found = row ? await customerInScope(db, scopeOf(viewer), row.id) : null;
  if (!found) throw notFound("The customer");
  return { id: found.id, code: found.code, name: found.name };
}

/** The warehouse id for a code, or a 422. */
export async function warehouseIdOf(db: Kysely<DB>, code: string | undefined): Promise<number | undefined> {
  if (code === undefined) return undefined;
  const row = await db.selectFrom("warehouses").select("id").where("code", "=", code).executeTakeFirst();
  if (!row)
    throw new ApiProblem(422, "unknown_warehouse", `There is no warehouse with the code ${code}.`, {
      errors: [{ path: "/warehouseCode", message: "unknown warehouse" }],
    });
  return row.id;
}

/** An opaque cursor over a numeric id. */
export const idCursor = (id: number | null): string | null => (id === null ? null : encodeCursor([id]));

/** The id in a cursor made by `idCursor`; a cursor that is not one is a 400. */
export function cursorId(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const decoded = decodeCursor(cursor, ["number"]);
  if (!decoded) throw invalidCursor();
  return decoded[0] as number;
}

export const invalidCursor = () =>
  new ApiProblem(400, "invalid_cursor", "The cursor is not one this list handed out.", {
    errors: [{ path: "/cursor", message: "invalid cursor" }],
  });
