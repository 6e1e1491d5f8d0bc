// The money invariants of DOMAIN.md §7.3, checked against the database itself. Call
// `expectFundsInvariants(db)` in afterEach/afterAll of any test that moves money.
import type { Kysely } from "kysely";
import { expect } from "vitest";
import { type FundsViolation, findFundsViolations } from "../../app/services/db-check.server";
import type { DB } from "../../db/schema";

export { type FundsViolation, findFundsViolations };

/** Fails the test with every violation listed. */
export async function expectFundsInvariants(db: Kysely<DB>): Promise<void> {
  expect(await findFundsViolations(db), "money invariants (DOMAIN.md §7.3)").toEqual([]);
}
