import type { Kysely } from "kysely";
import sharp from "sharp";
import type { DB } from "../../db/schema";
import {
  createReturn,
  type Disposition,
  performReturnAction,
  RETURNABLE_ORDER_STATUSES,
  type ReturnActionInput,
  type ReturnActor,
  type ReturnReason,
  returnableLines,
} from "./returns.server";
import { loadStaffAccess } from "./sessions.server";

type Step =
  | { do: "approve"; by: "reviewer"; approve?: number[] }
  | { do: "ship_back"; by: "dealer"; carrier: string; trackingNo: string }
  | { do: "drop_off"; by: "dealer" }
  | { do: "receive"; by: "warehouse"; dispositions: Disposition[] }
  | { do: "refund"; by: "finance" }
  | { do: "reject"; by: "reviewer"; reason: string }
  | { do: "cancel"; by: "dealer" };

interface DemoReturn {
  /** The dealer, and which of its shipped demo orders (oldest first). */
  customer: string;
  order: number;
  /** Filed by the dealer, or by the business lead on its behalf (代客退货). */
  filedBy: "dealer" | "lead";
  hoursAgo: number;
  lines: Array<{ line: number; quantity: number; reason: ReturnReason; note?: string }>;
  note?: string;
  photos?: number;
  /** Each step a few hours after the one before. */
  steps: Array<[hoursLater: number, step: Step]>;
}

/**
 * Returns waiting at every step, plus one finished, one rejected and one cancelled — oldest first,
 * so numbers and ids follow the dates. 杭州顺达 (华东) files most of them, all on its oldest shipped
 * order: its later shipped orders stay whole for anyone trying a return. 广州粤丰 (华南) and
 * 北京京华 (华北) are outside the 华东 regional manager's view.
 */
const PLAN: DemoReturn[] = [
  {
    customer: "C0001",
    order: 0,
    filedBy: "dealer",
    hoursAgo: 70,
    lines: [
      { line: 0, quantity: 6, reason: "quality" },
      { line: 1, quantity: 2, reason: "damaged", note: "外箱压扁，两箱内瓶身破裂" },
    ],
    note: "到货抽检发现问题，申请退回",
    photos: 1,
    steps: [
      [2, { do: "approve", by: "reviewer" }],
      [20, { do: "ship_back", by: "dealer", carrier: "顺丰速运", trackingNo: "SF1402837715" }],
      [44, { do: "receive", by: "warehouse", dispositions: ["restock", "scrap"] }],
      [50, { do: "refund", by: "finance" }],
    ],
  },
  {
    customer: "C0003",
    order: 0,
    filedBy: "dealer",
    hoursAgo: 62,
    lines: [{ line: 0, quantity: 2, reason: "other", note: "门店调整陈列，此款不再上架" }],
    steps: [[3, { do: "reject", by: "reviewer", reason: "商品完好且已拆封上架，不属于可退货情形" }]],
  },
  {
    customer: "C0001",
    order: 0,
    filedBy: "dealer",
    hoursAgo: 56,
    lines: [{ line: 0, quantity: 4, reason: "wrong_item", note: "收到的是旧包装批次" }],
    steps: [
      [2, { do: "approve", by: "reviewer" }],
      [18, { do: "ship_back", by: "dealer", carrier: "德邦物流", trackingNo: "DPK301128845" }],
      [30, { do: "receive", by: "warehouse", dispositions: ["downgrade"] }],
    ],
  },
  {
    customer: "C0005",
    order: 0,
    filedBy: "lead",
    hoursAgo: 48,
    lines: [{ line: 0, quantity: 1, reason: "wrong_item", note: "规格发错，客户电话申请退回" }],
    steps: [
      [3, { do: "approve", by: "reviewer" }],
      [20, { do: "drop_off", by: "dealer" }],
    ],
  },
  {
    customer: "C0003",
    order: 0,
    filedBy: "dealer",
    hoursAgo: 30,
    lines: [{ line: 1, quantity: 10, reason: "damaged", note: "运输途中受潮，纸箱变形" }],
    note: "照片为到货时拍摄",
    photos: 2,
    steps: [[4, { do: "approve", by: "reviewer", approve: [8] }]],
  },
  {
    customer: "C0001",
    order: 0,
    filedBy: "dealer",
    hoursAgo: 20,
    lines: [{ line: 0, quantity: 2, reason: "quality" }],
    steps: [[1, { do: "cancel", by: "dealer" }]],
  },
  {
    customer: "C0001",
    order: 0,
    filedBy: "dealer",
    hoursAgo: 6,
    lines: [{ line: 0, quantity: 3, reason: "other", note: "促销结束，多订的部分申请退回" }],
    steps: [],
  },
  {
    customer: "C0003",
    order: 0,
    filedBy: "dealer",
    hoursAgo: 3,
    lines: [{ line: 0, quantity: 1, reason: "quality", note: "瓶盖密封不严，有渗漏" }],
    steps: [],
  },
];

