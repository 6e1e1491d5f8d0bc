import { describe, expect, it } from "vitest";
import type { Actor } from "../../app/domain/order-pipeline";
import type { Permission } from "../../app/domain/permissions";
import type { EnabledSteps } from "../../app/domain/pipeline-engine";
import {
  mayActOnReturn,
  RETURN_PIPELINE,
  type ReturnAction,
  type ReturnEffect,
  transitionReturn,
} from "../../app/domain/return-pipeline";

const KEYS = RETURN_PIPELINE.steps.map((s) => s.key);
const STATUS_OF = Object.fromEntries(RETURN_PIPELINE.steps.map((s) => [s.key, s.status]));
const ALL_EFFECTS: ReturnEffect[] = ["approve_quantities", "record_return_shipment", "receive_goods", "refund"];

const combos: EnabledSteps[] = Array.from({ length: 16 }, (_, mask) =>
  Object.fromEntries(KEYS.map((key, bit) => [key, Boolean(mask & (1 << bit))])),
);
const label = (enabled: EnabledSteps) => KEYS.map((k) => `${k}:${enabled[k] ? "on" : "off"}`).join(" ");

/** Submits, then works each step the return waits at until it is completed. */
function runThrough(enabled: EnabledSteps, canAutoPass: (key: string) => boolean = () => true) {
  const ctx = { enabled, canAutoPass };
  const waited: string[] = [];
  const effects: ReturnEffect[] = [];
  const submitted = transitionReturn({ status: "new" }, { type: "submit" }, ctx);
  if (!submitted.ok) throw new Error("submit refused");
  effects.push(...submitted.effects);
  let status = submitted.status;
  for (let guard = 0; status !== "completed"; guard++) {
    if (guard > 10) throw new Error("did not finish");
    waited.push(status);
    const action: ReturnAction = status === "pending_return_shipment" ? { type: "ship_back" } : { type: "approve" };
    const next = transitionReturn({ status }, action, ctx);
    if (!next.ok) throw new Error(`refused at ${status}: ${next.refusal.code}`);
    effects.push(...next.effects);
    status = next.status;
  }
  return { waited, effects };
}

describe("the returns pipeline on the engine", () => {
  it.each(combos.map((enabled) => [label(enabled), enabled] as const))(
    "%s: waits exactly at the switched-on steps and does every step's work once, in order",
    (_label, enabled) => {
      const { waited, effects } = runThrough(enabled);
      expect(waited).toEqual(KEYS.filter((k) => enabled[k]).map((k) => STATUS_OF[k]));
      expect(effects).toEqual(ALL_EFFECTS);
    },
  );

  it("keeps a return at a switched-off step when its work needs a person", () => {
    const enabled = { return_review: false, return_shipment: false, inbound_review: false, refund_review: false };
    const { waited, effects } = runThrough(enabled, (key) => key !== "inbound_review");
    expect(waited).toEqual(["pending_inbound_review"]);
    expect(effects).toEqual(ALL_EFFECTS);
  });

  it("still lets a return waiting at a step that was switched off since be worked there", () => {
    const result = transitionReturn(
      { status: "pending_inbound_review" },
      { type: "approve" },
      { enabled: { inbound_review: false }, canAutoPass: () => true },
    );
    expect(result).toEqual({
      ok: true,
      status: "pending_refund_review",
      effects: ["receive_goods"],
      approvedStep: "inbound_review",
      autoPassed: [],
    });
  });
});

describe("refusals", () => {
  const ctx = { enabled: {}, canAutoPass: () => true };

  it("rejects only at return review and only with a reason", () => {
    expect(transitionReturn({ status: "pending_return_review" }, { type: "reject", reason: "  " }, ctx)).toEqual({
      ok: false,
      refusal: { code: "reason_required" },
    });
    expect(
      transitionReturn({ status: "pending_return_review" }, { type: "reject", reason: "超过退货期" }, ctx),
    ).toEqual({ ok: true, status: "rejected", effects: [], approvedStep: null, autoPassed: [] });
    for (const status of ["pending_return_shipment", "pending_inbound_review", "completed", "cancelled"])
      expect(transitionReturn({ status }, { type: "reject", reason: "x" }, ctx)).toEqual({
        ok: false,
        refusal: { code: "wrong_status", status },
      });
  });

  it("lets the customer cancel only before approval", () => {
    expect(transitionReturn({ status: "pending_return_review" }, { type: "cancel" }, ctx)).toMatchObject({
      ok: true,
      status: "cancelled",
    });
    for (const status of ["pending_return_shipment", "pending_inbound_review", "pending_refund_review", "rejected"])
      expect(transitionReturn({ status }, { type: "cancel" }, ctx)).toEqual({
        ok: false,
        refusal: { code: "wrong_status", status },
      });
  });

  it("separates ship back from approvals and refuses finished returns", () => {
    expect(transitionReturn({ status: "pending_return_shipment" }, { type: "approve" }, ctx)).toMatchObject({
      ok: false,
      refusal: { code: "wrong_status" },
    });
    expect(transitionReturn({ status: "pending_return_review" }, { type: "ship_back" }, ctx)).toMatchObject({
      ok: false,
      refusal: { code: "wrong_status" },
    });
    for (const status of ["completed", "rejected", "cancelled"])
      expect(transitionReturn({ status }, { type: "approve" }, ctx)).toMatchObject({ ok: false });
    expect(transitionReturn({ status: "pending_return_review" }, { type: "submit" }, ctx)).toMatchObject({ ok: false });
  });

  const staff = (...permissions: Permission[]): Actor => ({ kind: "staff", permissions: new Set(permissions) });
  const customer: Actor = { kind: "customer" };

  it("asks each step's permission, lets customer or return.create staff ship back, only the customer cancel", () => {
    const at = (status: string) => ({ status });
    expect(mayActOnReturn(staff("return.review"), at("pending_return_review"), "approve")).toBe(true);
    expect(mayActOnReturn(staff("return.inbound_review"), at("pending_return_review"), "approve")).toBe(false);
    expect(mayActOnReturn(customer, at("pending_return_review"), "approve")).toBe(false);
    expect(mayActOnReturn(staff("return.review"), at("pending_return_review"), "reject")).toBe(true);
    expect(mayActOnReturn(staff("return.refund_review"), at("pending_return_review"), "reject")).toBe(false);
    expect(mayActOnReturn(staff("return.inbound_review"), at("pending_inbound_review"), "approve")).toBe(true);
    expect(mayActOnReturn(staff("return.refund_review"), at("pending_refund_review"), "approve")).toBe(true);
    expect(mayActOnReturn(staff("return.inbound_review"), at("pending_refund_review"), "approve")).toBe(false);
    expect(mayActOnReturn(customer, at("pending_return_shipment"), "ship_back")).toBe(true);
    expect(mayActOnReturn(staff("return.create"), at("pending_return_shipment"), "ship_back")).toBe(true);
    expect(mayActOnReturn(staff("return.review"), at("pending_return_shipment"), "ship_back")).toBe(false);
    expect(mayActOnReturn(customer, at("pending_return_review"), "cancel")).toBe(true);
    expect(mayActOnReturn(staff("return.review", "return.create"), at("pending_return_review"), "cancel")).toBe(false);
    expect(mayActOnReturn({ kind: "system" }, at("pending_return_review"), "approve")).toBe(false);
  });
});
