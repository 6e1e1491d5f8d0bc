import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_ROLES, type StaffGrant } from "../../app/domain/permissions";
import { listOrdersForStaff, ORDER_SORTS, type StaffOrderQuery } from "../../app/services/order-admin.server";
import { performOrderAction } from "../../app/services/order-pipeline.server";
import { submitOrder } from "../../app/services/orders.server";
import { makeCustomer, makeOrderableSku, makeRegion, NOW } from "../support/factories";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

// The console's order list: every filter, every sort paged by keyset, and the region scope,
// against the same answer worked out from all the orders (issue 9 made each combination of
// filters its own prepared statement).
let t: TestDatabase;
const all: StaffGrant = { permissions: new Set(BUILTIN_ROLES.admin.permissions), regionIds: null };
interface Placed {
  number: string;
  regionId: number;
  customerCode: string;
  customerName: string;
  payable: number;
  createdAt: string;
  status: string;
}
const placed: Placed[] = [];
let north: number;
let south: number;

beforeAll(async () => {
  t = await createTestDatabase();
  north = (await makeRegion(t.db)).id;
  south = (await makeRegion(t.db)).id;
  const dealers = [
    await makeCustomer(t.db, { regionId: north, code: "LISTA1" }),
    await makeCustomer(t.db, { regionId: south, code: "LISTB2" }),
  ];
  const sku = await makeOrderableSku(t.db, { basePrice: 1000, stock: 1000 });
  for (let i = 0; i < 9; i++) {
    const dealer = dealers[i % 2]!;
    // One order every 20 hours: they fall on different calendar days in Shanghai.
    const at = new Date(NOW.getTime() - (9 - i) * 20 * 3_600_000);
    const result = await submitOrder(
      t.db,
      { accountId: dealer.accountId, name: dealer.username, kind: "customer" },
      // Quantities 3, 1, 4, 1, 5, 9, 2, 6, 5: some payables tie, so the id breaks the tie.
      {
        customerId: dealer.id,
        idempotencyKey: `list-${i}`,
        lines: [{ skuCode: sku.code, quantity: [3, 1, 4, 1, 5, 9, 2, 6, 5][i]! }],
      },
      at,
    );
    if (!result.ok) throw new Error(JSON.stringify(result));
    placed.push({
      number: result.order.number,
      regionId: dealer.regionId,
      customerCode: i % 2 ? "LISTB2" : "LISTA1",
      customerName: (
        await t.db.selectFrom("customers").select("name").where("id", "=", dealer.id).executeTakeFirstOrThrow()
      ).name,
      payable: Number(
        (await t.db.selectFrom("orders").select("payable").where("id", "=", result.order.id).executeTakeFirstOrThrow())
          .payable,
      ),
      createdAt: at.toISOString(),
      status: "pending_order_review",
    });
  }
  // Three move on a step.
  for (const p of [placed[1]!, placed[4]!, placed[7]!]) {
    const moved = await performOrderAction(
      t.db,
      { accountId: null, name: "admin", kind: "staff", grant: all },
      p.number,
      { type: "approve", version: 1, payment: { method: "auto" } },
      NOW,
    );
    if (!moved.ok) throw new Error(JSON.stringify(moved));
    p.status = (
      await t.db.selectFrom("orders").select("status").where("number", "=", p.number).executeTakeFirstOrThrow()
    ).status;
  }
});
afterAll(() => t?.close());

/** Every page of a query, two rows at a time, by its cursors. */
async function pages(grant: StaffGrant, query: Omit<StaffOrderQuery, "limit" | "cursor">) {
  const numbers: string[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < 20; n++) {
    const page = await listOrdersForStaff(t.db, grant, { ...query, cursor, limit: 2 });
    expect(page.items.length).toBeLessThanOrEqual(2);
    numbers.push(...page.items.map((o) => o.number));
    if (!page.nextCursor) return numbers;
    cursor = page.nextCursor;
  }
  throw new Error("more pages than orders");
}

function expected(filter: (p: Placed) => boolean, sort: StaffOrderQuery["sort"]) {
  const field = sort.replace(/^-/, "") as "created" | "payable" | "number";
  const value = (p: Placed) => (field === "created" ? p.createdAt : field === "payable" ? p.payable : p.number);
  const sign = sort.startsWith("-") ? -1 : 1;
  // The tie-break is the id, which follows the order of placing (and of `placed`).
  const index = (p: Placed) => placed.indexOf(p);
  return placed
    .filter(filter)
    .sort((a, b) => sign * (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : index(a) - index(b)))
    .map((p) => p.number);
}

describe(`the console's order list (${testDbKind()})`, () => {
  it("pages every sort by keyset: each order once, in order", async () => {
    for (const sort of ORDER_SORTS) expect(await pages(all, { sort })).toEqual(expected(() => true, sort));
  });

  it("filters by status, region, customer text, days and amounts, alone and together", async () => {
    const day = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const from = day(placed[3]!.createdAt);
    const to = day(placed[6]!.createdAt);
    const cases: Array<[Omit<StaffOrderQuery, "limit" | "cursor" | "sort">, (p: Placed) => boolean]> = [
      [{ status: "pending_order_review" }, (p) => p.status === "pending_order_review"],
      [{ regionId: south }, (p) => p.regionId === south],
      [{ customer: "listb" }, (p) => p.customerCode === "LISTB2"], // part of the code, another case
      [
        { customer: placed[0]!.customerName.slice(2, 6) },
        (p) => p.customerName.includes(placed[0]!.customerName.slice(2, 6)),
      ],
      [{ customer: "%" }, () => false], // typed text, not a wildcard
      [{ from }, (p) => day(p.createdAt) >= from],
      [{ to }, (p) => day(p.createdAt) <= to],
      [{ from, to }, (p) => day(p.createdAt) >= from && day(p.createdAt) <= to],
      [{ minPayable: 4000 }, (p) => p.payable >= 4000],
      [{ maxPayable: 4000 }, (p) => p.payable <= 4000],
      [
        { status: "pending_order_review", regionId: north, minPayable: 2000, maxPayable: 6000, from },
        (p) =>
          p.status === "pending_order_review" &&
          p.regionId === north &&
          p.payable >= 2000 &&
          p.payable <= 6000 &&
          day(p.createdAt) >= from,
      ],
    ];
    for (const [filters, keep] of cases) {
      for (const sort of ["-created", "payable"] as const) {
        expect(await pages(all, { ...filters, sort }), JSON.stringify({ filters, sort })).toEqual(expected(keep, sort));
      }
    }
    expect(expected((p) => p.status === "pending_order_review", "-created").length).toBe(6);
  });

  it("shows region-limited staff their regions' orders only, and none to staff with no region", async () => {
    const limited: StaffGrant = { ...all, regionIds: [north] };
    expect(await pages(limited, { sort: "-created" })).toEqual(expected((p) => p.regionId === north, "-created"));
    expect(await pages(limited, { sort: "-created", regionId: south })).toEqual([]);
    expect(await pages({ ...all, regionIds: [] }, { sort: "-created" })).toEqual([]);
    expect(await pages({ ...all, regionIds: [north, south] }, { sort: "number" })).toEqual(
      expected(() => true, "number"),
    );
  });
});
