import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERMISSIONS, type Permission } from "../../app/domain/permissions";
import { PermissionDeniedError, type StaffActor } from "../../app/services/staff-actor.server";
import {
  adjustStock,
  listStock,
  listStockMovements,
  recordStockMovement,
  setInitialStock,
  stocktake,
} from "../../app/services/stock.server";
import {
  createWarehouse,
  listWarehouses,
  setWarehouseActive,
  updateWarehouse,
} from "../../app/services/warehouses.server";
import { makeStaff, makeStockSku, makeWarehouse, NOW } from "../support/factories";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
let keeper: StaffActor;
beforeAll(async () => {
  t = await createTestDatabase();
  const staff = await makeStaff(t.db);
  keeper = {
    accountId: staff.id,
    name: staff.username,
    requestId: "req-stock",
    grant: { permissions: new Set(PERMISSIONS), regionIds: null },
  };
});
afterAll(() => t.destroy());

const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

async function stockRow(skuId: number, warehouseId: number) {
  return t.db
    .selectFrom("stock")
    .select(["on_hand", "reserved"])
    .where("sku_id", "=", skuId)
    .where("warehouse_id", "=", warehouseId)
    .executeTakeFirst();
}

async function movements(skuId: number, warehouseId: number) {
  return t.db
    .selectFrom("stock_movements")
    .selectAll()
    .where("sku_id", "=", skuId)
    .where("warehouse_id", "=", warehouseId)
    .orderBy("id")
    .execute();
}

async function fresh() {
  const [sku, warehouse] = await Promise.all([makeStockSku(t.db), makeWarehouse(t.db)]);
  return { skuId: sku.id, warehouseId: warehouse.id, sku, warehouse };
}

