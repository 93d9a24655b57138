/**
 * The stores the shared specs run over, each run named: the file store, PostgreSQL, the HTTP client
 * store against an in-process `cutover serve` on each backend, and the server's folder store.
 * CUTOVER_TEST_STORES picks some (comma-separated); by default every store runs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '../../src/server/app.js';
import { FileLedgerStore } from '../../src/store/file-store.js';
import { HttpLedgerStore } from '../../src/store/http-store.js';
import type { LedgerStore } from '../../src/store/ledger-store.js';
import { ServedFileStore } from '../../src/store/served-file-store.js';
import type { StoreFactory } from './conformance.js';
import { freshPostgresStore } from '../support/postgres.js';

async function tempFolder(): Promise<{ dir: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cutover-store-'));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** A served folder: the ledgers in `data/`, the server's checkpoints in `cache/`. */
async function servedFolder(): Promise<{ store: ServedFileStore; dispose(): Promise<void> }> {
  const { dir, dispose } = await tempFolder();
  return { store: new ServedFileStore({ dir: join(dir, 'data') }, join(dir, 'cache')), dispose };
}

/** `cutover serve` in this process on loopback, over `backend`, and the HTTP client store that talks to it. */
async function overHttp(backend: { store: LedgerStore; dispose(): Promise<void> }): Promise<{ store: LedgerStore; dispose(): Promise<void> }> {
  const server = buildServer({ store: backend.store, logLevel: false });
  const url = await server.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    store: new HttpLedgerStore(url),
    async dispose() {
      await server.app.close();
      await backend.dispose();
    },
  };
}

const FACTORIES: Record<string, StoreFactory> = {
  file: {
    async create() {
      const { dir, dispose } = await tempFolder();
      return { store: new FileLedgerStore({ dir }), dispose };
    },
  },
  postgres: { create: () => freshPostgresStore() },
  'http over serve on postgres': { create: async () => overHttp(await freshPostgresStore()) },
  'http over serve on a folder': { create: async () => overHttp(await servedFolder()) },
  'served folder': { create: servedFolder },
};

/** The stores that keep a checkpoint shelf beside the lines (the server's). */
export const SHELVES = {
  'served folder (cache folder)': servedFolder,
  'postgres (checkpoints table)': freshPostgresStore,
} as const;

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
