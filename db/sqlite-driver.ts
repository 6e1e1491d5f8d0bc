// The SQLite driver: one writer connection with group commit, and a reader connection beside it.
//
// Kysely's own SQLite driver puts every query, read or write, behind one mutex on one connection
// and commits each transaction on its own. With `synchronous=FULL` every commit is an fsync, so
// writes were bounded by the disk's flush rate and every read waited for the write in progress.
//
// Here:
// - Reads outside a transaction run on a second connection. In WAL mode it sees the last
//   committed state and never waits for the writer, nor the writer for it.
// - Transactions run one at a time on the writer, each inside a savepoint of a shared outer
//   transaction (BEGIN IMMEDIATE: the write lock is held from the start). A transaction that
//   fails rolls back to its savepoint only. When it finishes, the next waiting transaction
//   joins the same outer transaction; when none is waiting (or the group is full), the group
//   commits with one fsync and only then is each member's commit reported to its caller.
//   Nothing is reported committed before it is durable, and if the commit fails, every member
//   of the group is told so.
// - A write outside a transaction is one statement on the writer; it joins an open group the
//   same way and returns once the group is durable.
// - Streams (exports) read on a connection of their own, opened for the stream and closed after
//   it, so a long export holds up neither reads nor writes.
//
// Transactions still run strictly one after another on one connection: what each one reads is
// exactly what the ones before it wrote, as with separate commits. Only the fsync is shared.
import type SQLite from "better-sqlite3";
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SelectQueryNode,
  SqliteDialect,
} from "kysely";
import { RELAXED_DURABILITY_MARK } from "./durability";

export interface GroupCommitOptions {
  /** Commit once a group has this many members, even if more are waiting. */
  maxMembers?: number;
  /** Commit once a group has been open this long (ms), even if more are waiting. */
  maxOpenMs?: number;
}

interface Member {
  resolve(): void;
  reject(error: unknown): void;
}

interface Group {
  members: Member[];
  openedAt: number;
}

/** A first-come, first-served lock: whoever releases it hands it straight to the next waiter. */
class FifoLock {
  held = false;
  private waiters: Array<() => void> = [];
  get waiting(): number {
    return this.waiters.length;
  }
  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}

/** A cache of prepared statements per connection (better-sqlite3 compiles on every prepare). */
export class StatementCache {
  private statements = new Map<string, SQLite.Statement>();
  constructor(
    readonly connection: SQLite.Database,
    private limit = 1000,
  ) {}
  get(sqlText: string): SQLite.Statement {
    let statement = this.statements.get(sqlText);
    if (statement) {
      this.statements.delete(sqlText); // re-inserted below: the Map's order is the use order
    } else {
      statement = this.connection.prepare(sqlText);
      if (this.statements.size >= this.limit) this.statements.delete(this.statements.keys().next().value!);
    }
    this.statements.set(sqlText, statement);
    return statement;
  }
  clear() {
    this.statements.clear();
  }
}

function run(statement: SQLite.Statement, parameters: readonly unknown[]): QueryResult<unknown> {
  if (statement.reader) return { rows: statement.all(parameters as unknown[]) };
  const { changes, lastInsertRowid } = statement.run(parameters as unknown[]);
  return {
    numAffectedRows: changes === undefined || changes === null ? undefined : BigInt(changes),
    insertId: lastInsertRowid === undefined || lastInsertRowid === null ? undefined : BigInt(lastInsertRowid),
    rows: [],
  };
}

const MEMBER_SAVEPOINT = "dinghuo_member";

/** One per Kysely `acquireConnection`: a query, or a whole transaction. */
class Handle implements DatabaseConnection {
  /** Holds the writer lock. */
  locked = false;
  /** Between beginTransaction and commit/rollback. */
  inTransaction = false;
  constructor(private driver: GroupCommitSqliteDriver) {}
  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute(this, query) as Promise<QueryResult<R>>;
  }
  streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    return this.driver.stream(this, query) as AsyncIterableIterator<QueryResult<R>>;
  }
}

export class GroupCommitSqliteDriver implements Driver {
  private lock = new FifoLock();
  private group: Group | null = null;
  private commitScheduled = false;
  private readonly maxMembers: number;
  private readonly maxOpenMs: number;
  /** Group commits made, and the transactions and single writes they carried. */
  readonly stats = { commits: 0, members: 0 };
  /** SQL texts the reader found to be writes: they go to the writer without asking again. */
  private writes = new Set<string>();

