/**
 * The schema of the PostgreSQL store, as numbered migrations applied in order at start. Applying
 * is safe to repeat and to run from several processes at once: every run takes one transaction-scoped
 * advisory lock first, so the second process waits, then finds the migrations already recorded.
 * A migration is never edited once released; a change is a new, higher version.
 */
import { inTransaction, type SqlClient, type SqlPool } from './client.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: (schema: string) => string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'programs and events',
    sql: (s) => `
      CREATE TABLE ${s}.programs (
        program text PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE ${s}.events (
        program text NOT NULL REFERENCES ${s}.programs (program),
        seq integer NOT NULL CHECK (seq >= 1),
        hash text NOT NULL,
        -- the canonical line exactly as serialize() gives it, without its newline
        line text NOT NULL,
        PRIMARY KEY (program, seq)
      );`,
  },
  {
    version: 2,
    name: 'append-only events and verified checkpoints',
    // The database itself refuses to change or remove a stored line, whoever asks (the server's own
    // role included). It is a guard rail, not the proof a checkpoint rests on: the table's owner or a
    // superuser can disable a trigger (or set session_replication_role = replica) and edit a row, so a
    // checkpoint is trusted only once the stored lines before it hash to its digest again
    // (server/program-checkpoint.ts).
    sql: (s) => `
      CREATE FUNCTION ${s}.refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the ledger is append-only: % on %.% is refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege', HINT = 'record a correction as a new event';
      END $$;
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON ${s}.events
        FOR EACH ROW EXECUTE FUNCTION ${s}.refuse_ledger_change();
      CREATE TRIGGER events_never_truncated BEFORE TRUNCATE ON ${s}.events
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.refuse_ledger_change();
      -- One verified checkpoint per program: the sealed JSON of store/checkpoint.ts (its own digest
      -- inside), and its seq, so that a writer never moves it back.
      CREATE TABLE ${s}.checkpoints (
        program text PRIMARY KEY REFERENCES ${s}.programs (program),
        seq integer NOT NULL CHECK (seq >= 1),
        body text NOT NULL,
        written_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
  {
    version: 3,
    name: 'who posted',
    // Kept beside the ledger, never in it: the identity that posted a range of lines to this server.
    // Not part of what a checkpoint or verify checks; nothing signed depends on it.
    sql: (s) => `
      CREATE TABLE ${s}.posters (
        program text NOT NULL REFERENCES ${s}.programs (program),
        from_seq integer NOT NULL CHECK (from_seq >= 1),
        to_seq integer NOT NULL CHECK (to_seq >= from_seq),
        record text NOT NULL,
        PRIMARY KEY (program, from_seq)
      );`,
  },
  {
    version: 4,
    name: 'program summaries',
    // Derived, never signed: what a list of programs reads instead of the ledgers (domain/summary.ts),
    // with what it is sorted, filtered and paged by in columns. The rank a list sorts by is `rank`
    // until `rank_changes_at`, `rank_then` from then on; the second index finds those that time
    // changed (`next_change_at`), to be made again.
    sql: (s) => `
      CREATE TABLE ${s}.summaries (
        program text PRIMARY KEY REFERENCES ${s}.programs (program),
        seq integer NOT NULL CHECK (seq >= 1),
        head text,
        build text NOT NULL,
        definition text,
        rank smallint NOT NULL,
        rank_changes_at timestamptz,
        rank_then smallint,
        next_change_at timestamptz,
        waiting_on text[] NOT NULL DEFAULT '{}',
        body text NOT NULL,
        written_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX summaries_by_rank ON ${s}.summaries (rank, program COLLATE "C");
      CREATE INDEX summaries_by_rank_then ON ${s}.summaries (rank_then, program COLLATE "C") WHERE rank_then IS NOT NULL;
      CREATE INDEX summaries_next_change ON ${s}.summaries (next_change_at) WHERE next_change_at IS NOT NULL;`,
  },
  {
    version: 5,
    name: 'notification cursors and dead letters',
    // Kept beside the ledger, never in it (server/notify/delivery-state.ts): what each sink was sent.
    // Instants are milliseconds since the epoch, as the notifier computes them. Version 4 is another
    // branch's (several programs); the versions only need to be applied in order where both exist.
    sql: (s) => `
      CREATE TABLE ${s}.notify_sinks (
        sink text PRIMARY KEY,
        since bigint NOT NULL
      );
      CREATE TABLE ${s}.notify_cursors (
        sink text NOT NULL,
        program text NOT NULL REFERENCES ${s}.programs (program),
        seq integer NOT NULL CHECK (seq >= 0),
        time_from bigint NOT NULL,
        done jsonb NOT NULL DEFAULT '[]',
        attempts integer NOT NULL DEFAULT 0,
        next_at bigint NOT NULL DEFAULT 0,
        error text,
        PRIMARY KEY (sink, program)
      );
      CREATE TABLE ${s}.notify_dead_letters (
        id bigserial PRIMARY KEY,
        sink text NOT NULL,
        program text NOT NULL,
        notification text NOT NULL,
        type text NOT NULL,
        url text NOT NULL,
        content_type text NOT NULL,
        body text NOT NULL,
        error text NOT NULL,
        attempts integer NOT NULL,
        dead_at timestamptz NOT NULL
      );`,
  },
  {
    version: 6,
    name: 'summaries found by when time moved their rank',
    // A list reads the rows whose rank time has moved (`rank_changes_at` passed) by this index, not by
    // reading every row that has a `rank_then`: at 100,000 programs that read took 84 ms a page.
    sql: (s) => `CREATE INDEX summaries_rank_changes ON ${s}.summaries (rank_changes_at) WHERE rank_then IS NOT NULL;`,
  },
  {
    version: 7,
    name: 'when time next tells a sink something',
    // Kept with each cursor (ms): a starting notifier skips the programs whose time is still to come,
    // overdue reminders included, without reading them. NULL: not known yet (a cursor kept before).
    sql: (s) => `ALTER TABLE ${s}.notify_cursors ADD COLUMN time_next bigint;`,
  },
];

/** The newest version this build knows: /readyz reports ready only when the database has it. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** One lock id for the migrations of one schema, so two stores in two schemas do not wait on each other. */
function lockKey(schema: string): string {
  return `cutover-migrations:${schema}`;
}

/** Apply every migration not yet applied; returns the versions applied by this call. */
export async function migrate(pool: SqlPool, schema: string): Promise<number[]> {
  return inTransaction(pool, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey(schema)]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = new Set((await tx.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations`)).rows.map((r) => r.version));
    const done: number[] = [];
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await tx.query(m.sql(schema));
      await tx.query(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      done.push(m.version);
    }
    return done;
  });
}

/** The highest migration applied, or 0 when none (or no schema) exists yet. */
export async function appliedVersion(client: SqlClient, schema: string): Promise<number> {
  const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`${schema}.schema_migrations`]);
  if (exists.rows[0]?.t == null) return 0;
  const r = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${schema}.schema_migrations`);
  return r.rows[0]?.v ?? 0;
}
