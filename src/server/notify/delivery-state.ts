/**
 * What the notifier keeps so that nothing is lost and little is sent twice: per sink, when it was
 * first seen (history before it is not replayed to it); per sink and program, a cursor (the last seq
 * whose notifications are all delivered, the instant up to which time-driven ones are, the ids
 * delivered beyond both, and the back-off of the one pending); and the dead letters. Kept in
 * PostgreSQL (migration 5) or in the `--data` folder (`.notify/`). Only a claimed cursor is worked
 * on: PostgreSQL claims with `SELECT … FOR UPDATE SKIP LOCKED`, so two replicas never send the same
 * program's news to the same sink at once; a folder belongs to one server process.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlClient, SqlPool } from '../../store/postgres/client.js';

export interface Cursor {
  /** Every notification of the lines up to this seq is done (delivered or dead). */
  readonly seq: number;
  /** Time-driven notifications up to this instant (ms) are done. */
  readonly timeFrom: number;
  /** Ids done beyond `seq` and `timeFrom` (delivered while a later one failed). */
  readonly done: readonly string[];
  /** Failed attempts in a row at the first pending notification. */
  readonly attempts: number;
  /** Not tried again before this instant (ms): the back-off. */
  readonly nextAt: number;
  /** The last error, for the log and the dead letter. */
  readonly error: string | null;
  /**
   * When time could next tell something of the program (ms; `NEVER` when nothing is foreseen), as
   * seen when this cursor was last kept; absent where no delivery kept one yet. A starting notifier
   * skips a program whose every cursor says that time is still to come (an overdue reminder's too).
   */
  readonly timeNext?: number;
}

/** `Cursor.timeNext` when time alone will tell nothing more. */
export const NEVER = Number.MAX_SAFE_INTEGER;

export interface DeadLetter {
  readonly id: string;
  readonly sink: string;
  readonly program: string;
  readonly notification: string;
  readonly type: string;
  readonly url: string;
  readonly contentType: string;
  readonly body: string;
  readonly error: string;
  readonly attempts: number;
  readonly deadAt: string;
}

export type NewDeadLetter = Omit<DeadLetter, 'id' | 'deadAt'>;

export interface DeliveryState {
  /** When `sink` was first seen (registered now, `now`, if never). */
  sinceOf(sink: string, now: number): Promise<number>;
  /** The cursor as kept (null: none yet), without claiming it. */
  peek(sink: string, program: string): Promise<Cursor | null>;
  /** Every cursor of `sink`, by program, as kept (in one read: what a server starting on 100,000 programs asks). */
  cursorsOf(sink: string): Promise<ReadonlyMap<string, Cursor>>;
  /**
   * Work on the cursor of (`sink`, `program`) alone: `work` gets it (or `initial` when there is none)
   * and returns the cursor to keep. False when another replica holds it now (nothing was done).
   */
  claim(sink: string, program: string, initial: Cursor, work: (cursor: Cursor) => Promise<Cursor>): Promise<boolean>;
  addDeadLetter(letter: NewDeadLetter, at: Date): Promise<void>;
  deadLetters(): Promise<DeadLetter[]>;
  /** Remove a dead letter (redelivered by hand); false when there is no such one. */
  removeDeadLetter(id: string): Promise<boolean>;
}

/** In the `--data` folder: `.notify/state.json`, written whole and renamed into place (one server process owns a folder). */
export class FolderDeliveryState implements DeliveryState {
  private readonly file: string;
  private state: { sinks: Record<string, number>; cursors: Record<string, Cursor>; dead: DeadLetter[]; next: number };
  private readonly busy = new Set<string>();

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'state.json');
    try {
      this.state = JSON.parse(readFileSync(this.file, 'utf8')) as FolderDeliveryState['state'];
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      this.state = { sinks: {}, cursors: {}, dead: [], next: 1 };
    }
  }

  private keep(): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.file);
  }

  async sinceOf(sink: string, now: number): Promise<number> {
    if (this.state.sinks[sink] === undefined) {
      this.state.sinks[sink] = now;
      this.keep();
    }
    return this.state.sinks[sink];
  }

  async peek(sink: string, program: string): Promise<Cursor | null> {
    return this.state.cursors[`${sink}\n${program}`] ?? null;
  }

  async cursorsOf(sink: string): Promise<ReadonlyMap<string, Cursor>> {
    const prefix = `${sink}\n`;
    return new Map(Object.entries(this.state.cursors).filter(([key]) => key.startsWith(prefix)).map(([key, cursor]) => [key.slice(prefix.length), cursor]));
  }

  async claim(sink: string, program: string, initial: Cursor, work: (cursor: Cursor) => Promise<Cursor>): Promise<boolean> {
    const key = `${sink}\n${program}`;
    if (this.busy.has(key)) return false;
    this.busy.add(key);
    try {
      const next = await work(this.state.cursors[key] ?? initial);
      this.state.cursors[key] = next;
      this.keep();
      return true;
    } finally {
      this.busy.delete(key);
    }
  }

  async addDeadLetter(letter: NewDeadLetter, at: Date): Promise<void> {
    this.state.dead.push({ ...letter, id: String(this.state.next++), deadAt: at.toISOString() });
    this.keep();
  }

  async deadLetters(): Promise<DeadLetter[]> {
    return [...this.state.dead];
  }

  async removeDeadLetter(id: string): Promise<boolean> {
    const before = this.state.dead.length;
    this.state.dead = this.state.dead.filter((d) => d.id !== id);
    if (this.state.dead.length === before) return false;
    this.keep();
    return true;
  }
}

