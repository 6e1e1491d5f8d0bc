import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";
import { hashRequest } from "../services/idempotency.server";
import { ApiProblem } from "./problem";

/**
 * Idempotency for API calls whose service has no document to carry the key (payments): the key
 * is claimed in `api_idempotency` before the work and the answer stored after it. A replay with
 * the same body gets the stored answer; another body under the same key is refused; a claim
 * whose work has not finished (or died half-way) answers 409 rather than doing the work twice.
 */
export async function withIdempotency(
  db: Kysely<DB>,
  scope: string,
  key: string,
  body: unknown,
  now: Date,
  work: () => Promise<{ status: number; body: unknown }>,
): Promise<{ status: number; body: unknown; replayed: boolean }> {
  const hash = hashRequest(body);
  const earlier = () =>
    db.selectFrom("api_idempotency").selectAll().where("scope", "=", scope).where("key", "=", key).executeTakeFirst();
  const answer = (row: NonNullable<Awaited<ReturnType<typeof earlier>>>) => {
    if (row.request_hash !== hash)
      throw new ApiProblem(409, "idempotency_key_reused", "This idempotency key was used with another request body.");
    if (row.status === null || row.response_json === null)
      throw new ApiProblem(409, "request_in_progress", "A request with this idempotency key is still being handled.");
    return { status: 200, body: JSON.parse(row.response_json) as unknown, replayed: true };
  };
  const found = await earlier();
  if (found) return answer(found);
  const claimed = await db
    .insertInto("api_idempotency")
    .values({ scope, key, request_hash: hash, status: null, response_json: null, created_at: now.toISOString() })
    .onConflict((oc) => oc.columns(["scope", "key"]).doNothing())
    .executeTakeFirst();
  if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0) {
    const raced = await earlier();
    if (raced) return answer(raced);
  }
  let result: { status: number; body: unknown };
  try {
    result = await work();
  } catch (error) {
    // Nothing was done: the key is free for a corrected retry.
    await db.deleteFrom("api_idempotency").where("scope", "=", scope).where("key", "=", key).execute();
    throw error;
  }
  await db
    .updateTable("api_idempotency")
    .set({ status: result.status, response_json: JSON.stringify(result.body) })
    .where("scope", "=", scope)
    .where("key", "=", key)
    .execute();
  return { ...result, replayed: false };
}
