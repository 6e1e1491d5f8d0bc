import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifySqlitePragmas } from "../../db/client";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
beforeAll(async () => {
  if (testDbKind() === "sqlite") t = await createTestDatabase("sqlite");
});
afterAll(() => t?.destroy());

describe.runIf(testDbKind() === "sqlite")("SQLite write locking", () => {
  it("takes the write lock when a transaction begins, before its first write", async () => {
    // A second connection, as another process would have, that refuses to wait for locks.
    const other = new Database(t.name);
    other.pragma("busy_timeout = 0");
    let otherCouldWrite: boolean | undefined;
    await t.db.transaction().execute(async (trx) => {
      await trx.selectFrom("regions").select("id").execute(); // reads only, so far
      try {
        other.exec("begin immediate");
        other.exec("rollback");
        otherCouldWrite = true;
      } catch (error) {
        expect(String(error)).toMatch(/SQLITE_BUSY|database is locked/);
        otherCouldWrite = false;
      }
    });
    other.close();
    expect(otherCouldWrite).toBe(false);
  });

  it("refuses to start on a database whose safety settings do not hold", () => {
    const loose = new Database(":memory:");
    loose.pragma("synchronous = NORMAL");
    expect(() => verifySqlitePragmas(loose, true)).toThrow(/synchronous=1/);
    loose.close();
  });
});
