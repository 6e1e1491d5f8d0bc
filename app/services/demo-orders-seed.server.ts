import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";
import { BUILTIN_ROLES } from "../domain/permissions";
import { type OrderActionInput, type OrderActor, performOrderAction } from "./order-pipeline.server";
import { submitOrder } from "./orders.server";

type Target =
  | "pending_order_review"
  | "pending_finance_review"
  | "pending_outbound_review"
  | "pending_shipment"
  | "pending_receipt"
  | "completed"
  | "sent_back"
  | "cancelled";

/** Per dealer: where its demo orders should wait, so every queue has work to show. */
const PLAN: Record<string, Target[]> = {
  C0001: ["completed", "completed", "pending_receipt", "pending_shipment", "pending_order_review"],
  C0002: ["pending_finance_review", "pending_outbound_review", "sent_back", "pending_order_review"],
  C0003: ["pending_order_review", "pending_order_review", "pending_finance_review", "completed", "cancelled"],
  C0004: ["pending_outbound_review", "pending_shipment"],
  C0005: ["pending_order_review", "pending_receipt", "pending_finance_review"],
};

type WithoutVersion<T> = T extends unknown ? Omit<T, "version"> : never;

const STEPS: Target[] = [
  "pending_order_review",
  "pending_finance_review",
  "pending_outbound_review",
  "pending_shipment",
  "pending_receipt",
  "completed",
];
const CARRIERS = ["顺丰速运", "德邦物流", "中通快递", "京东物流"];

/** Demo orders at every step of the pipeline, placed over the last two weeks. */
export async function seedDemoOrders(db: Kysely<DB>, now: Date): Promise<string[]> {
  if (await db.selectFrom("orders").select("id").limit(1).executeTakeFirst()) return [];
  // Well-stocked SKUs in both warehouses, so every demo order can be reserved and shipped.
  const skus = await db
    .selectFrom("skus as s")
    .innerJoin("stock as st", "st.sku_id", "s.id")
    .select(["s.code", "s.min_qty", "s.multiple"])
    .where("s.listed", "=", 1)
    .groupBy(["s.id", "s.code", "s.min_qty", "s.multiple"])
    .having((eb) => eb.fn.min("st.on_hand"), ">=", 100)
    .orderBy("s.id")
    .execute();
  if (!skus.length) return [];
  const customers = await db.selectFrom("customers").select(["id", "code", "account_id"]).execute();
  const accounts = await db.selectFrom("accounts").select(["id", "username"]).execute();
  const staff: OrderActor = {
    accountId: accounts.find((a) => a.username === "admin")?.id ?? null,
    name: "admin",
    kind: "staff",
    grant: { permissions: new Set(BUILTIN_ROLES.admin.permissions), regionIds: null },
  };
  let n = 0;
  for (const [code, targets] of Object.entries(PLAN)) {
    const customer = customers.find((c) => c.code === code);
    if (!customer) continue;
    const dealer = {
      accountId: customer.account_id,
      name: accounts.find((a) => a.id === customer.account_id)?.username ?? code,
    };
    for (const target of targets) {
      n++;
      const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3600_000);
      const placedAt = at(14 * 24 - n * 13);
      const lines = [0, 1, 2].slice(0, 1 + (n % 3)).map((i) => {
        const sku = skus[(n * 7 + i * 11) % skus.length]!;
        return { skuCode: sku.code, quantity: sku.min_qty * sku.multiple * (1 + ((n + i) % 3)) };
      });
      const placed = await submitOrder(
        db,
        { ...dealer, kind: "customer" },
        { customerId: customer.id, idempotencyKey: `demo-${n}`, lines },
        placedAt,
      );
      if (!placed.ok) throw new Error(`demo order for ${code} refused: ${JSON.stringify(placed)}`);
      const number = placed.order.number;
      const act = async (input: WithoutVersion<OrderActionInput>, actor: OrderActor = staff, hours = 1) => {
        const { version } = await db
          .selectFrom("orders")
          .select("version")
          .where("number", "=", number)
          .executeTakeFirstOrThrow();
        return performOrderAction(
          db,
          actor,
          number,
          { ...input, version } as OrderActionInput,
          new Date(placedAt.getTime() + hours * 3600_000),
        );
      };
      if (target === "sent_back") {
        await act({ type: "send_back", reason: "请确认规格和数量后重新提交" });
        continue;
      }
      if (target === "cancelled") {
        await act({ type: "void", reason: "客户电话要求取消" });
        continue;
      }
      const goal = STEPS.indexOf(target);
      for (let step = 1; step <= goal; step++) {
        const result =
          step === 5
            ? await act({ type: "confirm_receipt" }, { ...dealer, kind: "customer", customerId: customer.id }, 72)
            : await act(
                step === 4
                  ? {
                      type: "approve",
                      shipment: {
                        carrier: CARRIERS[n % CARRIERS.length]!,
                        trackingNo: `SF${String(7_000_000_000 + n * 104_729)}`,
                      },
                    }
                  : { type: "approve", payment: { method: "auto" } },
                staff,
                step * 3,
              );
        if (!result.ok) break; // e.g. a dealer without enough funds stays at finance review
      }
    }
  }
  return n ? [`${n} demo orders`] : [];
}
