import { describe, expect, it } from "vitest";
import {
  cancelReturnSchema,
  nestReturnRequest,
  RETURN_REASON_OPTIONS,
  returnRequestSchema,
  shipBackSchema,
} from "../../app/forms/shop-return-form";
import { RETURN_REASONS } from "../../app/services/returns.server";

const posted = (lines: Array<Record<string, string>>, extra: Record<string, string> = {}) => {
  const values: Record<string, string> = {
    order: "DH20261116-0001",
    idempotencyKey: "0b5c3c1e-6a0e-4a43-9d0f-2f7f0e1d2c3b",
    note: " 请尽快 ",
    ...extra,
  };
  lines.forEach((line, i) => {
    for (const [k, v] of Object.entries(line)) values[`lines.${i}.${k}`] = v;
  });
  return nestReturnRequest(values);
};

describe("the storefront's return request form", () => {
  it("offers exactly the service's reasons", () => {
    expect([...RETURN_REASON_OPTIONS]).toEqual([...RETURN_REASONS]);
  });

  it("nests posted line fields in order and reads empty quantities as 0", () => {
    const parsed = returnRequestSchema().parse(
      posted([
        { orderLineId: "7", quantity: "2", reason: "quality", note: "" },
        { orderLineId: "8", quantity: "", reason: "damaged", note: "" },
      ]),
    );
    expect(parsed.note).toBe("请尽快");
    expect(parsed.lines).toEqual([
      { orderLineId: 7, quantity: 2, reason: "quality", note: "" },
      { orderLineId: 8, quantity: 0, reason: "damaged", note: "" },
    ]);
  });

  it("refuses no units at all, 其他 without a reason, and non-numbers, each at its field", () => {
    const none = returnRequestSchema().safeParse(
      posted([{ orderLineId: "7", quantity: "0", reason: "quality", note: "" }]),
    );
    expect(none.success).toBe(false);
    expect(none.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["lines", "returns.error.no_lines"]]);

    const other = returnRequestSchema().safeParse(
      posted([
        { orderLineId: "7", quantity: "1", reason: "other", note: " " },
        { orderLineId: "8", quantity: "x", reason: "quality", note: "" },
      ]),
    );
    expect(other.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["lines.0.note", "returns.error.note_required"],
      ["lines.1.quantity", "validation.integer"],
    ]);
    const otherOnly = returnRequestSchema().safeParse(
      posted([{ orderLineId: "7", quantity: "1", reason: "other", note: "" }]),
    );
    expect(otherOnly.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["lines.0.note", "returns.error.note_required"],
    ]);
  });

  it("checks the returnable units in the browser when it knows them, not on the server", () => {
    const input = posted([{ orderLineId: "7", quantity: "5", reason: "quality", note: "" }]);
    expect(
      returnRequestSchema({ 7: 4 })
        .safeParse(input)
        .error?.issues.map((i) => [i.path.join("."), i.message]),
    ).toEqual([["lines.0.quantity", "returns.error.exceeds_returnable"]]);
    expect(returnRequestSchema().safeParse(input).success).toBe(true);
  });
});

describe("the ship-back and cancel forms", () => {
  it("needs carrier and tracking number unless the goods are dropped off", () => {
    const base = { intent: "ship_back", version: "3" };
    expect(
      shipBackSchema.safeParse({ ...base, carrier: "", trackingNo: "" }).error?.issues.map((i) => i.path.join(".")),
    ).toEqual(["carrier", "trackingNo"]);
    expect(shipBackSchema.parse({ ...base, carrier: " 顺丰 ", trackingNo: "SF1" })).toEqual({
      intent: "ship_back",
      version: 3,
      dropOff: false,
      carrier: "顺丰",
      trackingNo: "SF1",
    });
    // A plain post with the box ticked sends "1" and, the inputs being disabled, no carrier at all.
    expect(shipBackSchema.parse({ ...base, dropOff: "1" })).toMatchObject({ dropOff: true, carrier: "" });
    // The browser's form library sends booleans.
    expect(shipBackSchema.parse({ ...base, dropOff: true, carrier: "", trackingNo: "" }).dropOff).toBe(true);
  });

  it("reads the version to cancel", () => {
    expect(cancelReturnSchema.parse({ intent: "cancel", version: "4" })).toEqual({ intent: "cancel", version: 4 });
    expect(cancelReturnSchema.safeParse({ intent: "cancel", version: "x" }).success).toBe(false);
  });
});