interface CursorRow {
  seq: number;
  time_from: string;
  done: string[];
  attempts: number;
  next_at: string;
  error: string | null;
  time_next: string | null;
}

const cursorOf = (r: CursorRow): Cursor => ({ seq: r.seq, timeFrom: Number(r.time_from), done: r.done, attempts: r.attempts, nextAt: Number(r.next_at), error: r.error, ...(r.time_next === null ? {} : { timeNext: Number(r.time_next) }) });

/** In PostgreSQL (tables of migration 5, in the store's schema). */
export class PostgresDeliveryState implements DeliveryState {
  constructor(
    private readonly pool: SqlPool,
    private readonly schema: string,
  ) {}

  /** A sink's first sighting never changes once kept: asked of the database once per process. */
  private readonly since = new Map<string, number>();
  /** The cursors known to exist (no INSERT before claiming them). */
  private readonly known = new Set<string>();

  async sinceOf(sink: string, now: number): Promise<number> {
    const cached = this.since.get(sink);
    if (cached !== undefined) return cached;
    const s = this.schema;
    await this.pool.query(`INSERT INTO ${s}.notify_sinks (sink, since) VALUES ($1, $2) ON CONFLICT (sink) DO NOTHING`, [sink, now]);
    const r = await this.pool.query<{ since: string }>(`SELECT since FROM ${s}.notify_sinks WHERE sink = $1`, [sink]);
    const since = Number(r.rows[0]!.since);
    this.since.set(sink, since);
    return since;
  }

  async peek(sink: string, program: string): Promise<Cursor | null> {
    const r = await this.pool.query<CursorRow>(`SELECT seq, time_from, done, attempts, next_at, error, time_next FROM ${this.schema}.notify_cursors WHERE sink = $1 AND program = $2`, [sink, program]);
    return r.rows[0] === undefined ? null : cursorOf(r.rows[0]);
  }

  async cursorsOf(sink: string): Promise<ReadonlyMap<string, Cursor>> {
    const r = await this.pool.query<CursorRow & { program: string }>(`SELECT program, seq, time_from, done, attempts, next_at, error, time_next FROM ${this.schema}.notify_cursors WHERE sink = $1`, [sink]);
    return new Map(r.rows.map((row) => [row.program, cursorOf(row)]));
  }

  async claim(sink: string, program: string, initial: Cursor, work: (cursor: Cursor) => Promise<Cursor>): Promise<boolean> {
    const s = this.schema;
    // Created outside the claim: a row another replica is creating is waited for here, not inside it.
    const key = `${sink}\n${program}`;
    if (!this.known.has(key)) await this.pool.query(
      `INSERT INTO ${s}.notify_cursors (sink, program, seq, time_from, done, attempts, next_at, error) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) ON CONFLICT (sink, program) DO NOTHING`,
      [sink, program, initial.seq, initial.timeFrom, JSON.stringify(initial.done), initial.attempts, initial.nextAt, initial.error],
    );
    this.known.add(key);
    const connection = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await connection.query('BEGIN');
      try {
        const r = await connection.query<CursorRow>(`SELECT seq, time_from, done, attempts, next_at, error, time_next FROM ${s}.notify_cursors WHERE sink = $1 AND program = $2 FOR UPDATE SKIP LOCKED`, [sink, program]);
        if (r.rows[0] === undefined) {
          await connection.query('ROLLBACK');
          return false;
        }
        const next = await work(cursorOf(r.rows[0]));
        await this.write(connection, sink, program, next);
        await connection.query('COMMIT');
        return true;
      } catch (error) {
        await connection.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw error;
      }
    } finally {
      connection.release(broken);
    }
  }

  private async write(tx: SqlClient, sink: string, program: string, c: Cursor): Promise<void> {
    await tx.query(`UPDATE ${this.schema}.notify_cursors SET seq = $3, time_from = $4, done = $5::jsonb, attempts = $6, next_at = $7, error = $8, time_next = $9 WHERE sink = $1 AND program = $2`, [
      sink,
      program,
      c.seq,
      c.timeFrom,
      JSON.stringify(c.done),
      c.attempts,
      c.nextAt,
      c.error,
      c.timeNext ?? null,
    ]);
  }

  async addDeadLetter(l: NewDeadLetter, at: Date): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.schema}.notify_dead_letters (sink, program, notification, type, url, content_type, body, error, attempts, dead_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [l.sink, l.program, l.notification, l.type, l.url, l.contentType, l.body, l.error, l.attempts, at.toISOString()],
    );
  }

  async deadLetters(): Promise<DeadLetter[]> {
    const r = await this.pool.query<{ id: string; sink: string; program: string; notification: string; type: string; url: string; content_type: string; body: string; error: string; attempts: number; dead_at: Date }>(
      `SELECT id, sink, program, notification, type, url, content_type, body, error, attempts, dead_at FROM ${this.schema}.notify_dead_letters ORDER BY id`,
    );
    return r.rows.map((d) => ({ id: String(d.id), sink: d.sink, program: d.program, notification: d.notification, type: d.type, url: d.url, contentType: d.content_type, body: d.body, error: d.error, attempts: d.attempts, deadAt: new Date(d.dead_at).toISOString() }));
  }

  async removeDeadLetter(id: string): Promise<boolean> {
    if (!/^[0-9]{1,18}$/.test(id)) return false;
    const r = await this.pool.query(`DELETE FROM ${this.schema}.notify_dead_letters WHERE id = $1`, [id]);
    return (r.rowCount ?? 0) > 0;
  }
}
