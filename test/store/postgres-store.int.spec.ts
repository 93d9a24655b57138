import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { StaleHeadError } from '../../src/errors.js';
import { seal, serialize } from '../../src/ledger/chain.js';
import { generateKeyPair, signerFromPem } from '../../src/ledger/keys.js';
import { PostgresLedgerStore } from '../../src/store/postgres/postgres-store.js';
import { MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { freshPostgresStore, freshSchema, testCluster } from '../support/postgres.js';
import { chain } from './conformance.js';

describe('postgres: the store itself', () => {
  it('applies its migrations once, however many processes open it at the same moment', async () => {
    const { url } = await testCluster();
    const schema = freshSchema();
    const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: url, max: 2 }));
    try {
      const stores = await Promise.all(pools.map((pool) => PostgresLedgerStore.open(pool, { schema })));
      await PostgresLedgerStore.open(pools[0]!, { schema }); // and again, later
      const { rows } = await pools[0]!.query(`SELECT version, name FROM ${schema}.schema_migrations ORDER BY version`);
      expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
      expect(await stores[3]!.ready()).toBe(true);
    } finally {
      await pools[0]!.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('stores each line byte-for-byte, non-ASCII text included', async () => {
    const { store, pool, dispose } = await freshPostgresStore();
    try {
      const signer = signerFromPem(generateKeyPair().privateKeyPem);
      const first = chain('alpha', 1);
      const odd = seal({ type: 'phase.started', actor: 'someone', data: { phase: 'Ünïcødé — 8 ✓ \u2028 "quoted" \\ 𝄞' } }, { program: 'alpha', seq: 2, at: '2026-02-01T00:00:00.000Z', prev: first[0]!.hash }, signer);
      await store.append('alpha', null, first);
      await store.append('alpha', first[0]!.hash, [odd]);
      const { rows } = await pool.query<{ b: Buffer }>(`SELECT convert_to(line, 'UTF8') AS b FROM ${store.schema}.events WHERE program = 'alpha' ORDER BY seq`);
      expect(rows.map((r) => r.b)).toEqual([first[0]!, odd].map((e) => Buffer.from(serialize(e), 'utf8')));
      expect((await store.read('alpha')).lines).toEqual([first[0]!, odd].map(serialize));
    } finally {
      await dispose();
    }
  });

  it('two stores on two pools (two machines) never fork a program: one first append wins', async () => {
    const a = await freshPostgresStore();
    const pool = new pg.Pool({ connectionString: (await testCluster()).url, max: 4 });
    try {
      const b = await PostgresLedgerStore.open(pool, { schema: a.store.schema });
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? a.store : b).append('alpha', null, chain('alpha', 1 + (i % 3)))),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StaleHeadError);
      expect(await b.listPrograms()).toEqual(['alpha']);
    } finally {
      await pool.end();
      await a.dispose();
    }
  });
});
