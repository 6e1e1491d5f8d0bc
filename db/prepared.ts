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
// mistakes of that kind throw at the first call.
//
// A parameter whose value is an array (an `in` list, the rows of a multi-row insert) is a list:
// the build sees an array of stand-ins of the call's length and may map over it, and the
// statement is built once per length (a 5-line order's statements, a 3-line order's), for up to
// `SHAPES` lengths; past those, a call builds its own and keeps nothing (as Kysely does). Lists
// must not be empty (`in ()` is no SQL). Other shapes that vary (optional filters) are separate
// prepared queries, or ordinary Kysely queries.
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
  constructor(
    readonly name: string,
    readonly index?: number,
  ) {}
  [Symbol.toPrimitive](): never {
    const which = this.index === undefined ? this.name : `${this.name}[${this.index}]`;
    throw new Error(`prepared query: parameter "${which}" was read while the statement was built`);
  }
  toJSON(): never {
    return this[Symbol.toPrimitive]();
  }
}

interface Recipe {
  sql: string;
  query: CompiledQuery["query"];
  /** For each compiled parameter: the call's value by name (and place, in a list), or a value fixed at build time. */
  slots: Array<{ name: string; index?: number } | { fixed: unknown }>;
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

/** Recipes kept per statement and dialect: list lengths beyond these are built on each call. */
const SHAPES = 32;

export function prepared<D, P extends Record<string, unknown>, O>(
  build: (db: Kysely<D>, params: P) => Compilable<O>,
): Prepared<D, P, O> {
  // One recipe per dialect and list lengths: a transaction shares its database's adapter, so both find it here.
  const recipes = new WeakMap<object, Map<string, Recipe>>();
  const recipeFor = (db: Kysely<D>, params: P): Recipe => {
    const adapter = db.getExecutor().adapter;
    let byShape = recipes.get(adapter);
    if (!byShape) {
      byShape = new Map();
      recipes.set(adapter, byShape);
    }
    let shape = "";
    for (const name in params) {
      const value = params[name];
      if (!Array.isArray(value)) continue;
      if (!value.length) throw new Error(`prepared query: list parameter "${name}" is empty`);
      shape += `${name}#${value.length};`;
    }
    let recipe = byShape.get(shape);
    if (recipe) return recipe;
    const named = new Set<string>();
    const lists = new Map<string, Parameter[]>();
    const standIns = new Proxy({} as P, {
      get(_target, name) {
        if (typeof name !== "string") return undefined;
        named.add(name);
        const value = params[name];
        if (!Array.isArray(value)) return new Parameter(name);
        let list = lists.get(name);
        if (!list) {
          list = value.map((_, index) => new Parameter(name, index));
          lists.set(name, list);
        }
        return list;
      },
    });
    const compiled = build(db, standIns).compile();
    const slots = compiled.parameters.map((value) =>
      value instanceof Parameter ? { name: value.name, index: value.index } : { fixed: value },
    );
    for (const name of named) {
      if (!slots.some((slot) => "name" in slot && slot.name === name))
        throw new Error(`prepared query: parameter "${name}" did not become a parameter of the statement`);
    }
    recipe = { sql: compiled.sql, query: compiled.query, slots };
    if (byShape.size < SHAPES) byShape.set(shape, recipe);
    return recipe;
  };
  const run = (db: Kysely<D>, params: P): Promise<QueryResult<O>> => {
    const recipe = recipeFor(db, params);
    const parameters = recipe.slots.map((slot) => {
      if ("fixed" in slot) return slot.fixed;
      const value = slot.index === undefined ? params[slot.name] : (params[slot.name] as unknown[])[slot.index];
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
      if (row === undefined) throw new NoResultError(recipeFor(db, params).query as QueryNode);
      return row;
    },
    async executeWrite(db, params) {
      return { numAffectedRows: (await run(db, params)).numAffectedRows ?? 0n };
    },
  };
}

/**
 * Prepared queries for a statement whose shape varies with a few options known before the
 * values (which optional filters a list was asked for, which search a text needs): one
 * `prepared` per shape, made on its first use. `build(shape)` may branch on the shape — it is
 * known when the statement is built — and, as with `prepared`, never on the parameters. The
 * shapes are the options' combinations, a set fixed by the code; the first `SHAPE_LIMIT` used
 * are kept, and past them a shape is built for its call and not kept (a list with many filters
 * has thousands of combinations, of which a deployment uses a few).
 */
export function preparedShapes<S, D, P extends Record<string, unknown>, O>(
  keyOf: (shape: S) => string,
  build: (shape: S) => (db: Kysely<D>, params: P) => Compilable<O>,
): (shape: S) => Prepared<D, P, O> {
  const byShape = new Map<string, Prepared<D, P, O>>();
  return (shape) => {
    const key = keyOf(shape);
    let statement = byShape.get(key);
    if (!statement) {
      statement = prepared(build(shape));
      if (byShape.size < SHAPE_LIMIT) byShape.set(key, statement);
    }
    return statement;
  };
}

const SHAPE_LIMIT = 256;
