import type { Permission, StaffGrant } from "../domain/permissions";
import type { Actor } from "./audit.server";

/**
 * A staff member acting in the console: who they are for the audit log, and what they may do.
 * Routes check permissions first (requirePermission); services check again, so a use case
 * called from anywhere — a script, an import, another service — cannot skip the rule.
 */
export interface StaffActor extends Actor {
  grant: StaffGrant;
}

export class PermissionDeniedError extends Error {
  constructor(readonly permission: Permission) {
    super(`permission ${permission} is required`);
    this.name = "PermissionDeniedError";
  }
}

export function assertPermission(actor: { grant: StaffGrant }, permission: Permission): void {
  if (!actor.grant.permissions.has(permission)) throw new PermissionDeniedError(permission);
}
