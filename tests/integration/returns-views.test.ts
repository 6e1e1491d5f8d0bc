// The read side of returns and their photos: photos stored once and shown only to who may see the
// return, an order's returns, the returns report, export rows and the list's search and period.
import { createHash } from "node:crypto";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_ROLES, type Permission } from "../../app/domain/permissions";
import { recordPayment } from "../../app/services/funds.server";
import { type OrderActor, performOrderAction } from "../../app/services/order-pipeline.server";
import { getOrder, submitOrder } from "../../app/services/orders.server";
import {
  type CreateReturnInput,
  createReturn,
  getReturn,
  getReturnPhoto,
  listReturns,
  performReturnAction,
  RETURN_PHOTO_LIMIT,
  type ReturnActionInput,
  type ReturnActor,
  type ReturnListQuery,
  type ReturnScope,
  returnExportRows,
  returnsOfOrder,
  returnsReport,
} from "../../app/services/returns.server";
import { makeCustomer, makeOrderableSku, makeRegion, NOW } from "../support/factories";
import { expectFundsInvariants } from "../support/invariants";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
let keySeq = 0;
type Customer = Awaited<ReturnType<typeof makeCustomer>>;

const staff = (permissions: readonly Permission[], regionIds: number[] | null = null): OrderActor => ({
  accountId: null,
  name: "clerk",
  kind: "staff",
  grant: { permissions: new Set(permissions), regionIds },
});
const admin = staff(BUILTIN_ROLES.admin.permissions);
const viewer = (regionIds: number[] | null): ReturnScope => ({
  kind: "staff",
  grant: { permissions: new Set<Permission>(["return.view"]), regionIds },
});
const dealer = (c: Customer): ReturnActor => ({
  accountId: c.accountId,
  name: c.username,
  kind: "customer",
  customerId: c.id,
});
const own = (c: Customer): ReturnScope => ({ kind: "customer", customerId: c.id });
const at = (iso: string) => new Date(iso);

async function fund(c: Customer) {
  const paid = await recordPayment(
    t.db,
    { accountId: null, name: "finance", grant: { permissions: new Set(["funds.manage"]), regionIds: null } },
    {
      customerId: c.id,
      account: "prepaid",
      amount: 100_000_000,
      method: "bank",
      reference: "TOPUP",
      businessDate: "2026-11-01",
    },
    at("2026-11-01T01:00:00.000Z"),
  );
  if (!paid.ok) throw new Error("could not fund the test customer");
}

/** Puts stock of a SKU into another warehouse, with its movement, so one warehouse holds every line. */
async function stockIn(skuId: number, warehouseId: number, quantity: number) {
  await t.db
    .insertInto("stock")
    .values({ sku_id: skuId, warehouse_id: warehouseId, on_hand: quantity, reserved: 0 })
    .execute();
  await t.db
    .insertInto("stock_movements")
    .values({
      sku_id: skuId,
      warehouse_id: warehouseId,
      kind: "initial",
      delta: quantity,
      on_hand_after: quantity,
      at: NOW.toISOString(),
    })
    .execute();
}

/** An order placed on 1 November and taken through the pipeline to pending_receipt (shipped). */
async function shippedOrder(c: Customer, lines: Array<{ code: string; quantity: number }>) {
  const when = at("2026-11-01T02:00:00.000Z");
  const placed = await submitOrder(
    t.db,
    { accountId: c.accountId, name: c.username, kind: "customer" },
    {
      customerId: c.id,
      idempotencyKey: `o-${++keySeq}`,
      lines: lines.map((l) => ({ skuCode: l.code, quantity: l.quantity })),
    },
    when,
  );
  if (!placed.ok) throw new Error(`not placed: ${JSON.stringify(placed)}`);
  const number = placed.order.number;
  for (const extra of [
    {},
    { payment: { method: "prepaid" as const } },
    {},
    { shipment: { carrier: "顺丰速运", trackingNo: "SF1" } },
  ]) {
    const version = (await getOrder(t.db, number, {}))!.version;
    const done = await performOrderAction(t.db, admin, number, { type: "approve", version, ...extra }, when);
    if (!done.ok) throw new Error(`order step refused: ${JSON.stringify(done)}`);
  }
  const order = (await getOrder(t.db, number, {}))!;
  expect(order.status).toBe("pending_receipt");
  const lineIds = await t.db
    .selectFrom("order_lines")
    .select("id")
    .where("order_id", "=", order.id)
    .orderBy("position")
    .execute();
  return { id: order.id, number, lines: lineIds.map((l) => l.id) };
}

