import type { Kysely } from "kysely";
import { prepared } from "../../db/prepared";
import type { DB } from "../../db/schema";

const advance = prepared((db: Kysely<DB>, p: { key: string }) =>
  db
    .insertInto("number_sequences")
    .values({ key: p.key, last: 1 })
    .onConflict((oc) => oc.column("key").doUpdateSet((eb) => ({ last: eb("number_sequences.last", "+", 1) })))
    .returning("last"),
);

/** The next number of a document sequence (one per prefix and day), in the caller's transaction. */
export async function nextInSequence(trx: Kysely<DB>, key: string): Promise<number> {
  return (await advance.executeTakeFirstOrThrow(trx, { key })).last;
}