describe(`stock changes (${testDbKind()})`, () => {
  it("writes exactly one movement and one audit row per adjustment and per stocktake", async () => {
    const { skuId, warehouseId } = await fresh();
    const initial = await setInitialStock(t.db, keeper, { skuId, warehouseId, quantity: 20 }, NOW);
    expect(initial).toMatchObject({ ok: true, delta: 20, onHandAfter: 20 });

    const adjusted = await adjustStock(t.db, keeper, { skuId, warehouseId, delta: -3, reason: "破损" }, later(1));
    expect(adjusted).toMatchObject({ ok: true, delta: -3, onHandAfter: 17 });
    const counted = await stocktake(t.db, keeper, { skuId, warehouseId, counted: 15, reason: "月末盘点" }, later(2));
    expect(counted).toMatchObject({ ok: true, delta: -2, onHandAfter: 15 });

    const rows = await movements(skuId, warehouseId);
    expect(rows.map((m) => [m.kind, Number(m.delta), Number(m.on_hand_after), m.reason])).toEqual([
      ["initial", 20, 20, ""],
      ["adjustment", -3, 17, "破损"],
      ["stocktake", -2, 15, "月末盘点"],
    ]);
    expect(rows.every((m) => m.actor_account_id === keeper.accountId)).toBe(true);
    expect(await stockRow(skuId, warehouseId)).toEqual({ on_hand: 15, reserved: 0 });

    const audit = await t.db
      .selectFrom("audit_log")
      .select(["action", "before_json", "after_json", "request_id"])
      .where("object_type", "=", "stock")
      .where("object_id", "=", `${skuId}:${warehouseId}`)
      .orderBy("id")
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["stock.initial", "stock.adjustment", "stock.stocktake"]);
    expect(JSON.parse(audit[1]!.before_json!)).toEqual({ onHand: 20, reserved: 0 });
    expect(JSON.parse(audit[1]!.after_json!)).toMatchObject({ onHand: 17, delta: -3, reason: "破损" });
    expect(audit.every((a) => a.request_id === "req-stock")).toBe(true);
  });

  it("keeps on_hand equal to the sum of its movements through a sequence", async () => {
    const { skuId, warehouseId } = await fresh();
    await setInitialStock(t.db, keeper, { skuId, warehouseId, quantity: 5 }, NOW);
    await adjustStock(t.db, keeper, { skuId, warehouseId, delta: 7, reason: "补货" }, later(1));
    await adjustStock(t.db, keeper, { skuId, warehouseId, delta: -3, reason: "样品" }, later(2));
    await stocktake(t.db, keeper, { skuId, warehouseId, counted: 4, reason: "盘亏" }, later(3));
    await stocktake(t.db, keeper, { skuId, warehouseId, counted: 4, reason: "复盘无差异" }, later(4));
    await adjustStock(t.db, keeper, { skuId, warehouseId, delta: 10, reason: "调入" }, later(5));

    const rows = await movements(skuId, warehouseId);
    let running = 0;
    for (const m of rows) {
      running += Number(m.delta);
      expect(Number(m.on_hand_after)).toBe(running);
    }
    expect(running).toBe(14);
    expect((await stockRow(skuId, warehouseId))?.on_hand).toBe(14);
    // A count that agrees still leaves its trace, with a change of 0.
    expect(rows.map((m) => Number(m.delta))).toEqual([5, 7, -3, -5, 0, 10]);
  });

  it("refuses to go below 0 and writes nothing", async () => {
    const { skuId, warehouseId } = await fresh();
    await setInitialStock(t.db, keeper, { skuId, warehouseId, quantity: 3 }, NOW);
    const auditBefore = await t.db.selectFrom("audit_log").select("id").execute();

    expect(await adjustStock(t.db, keeper, { skuId, warehouseId, delta: -4, reason: "x" }, NOW)).toEqual({
      ok: false,
      error: "below_zero",
      onHand: 3,
      reserved: 0,
    });
    expect(await stocktake(t.db, keeper, { skuId, warehouseId, counted: -1, reason: "x" }, NOW)).toMatchObject({
      ok: false,
      error: "below_zero",
    });
    expect(await movements(skuId, warehouseId)).toHaveLength(1);
    expect(await stockRow(skuId, warehouseId)).toEqual({ on_hand: 3, reserved: 0 });
    expect(await t.db.selectFrom("audit_log").select("id").execute()).toHaveLength(auditBefore.length);

    // A refused first movement does not even leave an empty stock row behind.
    const other = await fresh();
    expect(
      await adjustStock(
        t.db,
        keeper,
        { skuId: other.skuId, warehouseId: other.warehouseId, delta: -1, reason: "x" },
        NOW,
      ),
    ).toMatchObject({ ok: false, error: "below_zero" });
    expect(await stockRow(other.skuId, other.warehouseId)).toBeUndefined();
  });

  it("refuses to take on_hand below what orders have reserved", async () => {
    const { skuId, warehouseId } = await fresh();
    await setInitialStock(t.db, keeper, { skuId, warehouseId, quantity: 10 }, NOW);
    await t.db
      .updateTable("stock")
      .set({ reserved: 6 })
      .where("sku_id", "=", skuId)
      .where("warehouse_id", "=", warehouseId)
      .execute();

    expect(await adjustStock(t.db, keeper, { skuId, warehouseId, delta: -5, reason: "x" }, NOW)).toEqual({
      ok: false,
      error: "below_reserved",
      onHand: 10,
      reserved: 6,
    });
    expect(await stocktake(t.db, keeper, { skuId, warehouseId, counted: 5, reason: "x" }, NOW)).toMatchObject({
      ok: false,
      error: "below_reserved",
    });
    expect(await adjustStock(t.db, keeper, { skuId, warehouseId, delta: -4, reason: "ok" }, NOW)).toMatchObject({
      ok: true,
      onHandAfter: 6,
    });
    expect(await stockRow(skuId, warehouseId)).toEqual({ on_hand: 6, reserved: 6 });
  });

  it("lets 10 of 20 concurrent adjustments of -1 on stock 10 through, and no more", async () => {
    const { skuId, warehouseId } = await fresh();
    await setInitialStock(t.db, keeper, { skuId, warehouseId, quantity: 10 }, NOW);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        adjustStock(t.db, keeper, { skuId, warehouseId, delta: -1, reason: `出 ${i}` }, later(i)),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(results.filter((r) => !r.ok && r.error === "below_zero")).toHaveLength(10);
    expect((await stockRow(skuId, warehouseId))?.on_hand).toBe(0);
    const rows = await movements(skuId, warehouseId);
    expect(rows).toHaveLength(11);
    expect(rows.reduce((sum, m) => sum + Number(m.delta), 0)).toBe(0);
    expect(rows.every((m) => Number(m.on_hand_after) >= 0)).toBe(true);
  });

  it("takes 期初 only once, as the first movement", async () => {
    const { skuId, warehouseId } = await fresh();
    await adjustStock(t.db, keeper, { skuId, warehouseId, delta: 2, reason: "到货" }, NOW);
    expect(await setInitialStock(t.db, keeper, { skuId, warehouseId, quantity: 8 }, NOW)).toEqual({
      ok: false,
      error: "already_initialised",
    });
    expect(await movements(skuId, warehouseId)).toHaveLength(1);
  });

  it("refuses staff without stock.manage, and unknown SKUs or warehouses", async () => {
    const { skuId, warehouseId } = await fresh();
    const viewer: StaffActor = {
      ...keeper,
      grant: { permissions: new Set<Permission>(["product.view"]), regionIds: null },
    };
    await expect(adjustStock(t.db, viewer, { skuId, warehouseId, delta: 1, reason: "x" }, NOW)).rejects.toThrow(
      PermissionDeniedError,
    );
    expect(await adjustStock(t.db, keeper, { skuId: 999_999, warehouseId, delta: 1, reason: "x" }, NOW)).toEqual({
      ok: false,
      error: "not_found",
    });
    expect(await movements(skuId, warehouseId)).toHaveLength(0);
  });

  it("records outbound and return movements for the order pipeline, releasing reservations with them", async () => {
    const { skuId, warehouseId } = await fresh();
    await setInitialStock(t.db, keeper, { skuId, warehouseId, quantity: 10 }, NOW);
    await t.db.updateTable("stock").set({ reserved: 4 }).where("sku_id", "=", skuId).execute();
    await expect(
      recordStockMovement(t.db, { skuId, warehouseId, kind: "outbound", delta: -4, actor: keeper }, NOW),
    ).rejects.toThrow(/inside a transaction/);

    const out = await t.db.transaction().execute((trx) =>
      recordStockMovement(
        trx,
        {
          skuId,
          warehouseId,
          kind: "outbound",
          delta: -4,
          reservedDelta: -4,
          refType: "order",
          refId: 42,
          actor: keeper,
        },
        NOW,
      ),
    );
    expect(out).toMatchObject({ ok: true, onHandBefore: 10, onHandAfter: 6, reserved: 0 });
    const back = await t.db
      .transaction()
      .execute((trx) =>
        recordStockMovement(
          trx,
          { skuId, warehouseId, kind: "return_restock", delta: 1, refType: "return", refId: 7, actor: keeper },
          NOW,
        ),
      );
    expect(back).toMatchObject({ ok: true, onHandAfter: 7 });
    const rows = await movements(skuId, warehouseId);
    expect(rows.slice(1).map((m) => [m.kind, Number(m.delta), m.ref_type, m.ref_id])).toEqual([
      ["outbound", -4, "order", "42"],
      ["return_restock", 1, "return", "7"],
    ]);
    expect(await stockRow(skuId, warehouseId)).toEqual({ on_hand: 7, reserved: 0 });
  });
});