type Order = Awaited<ReturnType<typeof shippedOrder>>;
type WithoutVersion<T> = T extends unknown ? Omit<T, "version"> : never;

async function start(
  c: Customer,
  order: Order,
  lines: Array<[line: number, quantity: number, reason: CreateReturnInput["lines"][number]["reason"], note?: string]>,
  when: Date = NOW,
) {
  const created = await createReturn(
    t.db,
    dealer(c),
    {
      orderNumber: order.number,
      idempotencyKey: `r-${++keySeq}`,
      lines: lines.map(([line, quantity, reason, note]) => ({
        orderLineId: order.lines[line]!,
        quantity,
        reason,
        note,
      })),
    },
    when,
  );
  if (!created.ok) throw new Error(`return refused: ${JSON.stringify(created)}`);
  return created.return.number;
}

async function act(actor: ReturnActor, number: string, input: WithoutVersion<ReturnActionInput>, when: Date = NOW) {
  const { version } = await t.db
    .selectFrom("returns")
    .select("version")
    .where("number", "=", number)
    .executeTakeFirstOrThrow();
  const done = await performReturnAction(t.db, actor, number, { ...input, version } as ReturnActionInput, when);
  if (!done.ok) throw new Error(`return step refused: ${JSON.stringify(done)}`);
  return done;
}

const lineIdsOf = async (number: string) =>
  (
    await t.db
      .selectFrom("return_lines as l")
      .innerJoin("returns as r", "r.id", "l.return_id")
      .select("l.id")
      .where("r.number", "=", number)
      .orderBy("l.position")
      .execute()
  ).map((l) => l.id);

/** Review (approved quantities), ship back, inbound (received quantity and disposition per line). */
async function receive(
  c: Customer,
  number: string,
  receipts: Array<[quantity: number, disposition: "restock" | "rework" | "downgrade" | "scrap"]>,
  approve: number[] | undefined,
  when: Date,
) {
  const ids = await lineIdsOf(number);
  await act(
    admin,
    number,
    { type: "approve", approvals: approve?.map((quantity, i) => ({ lineId: ids[i]!, quantity })) },
    when,
  );
  await act(dealer(c), number, { type: "ship_back", shipment: { carrier: "德邦物流", trackingNo: "DP1" } }, when);
  await act(
    admin,
    number,
    {
      type: "approve",
      receipts: receipts.map(([quantity, disposition], i) => ({ lineId: ids[i]!, quantity, disposition })),
    },
    when,
  );
}

const count = async (table: "returns" | "return_lines" | "return_photos" | "images" | "return_events") =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );
const counts = async () => ({
  returns: await count("returns"),
  lines: await count("return_lines"),
  photos: await count("return_photos"),
  images: await count("images"),
  events: await count("return_events"),
});

