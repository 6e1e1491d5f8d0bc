import SQLite from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { StatementCache } from "../../db/sqlite-driver";

describe("the SQLite statement cache", () => {
  it("compiles a SQL text once, keeps the most recently used, and evicts the oldest past its limit", () => {
    const sqlite = new SQLite(":memory:");
    let compiled = 0;
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((text: string) => {
      compiled++;
      return prepare(text);
    }) as typeof sqlite.prepare;
    const cache = new StatementCache(sqlite, 2);
    cache.get("create table t (n integer)").run([]);
    cache.get("insert into t values (?)").run([1]);
    cache.get("insert into t values (?)").run([2]);
    expect(compiled).toBe(2); // the insert once
    expect(cache.get("select sum(n) as s from t").all([])).toEqual([{ s: 3 }]); // evicts "create table"
    cache.get("insert into t values (?)").run([3]); // still kept
    expect(compiled).toBe(3);
    cache.get("create table u (n integer)").run([]); // evicts the select, the least recently used
    cache.get("select sum(n) as s from t").all([]);
    expect(compiled).toBe(5);
    expect(cache.get("select sum(n) as s from t").all([])).toEqual([{ s: 6 }]);
    cache.clear();
    sqlite.close();
  });
});
