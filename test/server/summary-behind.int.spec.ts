// A server stopped between an append's commit and its summary (kill -9, a lost connection) leaves
// the summary behind the ledger. The next server to start on the store finds it on its first sweep
// and lists the program as its ledger now says, on PostgreSQL and on a served folder.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/domain/events.js';
import { buildServer } from '../../src/server/app.js';
import type { LedgerStore } from '../../src/store/ledger-store.js';
import { ServedFileStore } from '../../src/store/served-file-store.js';
import { tempDir } from '../support/cli.js';
import { freshPostgresStore } from '../support/postgres.js';
import { blockerAfter, EXAMPLE_PROGRAM, exampleLines, headOf } from '../support/server.js';

const disposals: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const dispose of disposals.splice(0)) await dispose();
});

/** Each backend: a store, and how to append lines to it behind every server's back. */
const BACKENDS: Record<string, () => Promise<{ open(): LedgerStore; appendBehind(lines: readonly string[], expectedHead: string | null): Promise<void> }>> = {
  postgres: async () => {
    const { store, dispose } = await freshPostgresStore();
    disposals.push(dispose);
    return { open: () => store, appendBehind: async (lines, expectedHead) => void (await store.append(EXAMPLE_PROGRAM, expectedHead, lines.map((l) => JSON.parse(l) as LedgerEvent))) };
  },
  'served folder': async () => {
    const dir = tempDir();
    const cache = tempDir();
    return { open: () => new ServedFileStore({ dir }, cache), appendBehind: async (lines) => appendFileSync(join(dir, `${EXAMPLE_PROGRAM}.jsonl`), lines.map((l) => l + '\n').join('')) };
  },
};

for (const [name, backend] of Object.entries(BACKENDS)) {
  describe(`${name}: a summary left behind its ledger`, () => {
    it('is made again by the next server on its first sweep', async () => {
      const b = await backend();
      const lines = exampleLines();
      const first = buildServer({ store: b.open(), logLevel: false });
      const url = await first.app.listen({ port: 0, host: '127.0.0.1' });
      expect((await fetch(`${url}/v1/programs/${EXAMPLE_PROGRAM}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ expectedHead: null, lines }) })).status).toBe(201);
      await first.app.close();

      // Committed, and the server gone before it kept the summary.
      const blocker = blockerAfter(lines, 1);
      await b.appendBehind([blocker], headOf(lines));

      const second = buildServer({ store: b.open(), logLevel: false, summarySweepMs: 50 });
      const url2 = await second.app.listen({ port: 0, host: '127.0.0.1' });
      disposals.unshift(() => second.app.close());
      const listed = async () => ((await (await fetch(`${url2}/v1/programs`)).json()) as { programs: { id: string; seq: number; urgency: string; mostUrgent: unknown }[] }).programs[0]!;
      const deadline = Date.now() + 20_000;
      while ((await listed()).seq !== lines.length + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const now = await listed();
      expect(now.seq).toBe(lines.length + 1);
      expect(now.urgency).toBe('overdue');
      expect(now.mostUrgent).toMatchObject({ kind: 'deadline', what: 'T-1: blocker 1' });
    });
  });
}
