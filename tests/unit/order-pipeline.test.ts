import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ORDER_PIPELINE,
  type OrderAction,
  type OrderEffect,
  type OrderState,
  transitionOrder,
} from "../../app/domain/order-pipeline";
import type { EnabledSteps } from "../../app/domain/pipeline-engine";

const KEYS = ORDER_PIPELINE.steps.map((s) => s.key);
const STATUS_OF = Object.fromEntries(ORDER_PIPELINE.steps.map((s) => [s.key, s.status]));
const EFFECT_OF: Record<string, OrderEffect> = {
  order_review: "reserve_stock",
  finance_review: "charge_payment",
  outbound_review: "ship_out",
  shipment: "record_shipment",
  receipt: "complete",
};

const combos: EnabledSteps[] = Array.from({ length: 32 }, (_, mask) =>
  Object.fromEntries(KEYS.map((key, bit) => [key, Boolean(mask & (1 << bit))])),
);
const label = (enabled: EnabledSteps) => KEYS.map((k) => `${k}:${enabled[k] ? "on" : "off"}`).join(" ");

const applyEffects = (state: OrderState, effects: OrderEffect[]): OrderState => ({
  status: state.status,
  reserved:
    (state.reserved || effects.includes("reserve_stock")) &&
    !effects.includes("release_stock") &&
    !effects.includes("ship_out"),
  paid: (state.paid || effects.includes("charge_payment")) && !effects.includes("refund_payment"),
});