const png = (r: number, g: number, b: number) =>
  sharp({ create: { width: 40, height: 30, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

beforeAll(async () => {
  t = await createTestDatabase();
});
afterEach(() => expectFundsInvariants(t.db));
afterAll(() => t.destroy());

describe(`return photos (${testDbKind()})`, () => {
  let region: number;
  let elsewhere: number;
  let customer: Customer;
  let neighbour: Customer;
  let order: Order;
  let red: Buffer;
  let blue: Buffer;

  beforeAll(async () => {
    region = (await makeRegion(t.db)).id;
    elsewhere = (await makeRegion(t.db)).id;
    customer = await makeCustomer(t.db, { regionId: region });
    neighbour = await makeCustomer(t.db, { regionId: region });
    await fund(customer);
    const sku = await makeOrderableSku(t.db, { stock: 100 });
    order = await shippedOrder(customer, [{ code: sku.code, quantity: 20 }]);
    red = await png(200, 0, 0);
    blue = await png(0, 0, 200);
  });

  const withPhotos = (photos: Uint8Array[], idempotencyKey = `p-${++keySeq}`): CreateReturnInput => ({
    orderNumber: order.number,
    idempotencyKey,
    lines: [{ orderLineId: order.lines[0]!, quantity: 1, reason: "damaged" }],
    photos,
  });

  it("stores each distinct photo once and shows it, full and thumb, to the owner and in-region staff only", async () => {
    const before = await counts();
    const created = await createReturn(t.db, dealer(customer), withPhotos([red, blue, red]), NOW);
    if (!created.ok) throw new Error(JSON.stringify(created));
    const number = created.return.number;
    const after = await counts();
    expect(after.images - before.images).toBe(2);
    expect(after.photos - before.photos).toBe(3);
    expect((await getReturn(t.db, own(customer), number))!.photos).toEqual([0, 1, 2]);
    const linked = await t.db
      .selectFrom("return_photos as p")
      .innerJoin("images as i", "i.id", "p.image_id")
      .select(["p.position", "i.sha256"])
      .where("p.return_id", "=", created.return.id)
      .orderBy("p.position")
      .execute();
    expect(linked).toEqual([
      { position: 0, sha256: sha256(red) },
      { position: 1, sha256: sha256(blue) },
      { position: 2, sha256: sha256(red) },
    ]);

    const full = await getReturnPhoto(t.db, own(customer), number, 1, "full");
    expect(full && { ...full, bytes: Buffer.from(full.bytes).equals(blue) }).toEqual({
      sha256: sha256(blue),
      contentType: "image/png",
      bytes: true,
    });
    const thumb = await getReturnPhoto(t.db, own(customer), number, 0, "thumb");
    expect(thumb?.contentType).toBe("image/webp");
    expect(thumb?.sha256).toBe(sha256(red));
    const meta = await sharp(Buffer.from(thumb!.bytes)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", 40, 30]);

    expect(await getReturnPhoto(t.db, viewer([region]), number, 2, "full")).not.toBeNull();
    expect(await getReturnPhoto(t.db, viewer(null), number, 2, "thumb")).not.toBeNull();
    expect(await getReturnPhoto(t.db, own(neighbour), number, 0, "full")).toBeNull();
    expect(await getReturnPhoto(t.db, own(neighbour), number, 0, "thumb")).toBeNull();
    expect(await getReturnPhoto(t.db, viewer([elsewhere]), number, 0, "full")).toBeNull();
    expect(await getReturnPhoto(t.db, viewer([]), number, 0, "thumb")).toBeNull();
    expect(await getReturnPhoto(t.db, own(customer), number, 3, "full")).toBeNull();

    // The same picture on another return is not stored again.
    const again = await createReturn(t.db, dealer(customer), withPhotos([blue]), NOW);
    expect(again.ok).toBe(true);
    expect(await count("images")).toBe(after.images);
    expect(await count("return_photos")).toBe(after.photos + 1);
  });

  it("refuses a file that is not an image, naming it, and writes nothing", async () => {
    const before = await counts();
    const key = `p-${++keySeq}`;
    const text = new TextEncoder().encode("这不是一张图片，只是文字");
    expect(await createReturn(t.db, dealer(customer), withPhotos([red, text], key), NOW)).toEqual({
      ok: false,
      error: "photo",
      index: 1,
      rejection: "not_an_image",
    });
    expect(await createReturn(t.db, dealer(customer), withPhotos([new Uint8Array()], key), NOW)).toEqual({
      ok: false,
      error: "photo",
      index: 0,
      rejection: "empty",
    });
    expect(await counts()).toEqual(before);
    // The key was not used up: the corrected submission goes through.
    const fixed = await createReturn(t.db, dealer(customer), withPhotos([red], key), NOW);
    expect(fixed).toMatchObject({ ok: true, replayed: false });
  });

  it(`takes up to ${RETURN_PHOTO_LIMIT} photos and refuses more`, async () => {
    const before = await counts();
    const tooMany = Array.from({ length: RETURN_PHOTO_LIMIT + 1 }, () => red);
    expect(await createReturn(t.db, dealer(customer), withPhotos(tooMany), NOW)).toEqual({
      ok: false,
      error: "too_many_photos",
    });
    expect(await counts()).toEqual(before);
    const most = await createReturn(t.db, dealer(customer), withPhotos(tooMany.slice(1)), NOW);
    if (!most.ok) throw new Error(JSON.stringify(most));
    expect((await getReturn(t.db, own(customer), most.return.number))!.photos).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await count("images")).toBe(before.images);
  });

  it("gives the same return for a retry with the same photos, without storing them twice", async () => {
    const input = withPhotos([blue, red]);
    const first = await createReturn(t.db, dealer(customer), input, NOW);
    if (!first.ok) throw new Error(JSON.stringify(first));
    const before = await counts();
    const retry = await createReturn(t.db, dealer(customer), withPhotos([blue, red], input.idempotencyKey), NOW);
    expect(retry).toEqual({ ok: true, return: first.return, replayed: true });
    expect(await counts()).toEqual(before);
    // Other photos under the same key are another request.
    expect(await createReturn(t.db, dealer(customer), withPhotos([red, blue], input.idempotencyKey), NOW)).toEqual({
      ok: false,
      error: "idempotency_key_reused",
    });
    expect(await counts()).toEqual(before);
  });
});

describe(`returns of an order (${testDbKind()})`, () => {
  it("lists the order's returns and, per line, the units claimed and received, rejected and cancelled left out", async () => {
    const customer = await makeCustomer(t.db);
    await fund(customer);
    const a = await makeOrderableSku(t.db, { stock: 50, basePrice: 1000 });
    const b = await makeOrderableSku(t.db, { stock: 0, basePrice: 2500 });
    await stockIn(b.skuId, a.warehouseId, 50);
    const order = await shippedOrder(customer, [
      { code: a.code, quantity: 5 },
      { code: b.code, quantity: 3 },
    ]);
    const other = await shippedOrder(customer, [{ code: a.code, quantity: 2 }]);
    expect(await returnsOfOrder(t.db, order.id)).toEqual({ returns: [], byLine: {} });

    const waiting = await start(customer, order, [[0, 2, "quality"]], at("2026-11-24T02:00:00.000Z"));
    const received = await start(
      customer,
      order,
      [
        [0, 1, "wrong_item"],
        [1, 3, "damaged"],
      ],
      at("2026-11-25T02:00:00.000Z"),
    );
    await receive(
      customer,
      received,
      [
        [1, "restock"],
        [1, "scrap"],
      ],
      [1, 2],
      NOW,
    );
    const rejected = await start(customer, order, [[0, 1, "other", "不想要了"]], at("2026-11-26T02:00:00.000Z"));
    await act(admin, rejected, { type: "reject", reason: "已拆封" });
    const cancelled = await start(customer, order, [[1, 1, "quality"]], at("2026-11-26T03:00:00.000Z"));
    await act(dealer(customer), cancelled, { type: "cancel" });
    await start(customer, other, [[0, 2, "quality"]]);

    expect(await returnsOfOrder(t.db, order.id)).toEqual({
      returns: [
        {
          number: waiting,
          status: "pending_return_review",
          createdAt: "2026-11-24T02:00:00.000Z",
          units: 2,
          refundAmount: null,
        },
        {
          number: received,
          status: "pending_refund_review",
          createdAt: "2026-11-25T02:00:00.000Z",
          units: 4,
          refundAmount: null,
        },
        { number: rejected, status: "rejected", createdAt: "2026-11-26T02:00:00.000Z", units: 1, refundAmount: null },
        { number: cancelled, status: "cancelled", createdAt: "2026-11-26T03:00:00.000Z", units: 1, refundAmount: null },
      ],
      // Line b: 3 asked for, 2 approved (claimed), 1 arrived.
      byLine: { [order.lines[0]!]: { claimed: 3, received: 1 }, [order.lines[1]!]: { claimed: 2, received: 1 } },
    });

    await act(admin, received, { type: "approve" });
    const refunded = await returnsOfOrder(t.db, order.id);
    // 1 × 10.00 + 1 × 25.00
    expect(refunded.returns[1]).toMatchObject({ status: "completed", refundAmount: 3500 });
    expect(refunded.byLine[order.lines[1]!]).toEqual({ claimed: 2, received: 1 });
  });
});

describe(`returns report, export and list (${testDbKind()})`, () => {
  let region: number;
  let otherRegion: number;
  let emptyRegion: number;
  let x: Customer;
  let y: Customer;
  let p: Awaited<ReturnType<typeof makeOrderableSku>>;
  let q: Awaited<ReturnType<typeof makeOrderableSku>>;
  let xOrder: Order;
  let yOrder: Order;
  const n: Record<"a" | "b" | "c" | "d" | "e" | "y", string> = { a: "", b: "", c: "", d: "", e: "", y: "" };

  beforeAll(async () => {
    region = (await makeRegion(t.db)).id;
    otherRegion = (await makeRegion(t.db)).id;
    emptyRegion = (await makeRegion(t.db)).id;
    x = await makeCustomer(t.db, { regionId: region, code: "NB001" });
    y = await makeCustomer(t.db, { regionId: otherRegion, code: "XA001" });
    await t.db.updateTable("customers").set({ name: "宁波海曙日化有限公司" }).where("id", "=", x.id).execute();
    await t.db.updateTable("customers").set({ name: "西安雁塔百货有限公司" }).where("id", "=", y.id).execute();
    await fund(x);
    await fund(y);
    p = await makeOrderableSku(t.db, { stock: 100, basePrice: 1000, name: "报表商品甲" });
    q = await makeOrderableSku(t.db, { stock: 0, basePrice: 2000, name: "报表商品乙" });
    await stockIn(q.skuId, p.warehouseId, 100);
    xOrder = await shippedOrder(x, [
      { code: p.code, quantity: 10 },
      { code: q.code, quantity: 10 },
    ]);
    yOrder = await shippedOrder(y, [{ code: p.code, quantity: 5 }]);

    const day = (d: number, h = 2) =>
      at(`2026-11-${String(d).padStart(2, "0")}T${String(h).padStart(2, "0")}:00:00.000Z`);
    n.a = await start(
      x,
      xOrder,
      [
        [0, 3, "quality"],
        [1, 2, "damaged"],
      ],
      day(10),
    );
    await receive(
      x,
      n.a,
      [
        [3, "restock"],
        [1, "scrap"],
      ],
      undefined,
      day(10, 3),
    );
    await act(admin, n.a, { type: "approve" }, day(10, 4));
    n.y = await start(y, yOrder, [[0, 5, "quality"]], day(12));
    n.b = await start(x, xOrder, [[0, 2, "wrong_item"]], day(15));
    n.c = await start(x, xOrder, [[1, 4, "other", "颜色不喜欢"]], day(20, 3));
    await act(admin, n.c, { type: "reject", reason: "不属于质量问题" }, day(20, 4));
    n.d = await start(x, xOrder, [[1, 1, "quality"]], day(20, 5));
    await act(dealer(x), n.d, { type: "cancel" }, day(20, 6));
    n.e = await start(
      x,
      xOrder,
      [
        [0, 1, "other", "包装有异味"],
        [1, 3, "wrong_item"],
      ],
      day(22),
    );
    await receive(
      x,
      n.e,
      [
        [1, "downgrade"],
        [2, "rework"],
      ],
      [1, 2],
      day(22, 3),
    );
  });

  it("numbers the returns by their day", () => {
    expect(n).toEqual({
      a: "TH20261110-0001",
      y: "TH20261112-0001",
      b: "TH20261115-0001",
      c: "TH20261120-0001",
      d: "TH20261120-0002",
      e: "TH20261122-0001",
    });
  });

  it("reports by reason, disposition and product within the staff member's regions", async () => {
    expect(await returnsReport(t.db, viewer([region]), {})).toEqual({
      byReason: [
        { reason: "quality", lines: 1, units: 3 },
        { reason: "wrong_item", lines: 2, units: 5 },
        { reason: "damaged", lines: 1, units: 2 },
        { reason: "other", lines: 1, units: 1 },
      ],
      byDisposition: [
        { disposition: "restock", units: 3 },
        { disposition: "rework", units: 2 },
        { disposition: "downgrade", units: 1 },
        { disposition: "scrap", units: 1 },
      ],
      byProduct: [
        {
          skuCode: p.code,
          productName: "报表商品甲",
          units: 6,
          received: 4,
          reasons: { quality: 3, wrong_item: 2, other: 1 },
        },
        { skuCode: q.code, productName: "报表商品乙", units: 5, received: 3, reasons: { damaged: 2, wrong_item: 3 } },
      ],
    });
    expect(await returnsReport(t.db, viewer([region]), {}, 1)).toMatchObject({ byProduct: [{ skuCode: p.code }] });

    const other = await returnsReport(t.db, viewer([otherRegion]), {});
    expect(other.byReason.filter((r) => r.lines > 0)).toEqual([{ reason: "quality", lines: 1, units: 5 }]);
    expect(other.byProduct).toEqual([
      { skuCode: p.code, productName: "报表商品甲", units: 5, received: 0, reasons: { quality: 5 } },
    ]);

    const none = await returnsReport(t.db, viewer([emptyRegion]), {});
    expect(none.byReason.map((r) => r.lines + r.units)).toEqual([0, 0, 0, 0]);
    expect(none.byDisposition.map((d) => d.units)).toEqual([0, 0, 0, 0]);
    expect(none.byProduct).toEqual([]);
    expect(await returnsReport(t.db, viewer([]), {})).toEqual(none);
    expect(await returnsReport(t.db, own(y), {})).toEqual(other);
  });

  it("reports a period: from inclusive, to exclusive", async () => {
    const mid = await returnsReport(t.db, viewer([region]), {
      from: "2026-11-15T02:00:00.000Z",
      to: "2026-11-22T02:00:00.000Z",
    });
    // b only: c and d fall in the period too but were rejected and cancelled.
    expect(mid.byReason.filter((r) => r.lines > 0)).toEqual([{ reason: "wrong_item", lines: 1, units: 2 }]);
    expect(mid.byDisposition.map((d) => d.units)).toEqual([0, 0, 0, 0]);
    expect(mid.byProduct).toEqual([
      { skuCode: p.code, productName: "报表商品甲", units: 2, received: 0, reasons: { wrong_item: 2 } },
    ]);
    const late = await returnsReport(t.db, viewer([region]), { from: "2026-11-22T02:00:00.000Z" });
    expect(late.byDisposition).toEqual([
      { disposition: "restock", units: 0 },
      { disposition: "rework", units: 2 },
      { disposition: "downgrade", units: 1 },
      { disposition: "scrap", units: 0 },
    ]);
    expect(late.byProduct.map((r) => [r.skuCode, r.units, r.received])).toEqual([
      [q.code, 3, 2],
      [p.code, 1, 1],
    ]);
  });

  const exported = async (scope: ReturnScope, query: Omit<ReturnListQuery, "before" | "limit">, pageSize: number) => {
    const rows = [];
    for await (const row of returnExportRows(t.db, scope, query, pageSize)) rows.push(row);
    return rows;
  };

  it("exports one row per return line, newest first, the same whatever the page size", async () => {
    const rows = await exported(viewer([region]), {}, 2);
    expect(
      rows.map((r) => [
        r.number,
        r.skuCode,
        r.status,
        r.reason,
        r.requested,
        r.approved,
        r.received,
        r.disposition,
        r.refundAmount,
      ]),
    ).toEqual([
      [n.e, p.code, "pending_refund_review", "other", 1, 1, 1, "downgrade", null],
      [n.e, q.code, "pending_refund_review", "wrong_item", 3, 2, 2, "rework", null],
      [n.d, q.code, "cancelled", "quality", 1, null, null, null, null],
      [n.c, q.code, "rejected", "other", 4, null, null, null, null],
      [n.b, p.code, "pending_return_review", "wrong_item", 2, null, null, null, null],
      [n.a, p.code, "completed", "quality", 3, 3, 3, "restock", 3000],
      [n.a, q.code, "completed", "damaged", 2, 2, 1, "scrap", 2000],
    ]);
    expect(rows[0]).toEqual({
      number: n.e,
      orderNumber: xOrder.number,
      customerCode: "NB001",
      customerName: "宁波海曙日化有限公司",
      status: "pending_refund_review",
      createdAt: "2026-11-22T02:00:00.000Z",
      skuCode: p.code,
      productName: "报表商品甲",
      reason: "other",
      note: "包装有异味",
      requested: 1,
      approved: 1,
      received: 1,
      disposition: "downgrade",
      unitPaid: 1000,
      refundAmount: null,
    });
    for (const size of [1, 3, 500])
      expect(await exported(viewer([region]), {}, size), `page size ${size}`).toEqual(rows);
    expect((await exported(viewer([otherRegion]), {}, 2)).map((r) => [r.number, r.customerCode])).toEqual([
      [n.y, "XA001"],
    ]);
    expect(await exported(viewer([emptyRegion]), {}, 2)).toEqual([]);
    expect(await exported(own(x), {}, 2)).toEqual(rows);
    expect((await exported(viewer([region]), { status: "completed" }, 1)).map((r) => r.skuCode)).toEqual([
      p.code,
      q.code,
    ]);
    expect(
      (await exported(viewer(null), { q: "海曙", from: "2026-11-20T00:00:00.000Z" }, 2)).map((r) => r.number),
    ).toEqual([n.e, n.e, n.d, n.c]);
  });

  it("filters the list by text (number, order, customer code or name) and by period", async () => {
    const numbers = async (scope: ReturnScope, query: Omit<ReturnListQuery, "limit">) =>
      (await listReturns(t.db, scope, { limit: 50, ...query })).items.map((r) => r.number);
    const all = [n.e, n.d, n.c, n.b, n.a];
    expect(await numbers(viewer([region]), {})).toEqual(all);
    expect(await numbers(viewer([region]), { q: n.b })).toEqual([n.b]);
    expect(await numbers(viewer([region]), { q: ` ${n.c.toLowerCase()} ` })).toEqual([n.c]);
    expect(await numbers(viewer([region]), { q: "TH20261120" })).toEqual([n.d, n.c]);
    expect(await numbers(viewer([region]), { q: xOrder.number })).toEqual(all);
    expect(await numbers(viewer(null), { q: "nb001" })).toEqual(all);
    expect(await numbers(viewer(null), { q: "海曙日化" })).toEqual(all);
    expect(await numbers(viewer(null), { q: "雁塔" })).toEqual([n.y]);
    expect(await numbers(viewer([region]), { q: "雁塔" })).toEqual([]);
    expect(await numbers(own(x), { q: yOrder.number })).toEqual([]);
    expect(await numbers(viewer(null), { q: "%" })).toEqual([]);
    expect(await numbers(viewer([region]), { q: "海曙", status: "rejected" })).toEqual([n.c]);

    // From is inclusive, to exclusive.
    expect(await numbers(viewer(null), { from: "2026-11-12T02:00:00.000Z", to: "2026-11-20T05:00:00.000Z" })).toEqual([
      n.c,
      n.b,
      n.y,
    ]);
    expect(await numbers(viewer([region]), { from: "2026-11-20T03:00:00.001Z" })).toEqual([n.e, n.d]);
    expect(await numbers(viewer([region]), { to: "2026-11-10T02:00:00.000Z" })).toEqual([]);
    expect(
      await numbers(viewer([region]), { q: "海曙", from: "2026-11-15T00:00:00.000Z", to: "2026-11-21T00:00:00.000Z" }),
    ).toEqual([n.d, n.c, n.b]);

    // Pages by keyset, newest first, within the filters.
    const first = await listReturns(t.db, viewer([region]), { limit: 2, q: "海曙" });
    expect([first.items.map((r) => r.number), first.nextCursor]).toEqual([[n.e, n.d], first.items[1]!.id]);
    const second = await listReturns(t.db, viewer([region]), { limit: 2, q: "海曙", before: first.nextCursor! });
    expect(second.items.map((r) => r.number)).toEqual([n.c, n.b]);
    const last = await listReturns(t.db, viewer([region]), { limit: 2, q: "海曙", before: second.nextCursor! });
    expect([last.items.map((r) => r.number), last.nextCursor]).toEqual([[n.a], null]);
  });
});
