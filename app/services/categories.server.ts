import type { Kysely } from "kysely";
import { forUpdate } from "../../db/locking";
import type { DB } from "../../db/schema";
import { canMoveCategory, moveAmongSiblings } from "../domain/category-tree";
import { can, type StaffGrant } from "../domain/permissions";
import { recordAudit } from "./audit.server";
import { assertPermission, type StaffActor } from "./staff-actor.server";

/** A category as the console shows it: in tree order, with its depth and what hangs under it. */
export interface CategoryRow {
  id: number;
  name: string;
  parentId: number | null;
  position: number;
  depth: number;
  /** Names from the top level down to this one. */
  path: string[];
  productCount: number;
  childCount: number;
}

/** Every category in tree order (parents before their children, siblings by position). */
export async function listCategories(db: Kysely<DB>, grant: StaffGrant): Promise<CategoryRow[]> {
  // Whoever may create or edit products must be able to pick their category.
  if (!can(grant, "product.manage")) assertPermission({ grant }, "product.view");
  const rows = await db
    .selectFrom("categories as c")
    .select([
      "c.id",
      "c.name",
      "c.parent_id",
      "c.position",
      (eb) =>
        eb
          .selectFrom("products as p")
          .select(eb.fn.countAll<number>().as("n"))
          .whereRef("p.category_id", "=", "c.id")
          .as("productCount"),
    ])
    .orderBy("c.position")
    .orderBy("c.id")
    .execute();
  const children = new Map<number | null, typeof rows>();
  for (const r of rows) {
    const list = children.get(r.parent_id) ?? [];
    list.push(r);
    children.set(r.parent_id, list);
  }
  const out: CategoryRow[] = [];
  const walk = (parentId: number | null, depth: number, path: string[]) => {
    for (const r of children.get(parentId) ?? []) {
      const here = [...path, r.name];
      out.push({
        id: r.id,
        name: r.name,
        parentId: r.parent_id,
        position: r.position,
        depth,
        path: here,
        productCount: Number(r.productCount),
        childCount: children.get(r.id)?.length ?? 0,
      });
      walk(r.id, depth + 1, here);
    }
  };
  walk(null, 0, []);
  return out;
}

export type CategoryError = "not_found" | "parent_not_found" | "name_taken" | "cycle" | "has_children" | "has_products";

export type CategoryResult<T = object> = ({ ok: true } & T) | { ok: false; error: CategoryError; count?: number };

async function parentMap(db: Kysely<DB>): Promise<Map<number, number | null>> {
  const rows = await db.selectFrom("categories").select(["id", "parent_id"]).execute();
  return new Map(rows.map((r) => [r.id, r.parent_id]));
}

/** Sibling names are unique, compared without case or surrounding spaces. */
async function siblingNameTaken(
  db: Kysely<DB>,
  parentId: number | null,
  name: string,
  exceptId: number | null,
): Promise<boolean> {
  let qb = db
    .selectFrom("categories")
    .select("id")
    .where((eb) => eb(eb.fn("lower", ["name"]), "=", name.trim().toLowerCase()));
  qb = parentId === null ? qb.where("parent_id", "is", null) : qb.where("parent_id", "=", parentId);
  if (exceptId !== null) qb = qb.where("id", "<>", exceptId);
  return Boolean(await qb.executeTakeFirst());
}

async function nextPosition(db: Kysely<DB>, parentId: number | null): Promise<number> {
  let qb = db.selectFrom("categories").select((eb) => eb.fn.max<number>("position").as("max"));
  qb = parentId === null ? qb.where("parent_id", "is", null) : qb.where("parent_id", "=", parentId);
  const row = await qb.executeTakeFirst();
  return row?.max == null ? 0 : Number(row.max) + 1;
}

async function parentExists(db: Kysely<DB>, parentId: number | null): Promise<boolean> {
  if (parentId === null) return true;
  return Boolean(await db.selectFrom("categories").select("id").where("id", "=", parentId).executeTakeFirst());
}

