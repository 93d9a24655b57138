/**
 * `GET /v1/programs` and the overview from the programs' summaries, on PostgreSQL and on a served
 * folder: every program by default, pages that follow one another to the same list, filters by
 * urgency and by whose move it is, urgency moved by time alone without evaluating anything, the
 * HTTP client following cursors, 304 for a page the browser holds, and the same list after a restart.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serialize } from '../../src/ledger/chain.js';
import { buildServer } from '../../src/server/app.js';
import { HttpLedgerStore } from '../../src/store/http-store.js';
import type { LedgerStore } from '../../src/store/ledger-store.js';
import { ServedFileStore } from '../../src/store/served-file-store.js';
import { freshPostgresStore } from '../support/postgres.js';
import { chain } from '../store/conformance.js';
import { ROOT } from '../support/cli.js';

/** Every answer of GET /v1/programs follows its published schema. */
const followsSchema = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schemas/program-list.schema.json'), 'utf8')));

interface Listed {
  id: string;
  urgency: string;
  evaluatedAt: string;
  whoseMove: { party: string; roles: string[] }[];
  mostUrgent: { kind: string; what?: string; state?: string } | null;
}

const BACKENDS: Record<string, () => Promise<{ open(): Promise<LedgerStore>; dispose(): Promise<void> }>> = {
  postgres: async () => {
    const { store, dispose } = await freshPostgresStore();
    return { open: async () => store, dispose };
  },
  'served folder': async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cutover-list-'));
    return { open: async () => new ServedFileStore({ dir: join(dir, 'data') }, join(dir, 'cache')), dispose: () => rm(dir, { recursive: true, force: true }) };
  },
};

/** A program whose blockers (due 2027-03-01) are raised by its owner; one event: none. */
const PROGRAMS = [
  ['alpha', 3],
  ['bravo', 1],
  ['charlie', 2],
  ['delta', 1],
  ['echo', 4],
] as const;

for (const [name, backend] of Object.entries(BACKENDS)) {
  describe(`${name}: the list of programs from their summaries`, () => {
    it('lists every program, pages and filters it, sorts by urgency as time moves, and reads the same after a restart', async () => {
      const b = await backend();
      let clock = new Date('2027-02-27T12:00:00Z');
      const serve = async () => {
        const server = buildServer({ store: await b.open(), logLevel: false, now: () => clock });
        return { server, url: await server.app.listen({ port: 0, host: '127.0.0.1' }) };
      };
      let { server, url } = await serve();
      try {
        for (const [id, count] of PROGRAMS) {
          const response = await fetch(`${url}/v1/programs/${id}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ expectedHead: null, lines: chain(id, count).map(serialize) }) });
          expect(response.status).toBe(201);
        }
        const all = async (query = ''): Promise<{ programs: Listed[]; next: string | null }> => {
          const body = await (await fetch(`${url}/v1/programs${query}`)).json();
          expect(followsSchema(body), JSON.stringify(followsSchema.errors)).toBe(true);
          return body as never;
        };

        // Every program by default; those with a blocker wait on its owner's party, the others on no one.
        const everything = (await all()).programs;
        expect(everything.map((p) => p.id).sort()).toEqual(PROGRAMS.map(([id]) => id).sort());
        const blocked = everything.filter((p) => p.mostUrgent?.kind === 'blocker').map((p) => p.id).sort();
        expect(blocked).toEqual(['alpha', 'charlie', 'echo']);

        // Pages of two follow one another to the same list.
        const paged: string[] = [];
        let next: string | null = null;
        do {
          const page = await all(`?limit=2${next === null ? '' : `&cursor=${encodeURIComponent(next)}`}`);
          expect(page.programs.length).toBeLessThanOrEqual(2);
          paged.push(...page.programs.map((p) => p.id));
          next = page.next;
        } while (next !== null);
        expect(paged).toEqual(everything.map((p) => p.id));
        // The HTTP client follows the cursors too.
        expect(await new HttpLedgerStore(url).listPrograms()).toEqual(PROGRAMS.map(([id]) => id).sort());

        // By whose move: the party the blockers' owner belongs to.
        const party = everything.find((p) => p.id === 'alpha')!.whoseMove[0]!.party;
        expect((await all(`?party=${party}`)).programs.map((p) => p.id).sort()).toEqual(blocked);
        expect((await all('?state=overdue')).programs).toEqual([]);

        // Past the blockers' due day, with no event: overdue first, sorted by the stored ranks, none evaluated again.
        clock = new Date('2027-03-02T00:00:01Z');
        const later = (await all()).programs;
        expect(later.slice(0, 3).map((p) => [p.id, p.urgency])).toEqual([['alpha', 'overdue'], ['charlie', 'overdue'], ['echo', 'overdue']]);
        expect(later.map((p) => p.evaluatedAt)).toEqual(later.map((p) => everything.find((e) => e.id === p.id)!.evaluatedAt));
        expect((await all('?state=overdue')).programs.map((p) => p.id)).toEqual(['alpha', 'charlie', 'echo']);

        // The overview: the most urgent item first, and 304 for the rendering the browser holds.
        const overview = await fetch(`${url}/`);
        const text = await overview.text();
        expect(text.indexOf('data-program="alpha"')).toBeLessThan(text.indexOf('data-program="bravo"'));
        expect(text).toMatch(/C-\d+: blocker \d+: <strong>overdue by /);
        const etag = overview.headers.get('etag')!;
        expect((await fetch(`${url}/`, { headers: { 'if-none-match': etag } })).status).toBe(304);
        const programPage = await fetch(`${url}/programs/alpha`);
        expect(programPage.status).toBe(200);
        expect((await fetch(`${url}/programs/alpha`, { headers: { 'if-none-match': programPage.headers.get('etag')! } })).status).toBe(304);

        // A restart reads the same list from the kept summaries.
        await server.app.close();
        ({ server, url } = await serve());
        expect((await all()).programs.map((p) => [p.id, p.urgency])).toEqual(later.map((p) => [p.id, p.urgency]));
      } finally {
        await server.app.close();
        await b.dispose();
      }
    }, 60_000);
  });
}