/** Submits, then approves until completed; returns the statuses waited in and every effect. */
function runThrough(enabled: EnabledSteps, canAutoPass: boolean) {
  const ctx = { enabled, canAutoPass: () => canAutoPass };
  let state: OrderState = { status: "new", reserved: false, paid: false };
  const waited: string[] = [];
  const effects: OrderEffect[] = [];
  let result = transitionOrder(state, { type: "submit" }, ctx);
  for (let guard = 0; guard < 10; guard++) {
    if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.refusal)}`);
    effects.push(...result.effects);
    state = { ...applyEffects(state, result.effects), status: result.status };
    if (state.status === "completed") break;
    waited.push(state.status);
    result =
      state.status === "pending_receipt"
        ? transitionOrder(state, { type: "confirm_receipt" }, ctx)
        : transitionOrder(state, { type: "approve" }, ctx);
  }
  return { waited, effects, final: state };
}

describe("order pipeline: all 32 on/off combinations of the five steps", () => {
  it.each(combos.map((c) => [label(c), c] as const))(
    "%s → waits only at the steps switched on, then completes",
    (_, enabled) => {
      const { waited, effects, final } = runThrough(enabled, true);
      expect(final.status).toBe("completed");
      expect(waited).toEqual(KEYS.filter((k) => enabled[k]).map((k) => STATUS_OF[k]));
      // Every step's work happens exactly once, in pipeline order, whether by a person or automatically.
      expect(effects).toEqual(KEYS.map((k) => EFFECT_OF[k]));
    },
  );

  it.each(combos.map((c) => [label(c), c] as const))(
    "%s → a switched-off step that needs a person still waits in its queue",
    (_, enabled) => {
      const { waited, effects } = runThrough(enabled, false);
      expect(waited).toEqual(KEYS.map((k) => STATUS_OF[k]));
      expect(effects).toEqual(KEYS.map((k) => EFFECT_OF[k]));
    },
  );
});

describe("order pipeline refusals", () => {
  const ctx = { enabled: {}, canAutoPass: () => true };
  const at = (status: string, extra: Partial<OrderState> = {}): OrderState => ({
    status,
    reserved: false,
    paid: false,
    ...extra,
  });

  it("refuses to approve a finished or cancelled order", () => {
    for (const status of ["completed", "cancelled", "sent_back"]) {
      expect(transitionOrder(at(status), { type: "approve" }, ctx)).toEqual({
        ok: false,
        refusal: { code: "wrong_status", status },
      });
    }
  });
  it("sends back only from order review, and only with a reason", () => {
    expect(transitionOrder(at("pending_finance_review"), { type: "send_back", reason: "x" }, ctx)).toMatchObject({
      ok: false,
    });
    expect(transitionOrder(at("pending_order_review"), { type: "send_back", reason: "  " }, ctx)).toEqual({
      ok: false,
      refusal: { code: "reason_required" },
    });
    expect(transitionOrder(at("pending_order_review"), { type: "send_back", reason: "请修改数量" }, ctx)).toMatchObject(
      { ok: true, status: "sent_back" },
    );
  });
  it("voids before outbound only, releasing and refunding what was done", () => {
    expect(
      transitionOrder(
        at("pending_outbound_review", { reserved: true, paid: true }),
        { type: "void", reason: "客户取消" },
        ctx,
      ),
    ).toMatchObject({
      ok: true,
      status: "cancelled",
      effects: ["release_stock", "refund_payment"],
    });
    for (const status of ["pending_shipment", "pending_receipt", "completed"]) {
      expect(transitionOrder(at(status), { type: "void", reason: "x" }, ctx)).toMatchObject({
        ok: false,
        refusal: { code: "wrong_status" },
      });
    }
    expect(transitionOrder(at("pending_order_review"), { type: "void", reason: "" }, ctx)).toMatchObject({
      ok: false,
      refusal: { code: "reason_required" },
    });
  });
  it("lets the customer cancel only while nothing is approved", () => {
    expect(transitionOrder(at("pending_order_review"), { type: "cancel" }, ctx)).toMatchObject({
      ok: true,
      status: "cancelled",
      effects: [],
    });
    expect(transitionOrder(at("pending_finance_review", { reserved: true }), { type: "cancel" }, ctx)).toMatchObject({
      ok: false,
    });
  });
  it("resubmits a sent-back order into the first step that is on", () => {
    const onlyFinance = { enabled: { order_review: false }, canAutoPass: () => true };
    expect(transitionOrder(at("sent_back"), { type: "resubmit" }, onlyFinance)).toMatchObject({
      ok: true,
      status: "pending_finance_review",
      effects: ["reserve_stock"],
    });
  });
  it("still lets a step switched off while an order waits there be worked", () => {
    const offNow = { enabled: { finance_review: false }, canAutoPass: () => false };
    expect(
      transitionOrder(at("pending_finance_review", { reserved: true }), { type: "approve" }, offNow),
    ).toMatchObject({
      ok: true,
      status: "pending_outbound_review",
      effects: ["charge_payment"],
    });
  });
});

describe("order pipeline under random actions", () => {
  const actions: fc.Arbitrary<OrderAction> = fc.oneof(
    fc.constant<OrderAction>({ type: "approve" }),
    fc.constant<OrderAction>({ type: "confirm_receipt" }),
    fc.constant<OrderAction>({ type: "cancel" }),
    fc.constant<OrderAction>({ type: "resubmit" }),
    fc.constantFrom("", "原因").map<OrderAction>((reason) => ({ type: "send_back", reason })),
    fc.constantFrom("", "原因").map<OrderAction>((reason) => ({ type: "void", reason })),
  );
  const enabledArb = fc.record(
    Object.fromEntries(KEYS.map((k) => [k, fc.boolean()])) as Record<string, fc.Arbitrary<boolean>>,
  );

  it("never skips a step that is on, never does a step's work twice, and keeps stock and money consistent", () => {
    fc.assert(
      fc.property(
        enabledArb,
        fc.array(actions, { maxLength: 25 }),
        fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
        (enabled, script, autoOk) => {
          const ctx = { enabled, canAutoPass: (key: string) => autoOk[KEYS.indexOf(key)] ?? true };
          const first = transitionOrder({ status: "new", reserved: false, paid: false }, { type: "submit" }, ctx);
          if (!first.ok) return false;
          let state: OrderState = {
            ...applyEffects({ status: "new", reserved: false, paid: false }, first.effects),
            status: first.status,
          };
          let charged = first.effects.filter((e) => e === "charge_payment").length;
          let shipped = first.effects.filter((e) => e === "ship_out").length;
          for (const action of script) {
            const before = state;
            const result = transitionOrder(state, action, ctx);
            if (!result.ok) continue;
            const done = new Set([...(result.approvedStep ? [result.approvedStep] : []), ...result.autoPassed]);
            // Steps passed on the way are exactly the ones between the old and new status.
            for (const key of result.autoPassed) expect(enabled[key]).toBe(false);
            // Money and stock: release only what was reserved, refund only what was charged.
            if (result.effects.includes("release_stock")) expect(before.reserved).toBe(true);
            if (result.effects.includes("refund_payment")) expect(before.paid).toBe(true);
            charged +=
              result.effects.filter((e) => e === "charge_payment").length -
              result.effects.filter((e) => e === "refund_payment").length;
            shipped += result.effects.filter((e) => e === "ship_out").length;
            expect(charged).toBeGreaterThanOrEqual(0);
            expect(charged).toBeLessThanOrEqual(1);
            expect(shipped).toBeLessThanOrEqual(1);
            expect(done.size).toBe((result.approvedStep ? 1 : 0) + result.autoPassed.length);
            state = { ...applyEffects(before, result.effects), status: result.status };
            if (state.status === "completed" || state.status === "cancelled") {
              expect(state.reserved).toBe(false);
            }
          }
          return true;
        },
      ),
      { numRuns: 2000 },
    );
  });
});
