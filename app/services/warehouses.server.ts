import { type Kysely, sql } from "kysely";
import { isUniqueViolation } from "../../db/errors";
import { forUpdate } from "../../db/locking";
import type { DB } from "../../db/schema";
import { recordAudit } from "./audit.server";
import type { FieldErrors } from "./customers.server";
import { assertPermission, type StaffActor } from "./staff-actor.server";

export interface WarehouseItem {
  id: number;
  code: string;
  name: string;
  address: string;
  active: boolean;
  /** Units on hand and reserved over all SKUs. */
  onHand: number;
  reserved: number;
  createdAt: string;
}

/** Every warehouse, active first, with its stock totals. Warehouses are few: no paging. */
export async function listWarehouses(db: Kysely<DB>): Promise<WarehouseItem[]> {
  const rows = await db
    .selectFrom("warehouses as w")
    .leftJoin("stock as st", "st.warehouse_id", "w.id")
    .select([
      "w.id",
      "w.code",
      "w.name",
      "w.address",
      "w.active",
      "w.created_at as createdAt",
      sql<number>`coalesce(sum(st.on_hand), 0)`.as("onHand"),
      sql<number>`coalesce(sum(st.reserved), 0)`.as("reserved"),
    ])
    .groupBy(["w.id", "w.code", "w.name", "w.address", "w.active", "w.created_at"])
    .orderBy("w.active", "desc")
    .orderBy("w.code")
    .execute();
  return rows.map((r) => ({ ...r, active: r.active === 1, onHand: Number(r.onHand), reserved: Number(r.reserved) }));
}

export interface WarehouseInput {
  code: string;
  name: string;
  address: string;
}

export type WarehouseResult =
  | { ok: true; id: number }
  | { ok: false; error: "not_found" | "has_reservations" }
  | { ok: false; fieldErrors: FieldErrors };

export async function createWarehouse(
  db: Kysely<DB>,
  actor: StaffActor,
  input: WarehouseInput,
  now: Date,
): Promise<WarehouseResult> {
  assertPermission(actor, "stock.manage");
  const code = input.code.trim();
  try {
    return await db.transaction().execute(async (trx): Promise<WarehouseResult> => {
      const taken = await trx.selectFrom("warehouses").select("id").where("code", "=", code).executeTakeFirst();
      if (taken) return { ok: false, fieldErrors: { code: "validation.duplicate" } };
      const { id } = await trx
        .insertInto("warehouses")
        .values({ code, name: input.name, address: input.address, created_at: now.toISOString() })
        .returning("id")
        .executeTakeFirstOrThrow();
      await recordAudit(
        trx,
        actor,
        { action: "warehouse.create", objectType: "warehouse", objectId: id, after: { ...input, code } },
        now,
      );
      return { ok: true, id };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, fieldErrors: { code: "validation.duplicate" } };
    throw error;
  }
}

/** Renames or re-addresses a warehouse; its code, which documents refer to, stays. */
export async function updateWarehouse(
  db: Kysely<DB>,
  actor: StaffActor,
  id: number,
  input: Omit<WarehouseInput, "code">,
  now: Date,
): Promise<WarehouseResult> {
  assertPermission(actor, "stock.manage");
  return db.transaction().execute(async (trx): Promise<WarehouseResult> => {
    const before = await forUpdate(
      trx,
      trx.selectFrom("warehouses").select(["name", "address"]).where("id", "=", id),
    ).executeTakeFirst();
    if (!before) return { ok: false, error: "not_found" };
    await trx
      .updateTable("warehouses")
      .set({ name: input.name, address: input.address })
      .where("id", "=", id)
      .execute();
    await recordAudit(
      trx,
      actor,
      { action: "warehouse.update", objectType: "warehouse", objectId: id, before, after: input },
      now,
    );
    return { ok: true, id };
  });
}

/**
 * Deactivates or reactivates a warehouse. An inactive one no longer counts towards what
 * customers can order; it cannot be deactivated while orders hold reservations in it.
 */
export async function setWarehouseActive(
  db: Kysely<DB>,
  actor: StaffActor,
  id: number,
  active: boolean,
  now: Date,
): Promise<WarehouseResult> {
  assertPermission(actor, "stock.manage");
  return db.transaction().execute(async (trx): Promise<WarehouseResult> => {
    const before = await forUpdate(
      trx,
      trx.selectFrom("warehouses").select("active").where("id", "=", id),
    ).executeTakeFirst();
    if (!before) return { ok: false, error: "not_found" };
    if (!active) {
      const held = await trx
        .selectFrom("stock")
        .select("sku_id")
        .where("warehouse_id", "=", id)
        .where("reserved", ">", 0)
        .executeTakeFirst();
      if (held) return { ok: false, error: "has_reservations" };
    }
    await trx
      .updateTable("warehouses")
      .set({ active: active ? 1 : 0 })
      .where("id", "=", id)
      .execute();
    await recordAudit(
      trx,
      actor,
      {
        action: active ? "warehouse.activate" : "warehouse.deactivate",
        objectType: "warehouse",
        objectId: id,
        before: { active: before.active === 1 },
        after: { active },
      },
      now,
    );
    return { ok: true, id };
  });
}