/** A photo of a dented carton (shapes only, so it needs no fonts). */
async function cartonPng(seed: number): Promise<Uint8Array> {
  const tilt = (seed * 7) % 11;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"><rect width="640" height="480" fill="#e2e8f0"/><rect x="0" y="360" width="640" height="120" fill="#cbd5e1"/><g transform="rotate(${tilt - 5} 320 260)"><path d="M170 150 L470 150 L500 380 L140 380 Z" fill="#c8a26a" stroke="#8a6a3a" stroke-width="4"/><path d="M170 150 L250 105 L530 105 L470 150 Z" fill="#d9b57c" stroke="#8a6a3a" stroke-width="4"/><path d="M470 150 L530 105 L545 330 L500 380 Z" fill="#b08a55" stroke="#8a6a3a" stroke-width="4"/><path d="M300 150 L${330 + seed * 12} 230 L290 300 L340 380" fill="none" stroke="#5b4322" stroke-width="6"/><rect x="210" y="250" width="120" height="40" fill="#f8fafc" opacity="0.8"/></g></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

type WithoutVersion<T> = T extends unknown ? Omit<T, "version"> : never;

/** The action input of a planned step, given the return's lines as they stand. */
function inputFor(
  step: Step,
  lines: Array<{ id: number; requested_qty: number; approved_qty: number | null }>,
): WithoutVersion<ReturnActionInput> {
  switch (step.do) {
    case "approve":
      return { type: "approve", approvals: step.approve?.map((quantity, i) => ({ lineId: lines[i]!.id, quantity })) };
    case "ship_back":
      return { type: "ship_back", shipment: { carrier: step.carrier, trackingNo: step.trackingNo } };
    case "drop_off":
      return { type: "ship_back", shipment: { dropOff: true }, note: "客户自行送回仓库" };
    case "receive":
      return {
        type: "approve",
        receipts: lines.map((l, i) => ({
          lineId: l.id,
          quantity: l.approved_qty ?? l.requested_qty,
          disposition: step.dispositions[i] ?? "restock",
        })),
      };
    case "refund":
      return { type: "approve" };
    case "reject":
      return { type: "reject", reason: step.reason };
    case "cancel":
      return { type: "cancel" };
  }
}

/**
 * Demo returns (退货单) on the shipped demo orders, moved through the returns pipeline by the demo
 * staff with the real services, so counters, timelines, stock, refunds and the outbox agree.
 * Idempotent: does nothing once any return exists.
 */
export async function seedDemoReturns(db: Kysely<DB>, now: Date): Promise<string[]> {
  if (await db.selectFrom("returns").select("id").limit(1).executeTakeFirst()) return [];
  const orders = await db
    .selectFrom("orders as o")
    .innerJoin("customers as c", "c.id", "o.customer_id")
    .innerJoin("accounts as a", "a.id", "c.account_id")
    .select(["o.number", "c.id as customerId", "c.code", "a.id as accountId", "a.username", "a.display_name"])
    .where("o.idempotency_key", "like", "demo-%")
    .where("o.status", "in", [...RETURNABLE_ORDER_STATUSES])
    .orderBy("o.id")
    .execute();
  if (!orders.length) return [];
  const staffActor = async (username: string): Promise<ReturnActor | null> => {
    const account = await db
      .selectFrom("accounts")
      .select(["id", "username", "display_name", "region_limited"])
      .where("username", "=", username)
      .where("kind", "=", "staff")
      .executeTakeFirst();
    if (!account) return null;
    const { grant } = await loadStaffAccess(db, account.id, account.region_limited === 1);
    return { accountId: account.id, name: account.username, displayName: account.display_name, kind: "staff", grant };
  };
  const staff = {
    lead: await staffActor("lead"), // 李文静
    reviewer: await staffActor("reviewer"), // 张伟
    warehouse: await staffActor("warehouse"), // 刘强
    finance: await staffActor("finance"), // 陈晓红
  };
  const hours = (n: number) => new Date(now.getTime() - n * 3600_000);

  let made = 0;
  for (const [index, plan] of PLAN.entries()) {
    const order = orders.filter((o) => o.code === plan.customer)[plan.order];
    const filer = plan.filedBy === "lead" ? staff.lead : null;
    if (!order || (plan.filedBy === "lead" && !filer)) continue;
    const dealer: ReturnActor = {
      accountId: order.accountId,
      name: order.username,
      displayName: order.display_name,
      kind: "customer",
      customerId: order.customerId,
    };
    const returnable = await returnableLines(db, { kind: "customer", customerId: order.customerId }, order.number);
    const lines = plan.lines.flatMap(({ line, quantity, ...rest }) => {
      const at = returnable?.lines[line];
      return at && at.returnable > 0
        ? [{ orderLineId: at.orderLineId, quantity: Math.min(quantity, at.returnable), ...rest }]
        : [];
    });
    if (!lines.length) continue;
    const photos = await Promise.all(Array.from({ length: plan.photos ?? 0 }, (_, i) => cartonPng(index + i)));
    const createdAt = hours(plan.hoursAgo);
    const created = await createReturn(
      db,
      filer ?? dealer,
      { orderNumber: order.number, idempotencyKey: `demo-return-${index + 1}`, lines, note: plan.note, photos },
      createdAt,
    );
    if (!created.ok) throw new Error(`demo return for ${order.number} refused: ${JSON.stringify(created)}`);
    made++;
    const number = created.return.number;
    for (const [later, step] of plan.steps) {
      const actor = step.by === "dealer" ? dealer : staff[step.by];
      if (!actor) break;
      const current = await db
        .selectFrom("returns")
        .select(["id", "version"])
        .where("number", "=", number)
        .executeTakeFirstOrThrow();
      const saved = await db
        .selectFrom("return_lines")
        .select(["id", "requested_qty", "approved_qty"])
        .where("return_id", "=", current.id)
        .orderBy("position")
        .execute();
      const input = inputFor(step, saved);
      const result = await performReturnAction(
        db,
        actor,
        number,
        { ...input, version: current.version } as ReturnActionInput,
        new Date(createdAt.getTime() + later * 3600_000),
      );
      // E.g. a step switched off in this install's settings: the return stays where it got to.
      if (!result.ok) break;
    }
  }
  return made ? [`${made} demo returns`] : [];
}
