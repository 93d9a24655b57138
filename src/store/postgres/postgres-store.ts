/**
 * The shared store for a server: every program in one PostgreSQL database. Lines are stored
 * byte-for-byte as `serialize` gives them, so a program read from here is byte-identical to its
 * file copy. The expected-head check and the insert run in one transaction, and `(program, seq)`
 * is the primary key: of two writers on the same head on two machines, the database lets exactly
 * one commit; the other gets StaleHeadError and writes nothing.
 */
import type { LedgerEvent } from '../../domain/events.js';
import { invalidInput, StaleHeadError } from '../../errors.js';
import { serialize } from '../../ledger/chain.js';
import type { CheckpointShelf, HeadsReader, LedgerHead, LedgerRead, LedgerStore, PosterShelf, SummaryDue, SummaryPage, SummaryQuery, SummaryRecord, SummaryShelf } from '../ledger-store.js';
import { sqlState, type SqlPool } from './client.js';
import { appliedVersion, migrate, SCHEMA_VERSION } from './migrations.js';
import { NotifyBatches } from './notify-batch.js';

export interface PostgresStoreOptions {
  /** The schema holding the store's tables (default `cutover`); lets tests keep stores apart. */
  readonly schema?: string;
  /** How the store names itself in messages (default `postgres`). */
  readonly label?: string;
}

/** The channel a committed append notifies, with `program seq hash` as payload (for replicas). */
export const APPEND_CHANNEL = 'cutover_appended';

const UNIQUE_VIOLATION = '23505';
/** Lines per round trip when a checkpoint's prefix is hashed: about 4 MiB of the bench's lines. */
const BATCH_LINES = 5000;
const FOREIGN_KEY_VIOLATION = '23503';

export class PostgresLedgerStore implements LedgerStore, CheckpointShelf, PosterShelf, SummaryShelf, HeadsReader {
  readonly schema: string;
  private readonly label: string;
  private readonly notifications: NotifyBatches;

