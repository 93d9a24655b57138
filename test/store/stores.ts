/**
 * The stores the shared specs run over. CUTOVER_TEST_STORES picks them (comma-separated);
 * by default every store runs: file and postgres (a throwaway cluster, or DATABASE_URL's server).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileLedgerStore } from '../../src/store/file-store.js';
import type { StoreFactory } from './conformance.js';
import { freshPostgresStore } from '../support/postgres.js';

const FACTORIES: Record<string, StoreFactory> = {
  file: {
    async create() {
      const dir = await mkdtemp(join(tmpdir(), 'cutover-store-'));
      return { store: new FileLedgerStore({ dir }), dispose: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  postgres: {
    async create() {
      const { store, dispose } = await freshPostgresStore();
      return { store, dispose };
    },
  },
};

export function storesUnderTest(): [string, StoreFactory][] {
  const names = (process.env.CUTOVER_TEST_STORES ?? Object.keys(FACTORIES).join(','))
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  return names.map((name) => {
    const factory = FACTORIES[name];
    if (factory === undefined) throw new Error(`CUTOVER_TEST_STORES names an unknown store "${name}"; known: ${Object.keys(FACTORIES).join(', ')}`);
    return [name, factory];
  });
}
