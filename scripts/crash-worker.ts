// The crash test's victim (RELIABILITY C6): runs random business transactions through the real
// services on one SQLite file until it is killed, and after each commit prints one line
// `C <kind> <key> [<version>]` to stdout (a pipe: written synchronously on Linux), so the parent
// knows every commit the process saw acknowledged.
//   tsx scripts/crash-worker.ts <sqlite-file> <seed> [max-ops]
import { BUILTIN_ROLES } from "../app/domain/permissions";
import { recordPayment } from "../app/services/funds.server";
import { type OrderActor, performOrderAction } from "../app/services/order-pipeline.server";
import { submitOrder } from "../app/services/orders.server";
import { createReturn, performReturnAction } from "../app/services/returns.server";
import { adjustStock } from "../app/services/stock.server";
import { openDatabase } from "../db/client";

const [file, seedArg, maxArg] = process.argv.slice(2);
if (!file) throw new Error("usage: crash-worker <sqlite-file> <seed> [max-ops]");
const maxOps = maxArg ? Number(maxArg) : Number.POSITIVE_INFINITY;

// A small seeded PRNG (mulberry32), so a failing run can be replayed with its seed.
let state = Number(seedArg ?? Date.now()) >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];

const { db } = openDatabase({ dialect: "sqlite", url: file });
const admin: Extract<OrderActor, { kind: "staff" }> = {
  accountId: null,
  name: `crash-worker-${process.pid}`,
  kind: "staff",
  grant: { permissions: new Set(BUILTIN_ROLES.admin.permissions), regionIds: null },
};
const record = (line: string) => process.stdout.write(`C ${line}\n`);

const customers = await db.selectFrom("customers").select(["id", "account_id"]).where("active", "=", 1).execute();
const stocked = await db
  .selectFrom("stock as st")
  .innerJoin("skus as s", "s.id", "st.sku_id")
  .select(["s.id", "s.code", "s.min_qty", "s.multiple", "st.warehouse_id"])
  .where("s.listed", "=", 1)
  .execute();
let ops = 0;

async function placeOrder() {
  const customer = pick(customers);
  if (!customer) return;
  const lines = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(stocked)!)
    .filter((s, i, all) => all.findIndex((o) => o.code === s.code) === i)
    .map((s) => ({ skuCode: s.code, quantity: Math.max(Number(s.min_qty), 1) * Math.max(Number(s.multiple), 1) }));
  const placed = await submitOrder(
    db,
    { accountId: customer.account_id, name: "crash", kind: "customer" },
    { customerId: customer.id, idempotencyKey: `crash-${process.pid}-${ops}-${random()}`, lines },
    new Date(),
  );
  if (placed.ok && !placed.replayed) record(`order ${placed.order.number}`);
}

async function moveOrder() {
  const open = await db
    .selectFrom("orders")
    .select(["number", "version", "status"])
    .where("status", "not in", ["completed", "cancelled"])
    .orderBy("id", "desc")
    .limit(20)
    .execute();
  const order = pick(open);
  if (!order) return;
  const roll = random();
  const input =
    order.status === "sent_back"
      ? ({ type: "resubmit", version: order.version } as const)
      : order.status === "pending_receipt"
        ? ({ type: "confirm_receipt", version: order.version } as const)
        : roll < 0.1
          ? ({ type: "void", version: order.version, reason: "crash test" } as const)
          : roll < 0.15 && order.status === "pending_order_review"
            ? ({ type: "send_back", version: order.version, reason: "crash test" } as const)
            : ({ type: "approve", version: order.version, shipment: { selfPickup: true } } as const);
  const result = await performOrderAction(db, admin, order.number, input, new Date());
  if (result.ok) record(`oaction ${result.number} ${result.version}`);
}

async function pay() {
  const customer = pick(customers);
  if (!customer) return;
  const result = await recordPayment(
    db,
    admin,
    {
      customerId: customer.id,
      account: "prepaid",
      amount: 1 + Math.floor(random() * 5_000_000),
      method: "bank",
      reference: `crash-${ops}`,
      businessDate: new Date().toISOString().slice(0, 10),
    },
    new Date(),
  );
  if (result.ok) record(`ledger ${result.entryId}`);
}

async function moveStock() {
  const s = pick(stocked);
  if (!s) return;
  const result = await adjustStock(
    db,
    admin,
    {
      skuId: s.id,
      warehouseId: s.warehouse_id,
      delta: random() < 0.3 ? -1 : 1 + Math.floor(random() * 20),
      reason: "crash test",
    },
    new Date(),
  );
  if (result.ok) record(`move ${result.movementId}`);
}

async function returnGoods() {
  const shipped = await db
    .selectFrom("orders as o")
    .innerJoin("order_lines as l", "l.order_id", "o.id")
    .select(["o.number", "l.id as lineId"])
    .where("o.status", "in", ["pending_receipt", "completed"])
    .orderBy("o.id", "desc")
    .limit(20)
    .execute();
  const open = await db
    .selectFrom("returns")
    .select(["number", "version", "status"])
    .where("status", "not in", ["completed", "cancelled", "rejected"])
    .limit(10)
    .execute();
  const existing = pick(open);
  if (existing && random() < 0.6) {
    const input =
      existing.status === "pending_return_shipment"
        ? ({ type: "ship_back", version: existing.version, shipment: { dropOff: true } } as const)
        : ({ type: "approve", version: existing.version } as const);
    const result = await performReturnAction(db, admin, existing.number, input, new Date());
    if (result.ok) record(`raction ${result.number} ${result.version}`);
    return;
  }
  const line = pick(shipped);
  if (!line) return;
  const created = await createReturn(
    db,
    admin,
    {
      orderNumber: line.number,
      idempotencyKey: `crash-${process.pid}-${ops}-${random()}`,
      lines: [{ orderLineId: line.lineId, quantity: 1, reason: "quality" }],
    },
    new Date(),
  );
  if (created.ok && !created.replayed) record(`return ${created.return.number}`);
}

const ACTIONS = [placeOrder, moveOrder, moveOrder, moveOrder, pay, moveStock, returnGoods];
process.stdout.write("ready\n");
// Four at once, as concurrent requests would: their transactions share group commits
// (db/sqlite-driver.ts), so a kill can land between a group's members and its fsync.
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (ops < maxOps) {
      ops++;
      await pick(ACTIONS)!();
    }
  }),
);
await db.destroy();
