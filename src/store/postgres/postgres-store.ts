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
import type { LedgerHead, LedgerRead, LedgerStore } from '../ledger-store.js';
import { inTransaction, sqlState, type SqlClient, type SqlPool } from './client.js';
import { appliedVersion, migrate, SCHEMA_VERSION } from './migrations.js';

export interface PostgresStoreOptions {
  /** The schema holding the store's tables (default `cutover`); lets tests keep stores apart. */
  readonly schema?: string;
  /** How the store names itself in messages (default `postgres`). */
  readonly label?: string;
}

/** The channel a committed append notifies, with `program seq hash` as payload (for replicas). */
export const APPEND_CHANNEL = 'cutover_appended';

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

export class PostgresLedgerStore implements LedgerStore {
  readonly schema: string;
  private readonly label: string;

  private constructor(private readonly pool: SqlPool, options: PostgresStoreOptions) {
    this.schema = options.schema ?? 'cutover';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.schema)) {
      throw invalidInput({ source: 'postgres store', field: 'schema', expected: 'a lower-case SQL identifier', found: JSON.stringify(this.schema) });
    }
    this.label = options.label ?? 'postgres';
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
    const { rows } = await this.pool.query<{ line: string }>(`SELECT line FROM ${this.schema}.events WHERE program = $1 AND seq >= $2 ORDER BY seq`, [
      program,
      Math.max(1, fromSeq),
    ]);
    return { source: this.sourceOf(program), lines: rows.map((r) => r.line) };
  }

  async head(program: string): Promise<LedgerHead | null> {
    return headIn(this.pool, this.schema, program);
  }

  async append(program: string, expectedHead: string | null, events: readonly LedgerEvent[]): Promise<LedgerHead> {
    try {
      return await inTransaction(this.pool, async (tx) => {
        const head = await headIn(tx, this.schema, program);
        if ((head?.hash ?? null) !== expectedHead) throw new StaleHeadError(expectedHead, head?.hash ?? null);
        if (events.length === 0) return head!;
        const first = (head?.seq ?? 0) + 1;
        if (events.some((e, i) => e.seq !== first + i)) throw new StaleHeadError(expectedHead, head?.hash ?? null);
        // A new program is claimed by its row: of two first appends, the second waits, then fails on the key.
        if (head === null) await tx.query(`INSERT INTO ${this.schema}.programs (program) VALUES ($1)`, [program]);
        await tx.query(
          `INSERT INTO ${this.schema}.events (program, seq, hash, line)
           SELECT $1, s, h, l FROM unnest($2::integer[], $3::text[], $4::text[]) AS t(s, h, l)`,
          [program, events.map((e) => e.seq), events.map((e) => e.hash), events.map(serialize)],
        );
        const last = events[events.length - 1]!;
        await tx.query('SELECT pg_notify($1, $2)', [APPEND_CHANNEL, `${program} ${last.seq} ${last.hash}`]);
        return { seq: last.seq, hash: last.hash };
      });
    } catch (error) {
      // Another writer committed the same seq (or created the program) first: the head moved under us.
      const state = sqlState(error);
      if (state === UNIQUE_VIOLATION || state === FOREIGN_KEY_VIOLATION) {
        throw new StaleHeadError(expectedHead, (await this.head(program))?.hash ?? null);
      }
      throw error;
    }
  }

  async listPrograms(): Promise<string[]> {
    const { rows } = await this.pool.query<{ program: string }>(`SELECT program FROM ${this.schema}.programs ORDER BY program COLLATE "C"`);
    return rows.map((r) => r.program);
  }

  private sourceOf(program: string): string {
    return `${this.label}:${program}`;
  }
}

async function headIn(client: SqlClient, schema: string, program: string): Promise<LedgerHead | null> {
  const { rows } = await client.query<{ seq: number; hash: string }>(`SELECT seq, hash FROM ${schema}.events WHERE program = $1 ORDER BY seq DESC LIMIT 1`, [program]);
  const row = rows[0];
  return row === undefined ? null : { seq: row.seq, hash: row.hash };
}
