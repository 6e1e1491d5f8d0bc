// Prepared queries: built and compiled once per dialect, then run with each call's values.
//
// Kysely builds a query as a tree of frozen nodes and compiles the tree to SQL on every call:
// 5–30 µs a statement, ~⅐ of an order submission's CPU and more of an approval's (issue 9's
// profiles). A statement whose shape never changes — the same columns, joins and conditions
// whatever the values — needs that work once. `prepared` builds it with a stand-in for each
// named parameter, compiles it, notes which of the compiled parameters are stand-ins, and from
// then on only puts each call's values in their places.
//
// The rule for a build function: it may place `params.x` wherever Kysely takes a value, and must
// not look at it (no `if`, `?:`, `+`, template string, array of it): it is built once, before
// any call's values exist. A stand-in refuses to become a string, number or JSON, so most
// mistakes of that kind throw at the first call. Shapes that vary (optional filters, `in` lists
// of any length) stay ordinary Kysely queries.
import {
  type Compilable,
  type CompiledQuery,
  createQueryId,
  type Kysely,
  NoResultError,
  type QueryNode,
  type QueryResult,
} from "kysely";

/** The stand-in for a named parameter while the statement is built. */
class Parameter {
  constructor(readonly name: string) {}
  [Symbol.toPrimitive](): never {
    throw new Error(`prepared query: parameter "${this.name}" was read while the statement was built`);
  }
  toJSON(): never {
    return this[Symbol.toPrimitive]();
  }
}

interface Recipe {
  sql: string;
  query: CompiledQuery["query"];
  /** For each compiled parameter: the name of the call's value, or a value fixed at build time. */
  slots: Array<{ name: string } | { fixed: unknown }>;
}

export interface Prepared<D, P, O> {
  /** The rows. */
  execute(db: Kysely<D>, params: P): Promise<O[]>;
  /** The first row, if any. */
  executeTakeFirst(db: Kysely<D>, params: P): Promise<O | undefined>;
  /** The first row; none is an error (an insert's or upsert's `returning`). */
  executeTakeFirstOrThrow(db: Kysely<D>, params: P): Promise<O>;
  /** Rows written (inserts, updates and deletes without `returning`). */
  executeWrite(db: Kysely<D>, params: P): Promise<{ numAffectedRows: bigint }>;
}

export function prepared<D, P extends Record<string, unknown>, O>(
  build: (db: Kysely<D>, params: P) => Compilable<O>,
): Prepared<D, P, O> {
  // One recipe per dialect: a transaction shares its database's adapter, so both find it here.
  const recipes = new WeakMap<object, Recipe>();
  const recipeFor = (db: Kysely<D>): Recipe => {
    const adapter = db.getExecutor().adapter;
    let recipe = recipes.get(adapter);
    if (recipe) return recipe;
    const named = new Set<string>();
    const standIns = new Proxy({} as P, {
      get(_target, name) {
        if (typeof name !== "string") return undefined;
        named.add(name);
        return new Parameter(name);
      },
    });
    const compiled = build(db, standIns).compile();
    const slots = compiled.parameters.map((value) =>
      value instanceof Parameter ? { name: value.name } : { fixed: value },
    );
    for (const name of named) {
      if (!slots.some((slot) => "name" in slot && slot.name === name))
        throw new Error(`prepared query: parameter "${name}" did not become a parameter of the statement`);
    }
    recipe = { sql: compiled.sql, query: compiled.query, slots };
    recipes.set(adapter, recipe);
    return recipe;
  };
  const run = (db: Kysely<D>, params: P): Promise<QueryResult<O>> => {
    const recipe = recipeFor(db);
    const parameters = recipe.slots.map((slot) => {
      if ("fixed" in slot) return slot.fixed;
      const value = params[slot.name];
      if (value === undefined) throw new Error(`prepared query: no value for parameter "${slot.name}"`);
      return value;
    });
    const query: CompiledQuery<O> = { sql: recipe.sql, parameters, query: recipe.query, queryId: createQueryId() };
    return db.executeQuery(query);
  };
  return {
    async execute(db, params) {
      return (await run(db, params)).rows;
    },
    async executeTakeFirst(db, params) {
      return (await run(db, params)).rows[0];
    },
    async executeTakeFirstOrThrow(db, params) {
      const [row] = (await run(db, params)).rows;
      // A statement built by a query builder: its root is a query node.
      if (row === undefined) throw new NoResultError(recipeFor(db).query as QueryNode);
      return row;
    },
    async executeWrite(db, params) {
      return { numAffectedRows: (await run(db, params)).numAffectedRows ?? 0n };
    },
  };
}