  constructor(
    private writer: StatementCache,
    /** null for an in-memory database: a second connection would be another database. */
    private reader: StatementCache | null,
    private openStreamConnection: (() => SQLite.Database) | null,
    options: GroupCommitOptions = {},
  ) {
    this.maxMembers = options.maxMembers ?? 64;
    this.maxOpenMs = options.maxOpenMs ?? 20;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new Handle(this);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const handle = connection as Handle;
    await this.lockWriter(handle);
    try {
      const db = this.writer.connection;
      if (this.group && !db.inTransaction) this.failGroup(new Error("the shared transaction ended unexpectedly"));
      if (!this.group) {
        db.exec("begin immediate");
        this.group = { members: [], openedAt: performance.now() };
      }
      db.exec(`savepoint ${MEMBER_SAVEPOINT}`);
      handle.inTransaction = true;
    } catch (error) {
      this.unlockWriter(handle);
      throw error;
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const handle = connection as Handle;
    if (!handle.inTransaction) throw new Error("commit outside a transaction");
    handle.inTransaction = false;
    const db = this.writer.connection;
    let durable: Promise<void>;
    if (!db.inTransaction) {
      // SQLite ended the outer transaction itself (an I/O error, a full disk): nothing of the
      // group was kept.
      const error = new Error("the transaction was rolled back by the database");
      this.failGroup(error);
      durable = Promise.reject(error);
    } else {
      db.exec(`release ${MEMBER_SAVEPOINT}`);
      durable = this.join();
    }
    this.unlockWriter(handle);
    return durable;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const handle = connection as Handle;
    if (!handle.locked) return; // its commit failed: the group is already rolled back
    handle.inTransaction = false;
    const db = this.writer.connection;
    try {
      if (db.inTransaction) {
        db.exec(`rollback to ${MEMBER_SAVEPOINT}`);
        db.exec(`release ${MEMBER_SAVEPOINT}`);
      } else if (this.group) {
        this.failGroup(new Error("the transaction was rolled back by the database"));
      }
    } catch (error) {
      this.abortGroup(error);
    } finally {
      this.unlockWriter(handle);
    }
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await this.execute(connection as Handle, raw(`savepoint ${quote(name)}`));
  }
  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await this.execute(connection as Handle, raw(`rollback to ${quote(name)}`));
  }
  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await this.execute(connection as Handle, raw(`release ${quote(name)}`));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const handle = connection as Handle;
    if (handle.locked) this.unlockWriter(handle);
  }

  async destroy(): Promise<void> {
    // Wait for the writer to be free, then commit what is pending.
    await this.lock.acquire();
    if (this.group) this.commitGroup();
    this.writer.clear();
    this.writer.connection.close();
    if (this.reader) {
      this.reader.clear();
      this.reader.connection.close();
    }
  }

  /** Runs one query for a handle: in its transaction, on the reader, or as a single write. */
  async execute(handle: Handle, query: CompiledQuery): Promise<QueryResult<unknown>> {
    if (handle.inTransaction) return run(this.writer.get(query.sql), query.parameters);
    // Pragmas set or read the connection's own state: they belong to the writer, outside any
    // transaction (most of them do nothing inside one).
    const pragma = /^\s*pragma\b/i.test(query.sql);
    if (this.reader && !pragma && !this.writes.has(query.sql)) {
      const statement = this.reader.get(query.sql);
      if (statement.readonly) return run(statement, query.parameters);
      this.writes.add(query.sql);
    }
    // A write (or, in memory, any query) outside a transaction: one statement on the writer.
    const relaxed = query.sql.endsWith(RELAXED_DURABILITY_MARK);
    await this.lockWriter(handle);
    let result: QueryResult<unknown>;
    try {
      if (pragma) this.commitGroup();
      if (relaxed && !this.group) {
        this.writer.connection.exec("begin immediate");
        this.group = { members: [], openedAt: performance.now() };
      }
      result = run(this.writer.get(query.sql), query.parameters);
    } catch (error) {
      this.unlockWriter(handle);
      throw error;
    }
    if (relaxed || !this.group || this.writer.get(query.sql).readonly) {
      this.unlockWriter(handle);
      return result;
    }
    // It ran inside an open group: it is durable when the group is.
    const durable = this.join();
    this.unlockWriter(handle);
    await durable;
    return result;
  }

  async *stream(handle: Handle, query: CompiledQuery): AsyncIterableIterator<QueryResult<unknown>> {
    if (!SelectQueryNode.is(query.query)) throw new Error("SQLite streams only select queries");
    if (handle.inTransaction || !this.openStreamConnection) {
      if (!handle.inTransaction) await this.lockWriter(handle);
      try {
        for (const row of this.writer.get(query.sql).iterate(query.parameters as unknown[])) yield { rows: [row] };
      } finally {
        if (!handle.inTransaction) this.unlockWriter(handle);
      }
      return;
    }
    const connection = this.openStreamConnection();
    try {
      for (const row of connection.prepare(query.sql).iterate(query.parameters as unknown[])) yield { rows: [row] };
    } finally {
      connection.close();
    }
  }

  private async lockWriter(handle: Handle): Promise<void> {
    if (handle.locked) return;
    await this.lock.acquire();
    handle.locked = true;
  }

  /** Gives the writer up: to the next waiter (who joins the open group), or commits the group. */
  private unlockWriter(handle: Handle): void {
    handle.locked = false;
    const group = this.group;
    if (group) {
      const full = group.members.length >= this.maxMembers || performance.now() - group.openedAt >= this.maxOpenMs;
      if (full) this.commitGroup();
      else if (this.lock.waiting === 0) this.scheduleCommit();
    }
    this.lock.release();
  }

  /**
   * Nobody waits for the writer right now: commit after the current turn of the event loop, so
   * transactions whose requests are a few microtasks from beginning still join. If one has
   * taken the writer by then, its unlock decides again.
   */
  private scheduleCommit(): void {
    if (this.commitScheduled) return;
    this.commitScheduled = true;
    setImmediate(() => {
      this.commitScheduled = false;
      if (!this.group || this.lock.held) return;
      this.lock.held = true;
      try {
        this.commitGroup();
      } finally {
        this.lock.release();
      }
    });
  }

  private join(): Promise<void> {
    const group = this.group!;
    return new Promise<void>((resolve, reject) => group.members.push({ resolve, reject }));
  }

  private commitGroup(): void {
    const group = this.group;
    if (!group) return;
    this.group = null;
    const db = this.writer.connection;
    try {
      if (!db.inTransaction) throw new Error("the transaction was rolled back by the database");
      db.exec("commit");
    } catch (error) {
      try {
        if (db.inTransaction) db.exec("rollback");
      } catch {
        // the connection reports its own state; nothing more to undo
      }
      for (const m of group.members) m.reject(error);
      return;
    }
    this.stats.commits++;
    this.stats.members += group.members.length;
    for (const m of group.members) m.resolve();
  }

  /** The outer transaction is gone: every member waiting for it hears so. */
  private failGroup(error: unknown): void {
    const group = this.group;
    this.group = null;
    for (const m of group?.members ?? []) m.reject(error);
  }

  /** A member could not be undone on its own: undo the whole group. */
  private abortGroup(error: unknown): void {
    try {
      if (this.writer.connection.inTransaction) this.writer.connection.exec("rollback");
    } catch {
      // already ended
    }
    this.failGroup(error);
  }
}

function raw(sql: string): CompiledQuery {
  return { sql, parameters: [], query: { kind: "RawNode" } } as unknown as CompiledQuery;
}
function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export interface SqliteConnections {
  writer: SQLite.Database;
  /** Opens another connection to the same database (for reads); null in memory. */
  open: (() => SQLite.Database) | null;
}

/** Kysely's SQLite dialect (compiler, adapter, introspection) on the group-commit driver. */
export class GroupCommitSqliteDialect extends SqliteDialect {
  constructor(
    private connections: SqliteConnections,
    private options: GroupCommitOptions = {},
  ) {
    super({ database: connections.writer as never });
  }
  /** The driver Kysely created (one per Kysely instance), for its statistics. */
  driver: GroupCommitSqliteDriver | undefined;
  override createDriver(): Driver {
    const { writer, open } = this.connections;
    this.driver = new GroupCommitSqliteDriver(
      new StatementCache(writer),
      open ? new StatementCache(open()) : null,
      open,
      this.options,
    );
    return this.driver;
  }
}
