import { data, type RouterContextProvider } from "react-router";
import { actorOf, type ForbiddenData, requirePermission } from "../../auth/guards.server";
import type { StaffActor } from "../../services/staff-actor.server";
import { canManageWebhooks } from "../../services/webhooks.server";

/**
 * The guard of the webhook pages: `settings.workflow`, and no region limit, since webhooks
 * carry every region's events. Returns the actor the webhook services take.
 */
export function requireWebhookAdmin(request: Request, context: Readonly<RouterContextProvider>): StaffActor {
  const viewer = requirePermission(request, context, "settings.workflow");
  if (!canManageWebhooks(viewer.grant)) {
    throw data({ reason: "forbidden", permission: "settings.workflow" } satisfies ForbiddenData, { status: 403 });
  }
  return { ...actorOf(viewer, context), grant: viewer.grant };
}