  private constructor(private readonly pool: SqlPool, options: PostgresStoreOptions) {
    this.schema = options.schema ?? 'cutover';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.schema)) {
      throw invalidInput({ source: 'postgres store', field: 'schema', expected: 'a lower-case SQL identifier', found: JSON.stringify(this.schema) });
    }
    this.label = options.label ?? 'postgres';
    this.notifications = new NotifyBatches(pool, APPEND_CHANNEL);
  }

  /** Open the store: check the database keeps text as UTF-8, then apply any pending migration. */
  static async open(pool: SqlPool, options: PostgresStoreOptions = {}): Promise<PostgresLedgerStore> {
    const store = new PostgresLedgerStore(pool, options);
    const encoding = (await pool.query<{ server_encoding: string }>('SHOW server_encoding')).rows[0]?.server_encoding;
    if (encoding !== 'UTF8') {
      throw invalidInput({ source: store.label, field: 'server_encoding', expected: 'UTF8 (lines are stored byte-for-byte)', found: String(encoding) }, [
        'create the database with ENCODING \'UTF8\'',
      ]);
    }
    await migrate(pool, store.schema);
    return store;
  }

  /** Ready to serve: the database answers and has every migration this build knows. */
  async ready(): Promise<boolean> {
    return (await appliedVersion(this.pool, this.schema)) >= SCHEMA_VERSION;
  }

  async read(program: string, fromSeq = 1): Promise<LedgerRead> {
    const { rows } = await this.pool.query<{ line: string }>({ name: `cutover-read-${this.schema}`, text: `SELECT line FROM ${this.schema}.events WHERE program = $1 AND seq >= $2 ORDER BY seq` }, [
      program,
      Math.max(1, fromSeq),
    ]);
    return { source: this.sourceOf(program), lines: rows.map((r) => r.line) };
  }

  async head(program: string): Promise<LedgerHead | null> {
    const { rows } = await this.pool.query<{ seq: number; hash: string }>(
      { name: `cutover-head-${this.schema}`, text: `SELECT seq, hash FROM ${this.schema}.events WHERE program = $1 ORDER BY seq DESC LIMIT 1` },
      [program],
    );
    const row = rows[0];
    return row === undefined ? null : { seq: row.seq, hash: row.hash };
  }

  async headsOf(programs: readonly string[]): Promise<ReadonlyMap<string, number>> {
    // One probe of the (program, seq) index per program, in one statement.
    const { rows } = await this.pool.query<{ program: string; seq: number | null }>(
      { name: `cutover-heads-of-${this.schema}`, text: `SELECT p AS program, (SELECT seq FROM ${this.schema}.events WHERE program = p ORDER BY seq DESC LIMIT 1) AS seq FROM unnest($1::text[]) AS p` },
      [programs],
    );
    return new Map(rows.filter((r) => r.seq !== null).map((r) => [r.program, r.seq!]));
  }

  async append(program: string, expectedHead: string | null, events: readonly LedgerEvent[]): Promise<LedgerHead | null> {
    if (events.length === 0) {
      const head = await this.head(program);
      if ((head?.hash ?? null) !== expectedHead) throw new StaleHeadError(expectedHead, head?.hash ?? null);
      return head;
    }
    const first = events[0]!.seq;
    if (events.some((e, i) => e.seq !== first + i)) throw new StaleHeadError(expectedHead, (await this.head(program))?.hash ?? null);
    const last = events[events.length - 1]!;
    let row: { seq: number | null; hash: string | null; inserted: number } | undefined;
    try {
      // One statement, so one round trip and one implicit transaction: the head check and the insert
      // see one snapshot, and a writer that committed the same seq since then makes this one fail on
      // the key (the loser writes nothing), so the guard and the primary key together forbid a fork.
      ({ rows: [row] } = await this.pool.query<{ seq: number | null; hash: string | null; inserted: number }>(
        { name: `cutover-append-${this.schema}`, text: appendStatement(this.schema) },
        [program, first, expectedHead, events.map((e) => e.seq), events.map((e) => e.hash), events.map(serialize)],
      ));
    } catch (error) {
      // Another writer committed the same seq (or created the program) first: the head moved under us.
      const state = sqlState(error);
      if (state === UNIQUE_VIOLATION || state === FOREIGN_KEY_VIOLATION) {
        throw new StaleHeadError(expectedHead, (await this.head(program))?.hash ?? null);
      }
      throw error;
    }
    if (row === undefined || row.inserted !== events.length) throw new StaleHeadError(expectedHead, row?.hash ?? null);
    // Notified after the commit, in a transaction of its own (batched with others): PostgreSQL
    // serialises the commits of notifying transactions (a database-wide lock held across the WAL
    // flush), which capped appends at one flush at a time. A notification lost to a crash here only delays other replicas'
    // streams (they also poll); their status reads look the head up and are never stale.
    await this.notifications.send(`${program} ${last.seq} ${last.hash}`).catch(() => undefined);
    return { seq: last.seq, hash: last.hash };
  }

  async keepPoster(program: string, fromSeq: number, toSeq: number, record: string): Promise<void> {
    await this.pool.query(`INSERT INTO ${this.schema}.posters (program, from_seq, to_seq, record) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [program, fromSeq, toSeq, record]);
  }

  async posterOf(program: string, seq: number): Promise<string | null> {
    const { rows } = await this.pool.query<{ record: string }>(`SELECT record FROM ${this.schema}.posters WHERE program = $1 AND from_seq <= $2 AND to_seq >= $2 ORDER BY from_seq DESC LIMIT 1`, [program, seq]);
    return rows[0]?.record ?? null;
  }

  async checkpointOf(program: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ body: string }>(`SELECT body FROM ${this.schema}.checkpoints WHERE program = $1`, [program]);
    return rows[0]?.body ?? null;
  }

  async keepCheckpoint(program: string, seq: number, text: string, replacing = false): Promise<void> {
    // Forward only: a replica that verified less never replaces a checkpoint that covers more.
    await this.pool.query(
      `INSERT INTO ${this.schema}.checkpoints (program, seq, body) VALUES ($1, $2, $3)
       ON CONFLICT (program) DO UPDATE SET seq = EXCLUDED.seq, body = EXCLUDED.body, written_at = now()
       WHERE $4 OR ${this.schema}.checkpoints.seq < EXCLUDED.seq`,
      [program, seq, text, replacing],
    );
  }

  async *lineBatches(program: string, fromSeq: number, toSeq: number): AsyncIterable<readonly string[]> {
    const batch = (from: number) =>
      this.pool.query<{ seq: number; line: string }>(
        { name: `cutover-batch-${this.schema}`, text: `SELECT seq, line FROM ${this.schema}.events WHERE program = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq LIMIT $4` },
        [program, from, toSeq, BATCH_LINES],
      );
    // The next batch is asked for while the caller hashes this one.
    let pending = fromSeq <= toSeq ? batch(fromSeq) : undefined;
    while (pending !== undefined) {
      const { rows } = await pending;
      const next = (rows[rows.length - 1]?.seq ?? toSeq) + 1;
      pending = rows.length === BATCH_LINES && next <= toSeq ? batch(next) : undefined;
      pending?.catch(() => undefined); // seen by the next await; never unhandled if the caller stops early
      if (rows.length > 0) yield rows.map((r) => r.line);
    }
  }

  async keepSummary(r: SummaryRecord): Promise<void> {
    // Forward only: a replica that verified less never replaces a summary of a later head.
    await this.pool.query(
      {
        name: `cutover-keep-summary-${this.schema}`,
        text: `INSERT INTO ${this.schema}.summaries (program, seq, head, build, definition, rank, rank_then, next_change_at, waiting_on, body, rank_changes_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        ON CONFLICT (program) DO UPDATE SET seq = EXCLUDED.seq, head = EXCLUDED.head, build = EXCLUDED.build, definition = EXCLUDED.definition, rank = EXCLUDED.rank,
          rank_then = EXCLUDED.rank_then, rank_changes_at = EXCLUDED.rank_changes_at, next_change_at = EXCLUDED.next_change_at, waiting_on = EXCLUDED.waiting_on, body = EXCLUDED.body, written_at = now()
        WHERE ${this.schema}.summaries.seq <= EXCLUDED.seq`,
      },
      [r.program, r.seq, r.head, r.build, r.definition, r.rank, r.rankThen, r.nextChangeAt, r.waitingOn, r.body, r.rankChangesAt],
    );
  }

  async summaries(q: SummaryQuery): Promise<SummaryPage> {
    // The rank at $1 is one of two columns: sorting needs no evaluation, only the clock. Rows whose
    // rank is still `rank` are read from its index in order; those that time moved to `rank_then`
    // are found by when it moved (few: the sweep makes them again as they pass), sorted, and the
    // two merged. The first page costs the same at any number of programs.
    // Unnamed statements: each is planned with its values, so that `rank_changes_at <= $1` is known
    // to match few rows; a generic plan would guess a third of the table and may read it all.
    const s = this.schema;
    const params: unknown[] = [q.at, q.limit + 1];
    const param = (value: unknown) => `$${params.push(value)}`;
    const filters = (rank: string) =>
      [
        q.after === undefined ? null : `(${rank}, program COLLATE "C") > (${param(q.after.rank)}::integer, ${param(q.after.program)}::text COLLATE "C")`,
        q.party === undefined ? null : `${param(q.party)}::text = ANY (waiting_on)`,
        q.rank === undefined ? null : `${rank} = ${param(q.rank)}::integer`,
      ]
        .filter((c) => c !== null)
        .map((c) => ` AND ${c}`)
        .join('');
    const { rows } = await this.pool.query<{ program: string; rank: number; body: string }>(
      `SELECT program, rank, body FROM (
        (SELECT program, rank, body FROM ${s}.summaries
          WHERE (rank_changes_at IS NULL OR rank_then IS NULL OR rank_changes_at > $1)${filters('rank')}
          ORDER BY rank, program COLLATE "C" LIMIT $2)
        UNION ALL
        (SELECT program, rank_then AS rank, body FROM ${s}.summaries
          WHERE rank_changes_at <= $1 AND rank_then IS NOT NULL${filters('rank_then')}
          ORDER BY rank_then, program COLLATE "C" LIMIT $2)) s
      ORDER BY rank, program COLLATE "C" LIMIT $2`,
      params,
    );
    return { rows: rows.slice(0, q.limit).map((r) => ({ program: r.program, rank: Number(r.rank), body: r.body })), more: rows.length > q.limit };
  }

  async summariesDue(limit: number, due: SummaryDue): Promise<string[]> {
    const s = this.schema;
    // `missing` reads the two primary keys only; `time` reads the rows past their next change, by
    // its index; `build` reads every summary and `behind` probes every program's last seq, once per process.
    const text =
      due.why === 'missing'
        ? `SELECT p.program FROM ${s}.programs p WHERE NOT EXISTS (SELECT 1 FROM ${s}.summaries s WHERE s.program = p.program) ORDER BY p.program COLLATE "C" LIMIT $1`
        : due.why === 'behind'
          ? `SELECT s.program FROM ${s}.summaries s WHERE s.seq < (SELECT e.seq FROM ${s}.events e WHERE e.program = s.program ORDER BY e.seq DESC LIMIT 1) ORDER BY s.program COLLATE "C" LIMIT $1`
        : due.why === 'build'
          ? `SELECT program FROM ${s}.summaries WHERE build <> $2 ORDER BY program COLLATE "C" LIMIT $1`
          : `SELECT program FROM (SELECT program FROM ${s}.summaries WHERE next_change_at <= $2 ORDER BY next_change_at LIMIT $1) d ORDER BY program COLLATE "C"`;
    const params = due.why === 'missing' || due.why === 'behind' ? [limit] : [limit, due.why === 'build' ? due.build : due.at];
    const { rows } = await this.pool.query<{ program: string }>(text, params);
    return rows.map((r) => r.program);
  }

  async listPrograms(): Promise<string[]> {
    const { rows } = await this.pool.query<{ program: string }>(`SELECT program FROM ${this.schema}.programs ORDER BY program COLLATE "C"`);
    return rows.map((r) => r.program);
  }

  private sourceOf(program: string): string {
    return `${this.label}:${program}`;
  }
}

/**
 * The guarded append: $1 program, $2 the first new seq, $3 the expected head (null: empty), $4-$6 the
 * seqs, hashes and lines. Inserts only when the program's last row is the expected head at seq
 * $2 - 1 (a new program claims its row in `programs` too). Returns the head it saw and how many
 * rows it inserted.
 */
function appendStatement(schema: string): string {
  return `WITH head AS (SELECT seq, hash FROM ${schema}.events WHERE program = $1 ORDER BY seq DESC LIMIT 1),
  expected AS (SELECT 1 WHERE COALESCE((SELECT seq FROM head), 0) = $2::integer - 1 AND (SELECT hash FROM head) IS NOT DISTINCT FROM $3::text),
  claimed AS (INSERT INTO ${schema}.programs (program) SELECT $1 FROM expected WHERE $2::integer = 1 RETURNING program),
  inserted AS (
    INSERT INTO ${schema}.events (program, seq, hash, line)
    SELECT $1, t.s, t.h, t.l FROM expected, unnest($4::integer[], $5::text[], $6::text[]) AS t(s, h, l)
    RETURNING seq)
SELECT (SELECT seq FROM head) AS seq, (SELECT hash FROM head) AS hash, (SELECT count(*)::integer FROM inserted) AS inserted`;
}