export async function createCategory(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { name: string; parentId: number | null },
  now: Date,
): Promise<CategoryResult<{ id: number }>> {
  assertPermission(actor, "product.manage");
  const name = input.name.trim();
  return db.transaction().execute(async (trx) => {
    if (!(await parentExists(trx, input.parentId))) return { ok: false, error: "parent_not_found" };
    if (await siblingNameTaken(trx, input.parentId, name, null)) return { ok: false, error: "name_taken" };
    const { id } = await trx
      .insertInto("categories")
      .values({
        name,
        parent_id: input.parentId,
        position: await nextPosition(trx, input.parentId),
        created_at: now.toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      actor,
      { action: "category.create", objectType: "category", objectId: id, after: { name, parentId: input.parentId } },
      now,
    );
    return { ok: true, id };
  });
}

async function lockCategory(db: Kysely<DB>, id: number) {
  return forUpdate(
    db,
    db.selectFrom("categories").select(["id", "name", "parent_id", "position"]).where("id", "=", id),
  ).executeTakeFirst();
}

export async function renameCategory(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { id: number; name: string },
  now: Date,
): Promise<CategoryResult> {
  assertPermission(actor, "product.manage");
  const name = input.name.trim();
  return db.transaction().execute(async (trx) => {
    const before = await lockCategory(trx, input.id);
    if (!before) return { ok: false, error: "not_found" };
    if (before.name === name) return { ok: true };
    if (await siblingNameTaken(trx, before.parent_id, name, before.id)) return { ok: false, error: "name_taken" };
    await trx.updateTable("categories").set({ name }).where("id", "=", input.id).execute();
    await recordAudit(
      trx,
      actor,
      {
        action: "category.rename",
        objectType: "category",
        objectId: input.id,
        before: { name: before.name },
        after: { name },
      },
      now,
    );
    return { ok: true };
  });
}

/** Puts a category (with everything under it) under another parent, last among its new siblings. */
export async function moveCategory(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { id: number; parentId: number | null },
  now: Date,
): Promise<CategoryResult> {
  assertPermission(actor, "product.manage");
  return db.transaction().execute(async (trx) => {
    const before = await lockCategory(trx, input.id);
    if (!before) return { ok: false, error: "not_found" };
    if (before.parent_id === input.parentId) return { ok: true };
    if (!(await parentExists(trx, input.parentId))) return { ok: false, error: "parent_not_found" };
    if (!canMoveCategory(await parentMap(trx), input.id, input.parentId)) return { ok: false, error: "cycle" };
    if (await siblingNameTaken(trx, input.parentId, before.name, before.id)) return { ok: false, error: "name_taken" };
    const position = await nextPosition(trx, input.parentId);
    await trx
      .updateTable("categories")
      .set({ parent_id: input.parentId, position })
      .where("id", "=", input.id)
      .execute();
    await recordAudit(
      trx,
      actor,
      {
        action: "category.move",
        objectType: "category",
        objectId: input.id,
        before: { parentId: before.parent_id, position: before.position },
        after: { parentId: input.parentId, position },
      },
      now,
    );
    return { ok: true };
  });
}

/** Moves a category one place up or down among its siblings; positions are renumbered 0, 1, 2… */
export async function reorderCategory(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { id: number; direction: "up" | "down" },
  now: Date,
): Promise<CategoryResult> {
  assertPermission(actor, "product.manage");
  return db.transaction().execute(async (trx) => {
    const category = await lockCategory(trx, input.id);
    if (!category) return { ok: false, error: "not_found" };
    let siblingsQuery = trx.selectFrom("categories").select(["id", "position"]).orderBy("position").orderBy("id");
    siblingsQuery =
      category.parent_id === null
        ? siblingsQuery.where("parent_id", "is", null)
        : siblingsQuery.where("parent_id", "=", category.parent_id);
    const siblings = await forUpdate(trx, siblingsQuery).execute();
    const before = siblings.map((s) => s.id);
    const after = moveAmongSiblings(before, input.id, input.direction);
    if (after.every((id, i) => id === before[i])) return { ok: true };
    for (const [position, id] of after.entries()) {
      if (siblings.find((s) => s.id === id)!.position !== position) {
        await trx.updateTable("categories").set({ position }).where("id", "=", id).execute();
      }
    }
    await recordAudit(
      trx,
      actor,
      {
        action: "category.reorder",
        objectType: "category",
        objectId: input.id,
        before: { order: before },
        after: { order: after },
      },
      now,
    );
    return { ok: true };
  });
}

const isForeignKeyViolation = (error: unknown) =>
  /FOREIGN KEY constraint failed|violates foreign key constraint/.test(String((error as Error)?.message));

/** Deletes an empty category; one that still holds products or sub-categories is refused with the count. */
export async function deleteCategory(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { id: number },
  now: Date,
): Promise<CategoryResult> {
  assertPermission(actor, "product.manage");
  try {
    return await db.transaction().execute(async (trx): Promise<CategoryResult> => {
      const category = await lockCategory(trx, input.id);
      if (!category) return { ok: false, error: "not_found" };
      const children = await trx
        .selectFrom("categories")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("parent_id", "=", input.id)
        .executeTakeFirstOrThrow();
      if (Number(children.n) > 0) return { ok: false, error: "has_children", count: Number(children.n) };
      const products = await trx
        .selectFrom("products")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("category_id", "=", input.id)
        .executeTakeFirstOrThrow();
      if (Number(products.n) > 0) return { ok: false, error: "has_products", count: Number(products.n) };
      await trx.deleteFrom("categories").where("id", "=", input.id).execute();
      await recordAudit(
        trx,
        actor,
        {
          action: "category.delete",
          objectType: "category",
          objectId: input.id,
          before: { name: category.name, parentId: category.parent_id },
        },
        now,
      );
      return { ok: true };
    });
  } catch (error) {
    // A product or sub-category added by someone else between our check and the delete.
    if (isForeignKeyViolation(error)) return { ok: false, error: "has_products" };
    throw error;
  }
}