describe(`stock lists (${testDbKind()})`, () => {
  let skuA: { id: number; code: string };
  let skuB: { id: number; code: string };
  let main: { id: number };
  let spare: { id: number };
  let closed: { id: number };
  beforeAll(async () => {
    skuA = await makeStockSku(t.db, { code: "LIST-A", productName: "清风抽纸" });
    skuB = await makeStockSku(t.db, { code: "LIST-B", productName: "农夫山泉" });
    main = await makeWarehouse(t.db, { code: "L-MAIN" });
    spare = await makeWarehouse(t.db, { code: "L-SPARE" });
    closed = await makeWarehouse(t.db, { code: "L-CLOSED", active: false });
    await setInitialStock(t.db, keeper, { skuId: skuA.id, warehouseId: main.id, quantity: 30 }, later(10));
    await setInitialStock(t.db, keeper, { skuId: skuB.id, warehouseId: main.id, quantity: 5 }, later(11));
    await setInitialStock(t.db, keeper, { skuId: skuB.id, warehouseId: spare.id, quantity: 12 }, later(12));
    await adjustStock(t.db, keeper, { skuId: skuB.id, warehouseId: spare.id, delta: -2, reason: "破损" }, later(13));
  });

  it("shows every SKU in every active warehouse, searchable by code or product name", async () => {
    const byCode = await listStock(t.db, { q: "list-", limit: 100 });
    expect(byCode.items.map((i) => `${i.skuCode}@${i.warehouseCode}:${i.onHand}`)).toEqual(
      expect.arrayContaining(["LIST-A@L-MAIN:30", "LIST-A@L-SPARE:0", "LIST-B@L-MAIN:5", "LIST-B@L-SPARE:10"]),
    );
    expect(byCode.items.some((i) => i.warehouseCode === "L-CLOSED")).toBe(false);
    const byName = await listStock(t.db, { q: "农夫", warehouseId: spare.id, limit: 100 });
    expect(byName.items.map((i) => [i.skuCode, i.onHand, i.available])).toEqual([["LIST-B", 10, 10]]);
    const inClosed = await listStock(t.db, { q: "LIST", warehouseId: closed.id, limit: 100 });
    expect(inClosed.items).toHaveLength(2);
  });

  it("pages a sort by on-hand by keyset without gaps or repeats", async () => {
    const everything = await listStock(t.db, { sort: "-onHand", limit: 1000 });
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await listStock(t.db, { sort: "-onHand", limit: 3, after });
      seen.push(...page.items.map((i) => `${i.skuCode}@${i.warehouseCode}`));
      if (!page.nextCursor) break;
      after = page.nextCursor;
    }
    expect(seen).toEqual(everything.items.map((i) => `${i.skuCode}@${i.warehouseCode}`));
    const onHands = everything.items.map((i) => i.onHand);
    expect(onHands).toEqual([...onHands].sort((a, b) => b - a));
  });

  it("filters movements by SKU, warehouse, kind and time, and pages them", async () => {
    const forB = await listStockMovements(t.db, { sku: "list-b", limit: 100 });
    expect(forB.items.map((m) => [m.kind, m.delta, m.onHandAfter])).toEqual([
      ["adjustment", -2, 10],
      ["initial", 12, 12],
      ["initial", 5, 5],
    ]);
    const inSpare = await listStockMovements(t.db, { warehouseId: spare.id, kind: "initial", limit: 100 });
    expect(inSpare.items.map((m) => m.skuCode)).toEqual(["LIST-B"]);
    const window = await listStockMovements(t.db, {
      sku: "LIST",
      from: later(11).toISOString(),
      to: later(13).toISOString(),
      sort: "at",
      limit: 100,
    });
    expect(window.items.map((m) => m.at)).toEqual([later(11).toISOString(), later(12).toISOString()]);

    const first = await listStockMovements(t.db, { sku: "LIST", limit: 2 });
    const second = await listStockMovements(t.db, { sku: "LIST", limit: 2, after: first.nextCursor! });
    expect([...first.items, ...second.items].map((m) => m.onHandAfter)).toEqual([10, 12, 5, 30]);
    expect(second.nextCursor).toBeNull();
    // A tampered cursor is ignored, not an error.
    expect((await listStockMovements(t.db, { sku: "LIST", limit: 2, after: "garbage" })).items).toHaveLength(2);
  });
});

