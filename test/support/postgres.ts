/**
 * PostgreSQL for tests: one throwaway cluster per test file (or DATABASE_URL's server), started on
 * first use and stopped after the file; each store gets a schema of its own, so stores never meet.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { PostgresLedgerStore } from '../../src/store/postgres/postgres-store.js';
import { startCluster, type Cluster } from '../../src/store/postgres/throwaway-cluster.js';

let cluster: Promise<Cluster> | undefined;

export function testCluster(): Promise<Cluster> {
  cluster ??= startCluster();
  return cluster;
}

afterAll(async () => {
  if (cluster !== undefined) (await cluster).stop();
  cluster = undefined;
});

export function freshSchema(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

/** A fresh, empty PostgreSQL store in a schema of its own, and how to dispose of it. */
export async function freshPostgresStore(): Promise<{ store: PostgresLedgerStore; pool: pg.Pool; dispose(): Promise<void> }> {
  const { url } = await testCluster();
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const schema = freshSchema();
  const store = await PostgresLedgerStore.open(pool, { schema });
  return {
    store,
    pool,
    async dispose() {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
    },
  };
}

/** A fresh, empty database on the test cluster (the server's own store lives in it): its URL. */
export async function freshDatabase(): Promise<string> {
  const { url } = await testCluster();
  const name = freshSchema();
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await pool.query(`CREATE DATABASE ${name} ENCODING 'UTF8' TEMPLATE template0`);
  } finally {
    await pool.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}
