/**
 * The returns pipeline (退货流程, DOMAIN.md §6) as data on the same engine as orders: goods come
 * back first, money last. Each step's work is an effect the service applies in the transition's
 * transaction; a switched-off step is passed automatically and its effect applied by the system.
 */

import type { Actor } from "./order-pipeline";
import type { Permission } from "./permissions";
import { type EnabledSteps, type PipelineDef, type RouteContext, routeAfter, stepAt } from "./pipeline-engine";

export type ReturnEffect =
  | "approve_quantities" // return review: approved quantity per line (default: as requested)
  | "record_return_shipment" // ship back: carrier and tracking, or drop-off
  | "receive_goods" // inbound review: received quantity and disposition per line; restock adds stock
  | "refund"; // refund review: the refund goes back to the accounts the order was paid from

export const RETURN_PIPELINE: PipelineDef<ReturnEffect> = {
  name: "returns",
  doneStatus: "completed",
  steps: [
    {
      key: "return_review",
      status: "pending_return_review",
      permission: "return.review",
      customerActs: false,
      effects: ["approve_quantities"],
    },
    {
      key: "return_shipment",
      status: "pending_return_shipment",
      permission: "return.create",
      customerActs: true,
      effects: ["record_return_shipment"],
    },
    {
      key: "inbound_review",
      status: "pending_inbound_review",
      permission: "return.inbound_review",
      customerActs: false,
      effects: ["receive_goods"],
    },
    {
      key: "refund_review",
      status: "pending_refund_review",
      permission: "return.refund_review",
      customerActs: false,
      effects: ["refund"],
    },
  ],
};

export const RETURN_STEP_KEYS = RETURN_PIPELINE.steps.map((s) => s.key);

/** Statuses a return no longer counts against the order's returnable quantities in. */
export const RETURN_VOID_STATUSES = ["rejected", "cancelled"] as const;

/** The customer may cancel while nothing has been approved. */
export const RETURN_CUSTOMER_CANCELLABLE = ["pending_return_review"] as const;

export type ReturnAction =
  | { type: "submit" }
  /** Staff approve the step the return waits at (review, inbound, refund). */
  | { type: "approve" }
  /** The customer (or staff with return.create) records how the goods come back. */
  | { type: "ship_back" }
  | { type: "reject"; reason: string }
  | { type: "cancel" };

export type ReturnRefusal =
  | { code: "wrong_status"; status: string }
  | { code: "not_permitted"; permission: Permission | null }
  | { code: "reason_required" };

export interface ReturnState {
  status: string;
}

export type ReturnTransition =
  | { ok: true; status: string; effects: ReturnEffect[]; approvedStep: string | null; autoPassed: string[] }
  | { ok: false; refusal: ReturnRefusal };

const refuse = (refusal: ReturnRefusal): ReturnTransition => ({ ok: false, refusal });

const SHIP_BACK_STATUS = "pending_return_shipment";

/**
 * The next state of a return for an action, with the effects to apply. Pure: the caller says
 * which steps are on and whether a switched-off step can pass without a person.
 */
export function transitionReturn(state: ReturnState, action: ReturnAction, ctx: RouteContext): ReturnTransition {
  const route = (fromIndex: number, approvedStep: string | null, first: ReturnEffect[]): ReturnTransition => {
    const next = routeAfter(RETURN_PIPELINE, fromIndex, ctx);
    return {
      ok: true,
      status: next.status,
      effects: [...first, ...next.effects],
      approvedStep,
      autoPassed: next.autoPassed,
    };
  };
  switch (action.type) {
    case "submit":
      if (state.status !== "new") return refuse({ code: "wrong_status", status: state.status });
      return route(-1, null, []);
    case "approve":
    case "ship_back": {
      const at = stepAt(RETURN_PIPELINE, state.status);
      if (!at) return refuse({ code: "wrong_status", status: state.status });
      // Ship back is its own action; the staff steps are approvals. A switched-off step a return
      // already waits at can still be worked, so nothing is stranded by a settings change.
      if ((action.type === "ship_back") !== (state.status === SHIP_BACK_STATUS))
        return refuse({ code: "wrong_status", status: state.status });
      return route(at.index, at.step.key, [...at.step.effects]);
    }
    case "reject":
      if (state.status !== "pending_return_review") return refuse({ code: "wrong_status", status: state.status });
      if (!action.reason.trim()) return refuse({ code: "reason_required" });
      return { ok: true, status: "rejected", effects: [], approvedStep: null, autoPassed: [] };
    case "cancel":
      if (!(RETURN_CUSTOMER_CANCELLABLE as readonly string[]).includes(state.status))
        return refuse({ code: "wrong_status", status: state.status });
      return { ok: true, status: "cancelled", effects: [], approvedStep: null, autoPassed: [] };
  }
}

/** Who may take an action on a return at its current status (checked before `transitionReturn`). */
export function returnPermissionFor(
  state: ReturnState,
  action: ReturnAction["type"],
): Permission | "customer" | "customer_or_staff" | null {
  switch (action) {
    case "approve":
      return stepAt(RETURN_PIPELINE, state.status)?.step.permission ?? null;
    case "ship_back":
      return "customer_or_staff";
    case "reject":
      return "return.review";
    case "cancel":
      return "customer";
    case "submit":
      return null;
  }
}

export function mayActOnReturn(actor: Actor, state: ReturnState, action: ReturnAction["type"]): boolean {
  if (actor.kind === "system") return false;
  const needed = returnPermissionFor(state, action);
  if (needed === null) return false;
  if (needed === "customer") return actor.kind === "customer";
  if (needed === "customer_or_staff")
    return actor.kind === "customer" || (actor.kind === "staff" && actor.permissions.has("return.create"));
  return actor.kind === "staff" && actor.permissions.has(needed);
}

export const DEFAULT_RETURN_STEPS: EnabledSteps = Object.fromEntries(RETURN_PIPELINE.steps.map((s) => [s.key, true]));
