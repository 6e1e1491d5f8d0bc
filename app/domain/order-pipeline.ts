/**
 * The order pipeline (订单流程, DOMAIN.md §5) as data on the engine, and its transitions.
 */

import type { Permission } from "./permissions";
import { type EnabledSteps, type PipelineDef, type RouteContext, routeAfter, stepAt } from "./pipeline-engine";

export type OrderEffect =
  | "reserve_stock" // order review approved: reserve what the lines need
  | "charge_payment" // finance review approved: settle from prepaid/rebate, credit, or an offline payment
  | "ship_out" // outbound review approved: stock leaves, reservation released, outbound note
  | "record_shipment" // shipment confirmed: carrier and tracking, or self-pickup
  | "complete" // receipt confirmed
  | "release_stock" // void: give back what was reserved
  | "refund_payment"; // void: refund what was charged

export const ORDER_PIPELINE: PipelineDef<OrderEffect> = {
  name: "orders",
  doneStatus: "completed",
  steps: [
    {
      key: "order_review",
      status: "pending_order_review",
      permission: "order.review",
      customerActs: false,
      effects: ["reserve_stock"],
    },
    {
      key: "finance_review",
      status: "pending_finance_review",
      permission: "order.finance_review",
      customerActs: false,
      effects: ["charge_payment"],
    },
    {
      key: "outbound_review",
      status: "pending_outbound_review",
      permission: "order.outbound_review",
      customerActs: false,
      effects: ["ship_out"],
    },
    {
      key: "shipment",
      status: "pending_shipment",
      permission: "order.ship",
      customerActs: false,
      effects: ["record_shipment"],
    },
    {
      key: "receipt",
      status: "pending_receipt",
      permission: "order.confirm_receipt",
      customerActs: true,
      effects: ["complete"],
    },
  ],
};

export const ORDER_STEP_KEYS = ORDER_PIPELINE.steps.map((s) => s.key);

/** Order statuses from which staff may void (作废): anything before the goods leave. */
export const VOIDABLE = [
  "pending_order_review",
  "pending_finance_review",
  "pending_outbound_review",
  "sent_back",
] as const;
/** Customers may cancel while nothing has been approved. */
export const CUSTOMER_CANCELLABLE = ["pending_order_review", "sent_back"] as const;

export type OrderAction =
  | { type: "submit" }
  | { type: "approve" }
  | { type: "send_back"; reason: string }
  | { type: "resubmit" }
  | { type: "cancel" }
  | { type: "void"; reason: string }
  | { type: "confirm_receipt" };

export type Actor = { kind: "customer" } | { kind: "staff"; permissions: ReadonlySet<Permission> } | { kind: "system" }; // the auto-receipt sweep

export type OrderRefusal =
  | { code: "wrong_status"; status: string }
  | { code: "not_permitted"; permission: Permission | null }
  | { code: "reason_required" };

export interface OrderState {
  status: string;
  /** Stock is reserved for this order (after order review). */
  reserved: boolean;
  /** An amount has been charged (after finance review). */
  paid: boolean;
}

export type TransitionResult =
  | { ok: true; status: string; effects: OrderEffect[]; approvedStep: string | null; autoPassed: string[] }
  | { ok: false; refusal: OrderRefusal };

const refuse = (refusal: OrderRefusal): TransitionResult => ({ ok: false, refusal });

const can = (actor: Actor, permission: Permission) => actor.kind === "staff" && actor.permissions.has(permission);

/**
 * The next state of an order for an action, with the effects the service must apply in the
 * same transaction. Pure: the caller supplies which steps are on and whether a switched-off
 * step's work can be done without a person.
 */
export function transitionOrder(state: OrderState, action: OrderAction, ctx: RouteContext): TransitionResult {
  const route = (fromIndex: number, approvedStep: string | null, first: OrderEffect[]): TransitionResult => {
    const next = routeAfter(ORDER_PIPELINE, fromIndex, ctx);
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
      return route(-1, null, []);
    case "resubmit":
      if (state.status !== "sent_back") return refuse({ code: "wrong_status", status: state.status });
      return route(-1, null, []);
    case "approve": {
      const at = stepAt(ORDER_PIPELINE, state.status);
      if (!at) return refuse({ code: "wrong_status", status: state.status });
      // A step switched off while an order waited there can still be worked: no strandings.
      return route(at.index, at.step.key, [...at.step.effects]);
    }
    case "send_back":
      if (state.status !== "pending_order_review") return refuse({ code: "wrong_status", status: state.status });
      if (!action.reason.trim()) return refuse({ code: "reason_required" });
      return {
        ok: true,
        status: "sent_back",
        effects: state.reserved ? ["release_stock"] : [],
        approvedStep: null,
        autoPassed: [],
      };
    case "cancel":
      if (!(CUSTOMER_CANCELLABLE as readonly string[]).includes(state.status))
        return refuse({ code: "wrong_status", status: state.status });
      return { ok: true, status: "cancelled", effects: undoEffects(state), approvedStep: null, autoPassed: [] };
    case "void":
      if (!(VOIDABLE as readonly string[]).includes(state.status))
        return refuse({ code: "wrong_status", status: state.status });
      if (!action.reason.trim()) return refuse({ code: "reason_required" });
      return { ok: true, status: "cancelled", effects: undoEffects(state), approvedStep: null, autoPassed: [] };
    case "confirm_receipt":
      if (state.status !== "pending_receipt") return refuse({ code: "wrong_status", status: state.status });
      return route(ORDER_PIPELINE.steps.length - 1, "receipt", ["complete"]);
  }
}

function undoEffects(state: OrderState): OrderEffect[] {
  const effects: OrderEffect[] = [];
  if (state.reserved) effects.push("release_stock");
  if (state.paid) effects.push("refund_payment");
  return effects;
}

/** Who may take an action on an order at its current status (checked before `transitionOrder`). */
export function permissionFor(
  state: OrderState,
  action: OrderAction["type"],
): Permission | "customer" | "customer_or_staff" | null {
  switch (action) {
    case "approve":
      return stepAt(ORDER_PIPELINE, state.status)?.step.permission ?? null;
    case "send_back":
      return "order.review";
    case "void":
      return "order.void";
    case "cancel":
    case "resubmit":
      return "customer";
    case "confirm_receipt":
      return "customer_or_staff";
    case "submit":
      return null;
  }
}

export function mayAct(actor: Actor, state: OrderState, action: OrderAction["type"]): boolean {
  const needed = permissionFor(state, action);
  if (actor.kind === "system") return action === "confirm_receipt";
  if (needed === null) return false;
  if (needed === "customer") return actor.kind === "customer";
  if (needed === "customer_or_staff") return actor.kind === "customer" || can(actor, "order.confirm_receipt");
  return can(actor, needed);
}

export const DEFAULT_ORDER_STEPS: EnabledSteps = Object.fromEntries(ORDER_PIPELINE.steps.map((s) => [s.key, true]));
