import SQLite from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { withStatementCache } from "../../db/client";

describe("the SQLite statement cache", () => {
  it("compiles a SQL text once, keeps the most recently used, and evicts the oldest past its limit", () => {
    const sqlite = new SQLite(":memory:");
    let compiled = 0;
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((text: string) => {
      compiled++;
      return prepare(text);
    }) as typeof sqlite.prepare;
    const db = withStatementCache(sqlite, 2);
    db.prepare("create table t (n integer)").run([]);
    db.prepare("insert into t values (?)").run([1]);
    db.prepare("insert into t values (?)").run([2]);
    expect(compiled).toBe(2); // the insert once
    expect(db.prepare("select sum(n) as s from t").all([])).toEqual([{ s: 3 }]); // evicts "create table"
    db.prepare("insert into t values (?)").run([3]); // still kept
    expect(compiled).toBe(3);
    db.prepare("create table u (n integer)").run([]); // evicts the select, the least recently used
    db.prepare("select sum(n) as s from t").all([]);
    expect(compiled).toBe(5);
    expect(db.prepare("select sum(n) as s from t").all([])).toEqual([{ s: 6 }]);
    db.close();
    expect(sqlite.open).toBe(false);
  });
});
