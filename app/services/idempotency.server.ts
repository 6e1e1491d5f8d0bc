import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import { prepared } from "../../db/prepared";
import type { DB } from "../../db/schema";

/**
 * Idempotent submissions (orders, returns): the client's key plus a hash of what it sent. A
 * replay with the same body gets the first result; the same key with another body is refused.
 */
export const hashRequest = (canonical: unknown): string =>
  createHash("sha256").update(JSON.stringify(canonical)).digest("hex");

const byKey = (table: "orders" | "returns") =>
  prepared((db: Kysely<DB>, p: { customerId: number; key: string }) =>
    db
      .selectFrom(table)
      .select(["id", "number", "status", "request_hash"])
      .where("customer_id", "=", p.customerId)
      .where("idempotency_key", "=", p.key),
  );
const BY_KEY = { orders: byKey("orders"), returns: byKey("returns") };

/** The document a customer already submitted under this key, if any. */
export async function findByIdempotencyKey(
  db: Kysely<DB>,
  table: "orders" | "returns",
  customerId: number,
  key: string,
) {
  return BY_KEY[table].executeTakeFirst(db, { customerId, key });
}