describe(`warehouses (${testDbKind()})`, () => {
  it("creates, renames and refuses a duplicate code", async () => {
    const created = await createWarehouse(t.db, keeper, { code: "HZ-01", name: "杭州仓", address: "杭州" }, NOW);
    expect(created.ok).toBe(true);
    const again = await createWarehouse(t.db, keeper, { code: "HZ-01", name: "另一个", address: "" }, NOW);
    expect(again).toEqual({ ok: false, fieldErrors: { code: "validation.duplicate" } });
    if (!created.ok) return;
    expect(await updateWarehouse(t.db, keeper, created.id, { name: "杭州一号仓", address: "余杭区" }, NOW)).toEqual({
      ok: true,
      id: created.id,
    });
    const listed = (await listWarehouses(t.db)).find((w) => w.id === created.id);
    expect(listed).toMatchObject({ code: "HZ-01", name: "杭州一号仓", address: "余杭区", active: true, onHand: 0 });
  });

  it("will not deactivate a warehouse holding reservations, and otherwise hides its stock from the list", async () => {
    const { skuId, warehouseId } = await fresh();
    await setInitialStock(t.db, keeper, { skuId, warehouseId, quantity: 9 }, NOW);
    await t.db.updateTable("stock").set({ reserved: 1 }).where("warehouse_id", "=", warehouseId).execute();
    expect(await setWarehouseActive(t.db, keeper, warehouseId, false, NOW)).toEqual({
      ok: false,
      error: "has_reservations",
    });
    await t.db.updateTable("stock").set({ reserved: 0 }).where("warehouse_id", "=", warehouseId).execute();
    expect(await setWarehouseActive(t.db, keeper, warehouseId, false, NOW)).toEqual({ ok: true, id: warehouseId });
    const { items } = await listStock(t.db, { limit: 1000 });
    expect(items.some((i) => i.warehouseId === warehouseId)).toBe(false);
    expect((await listWarehouses(t.db)).find((w) => w.id === warehouseId)).toMatchObject({ active: false, onHand: 9 });
  });
});
