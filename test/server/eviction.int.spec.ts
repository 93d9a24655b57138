/**
 * Programs leave memory when idle, under a byte budget, and come back with the same answers: an
 * idle program is let go of once another is read past the budget, and the next read of it loads it
 * again from the checkpoint kept when it was verified (no line verified twice), answering the same.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serialize } from '../../src/ledger/chain.js';
import { buildServer } from '../../src/server/app.js';
import { estimatedBytes } from '../../src/server/program-cache.js';
import { ServedFileStore } from '../../src/store/served-file-store.js';
import { chain } from '../store/conformance.js';
import { metricOf } from '../support/server.js';
import { tempDir } from '../support/temp.js';

describe('programs under a memory budget', () => {
  it('an idle program is evicted and reloaded with the same answers', async () => {
    const dir = tempDir();
    const clock = new Date('2026-06-01T00:00:00Z');
    // Room for one 4-event program, not two.
    const server = buildServer({ store: new ServedFileStore({ dir: join(dir, 'data') }, join(dir, 'cache')), logLevel: false, now: () => clock, programMemoryBudget: estimatedBytes(4) + 1 });
    const url = await server.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      for (const id of ['idle', 'busy']) {
        const posted = await fetch(`${url}/v1/programs/${id}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ expectedHead: null, lines: chain(id, 4).map(serialize) }) });
        expect(posted.status).toBe(201);
      }
      const status = async (id: string) => {
        const r = await fetch(`${url}/v1/programs/${id}/status`);
        expect(r.status).toBe(200);
        return r.text();
      };
      const metrics = async () => (await fetch(`${url}/metrics`)).text();
      const before = await status('idle');
      const page = await (await fetch(`${url}/programs/idle`)).text();
      await status('busy'); // past the budget: idle, read least recently, leaves memory
      const loadsBefore = metricOf(await metrics(), 'cutover_program_loads_total{from="checkpoint"}');
      const verifiedBefore = metricOf(await metrics(), 'cutover_loaded_events_verified_total');

      expect(await status('idle')).toBe(before);
      expect(await (await fetch(`${url}/programs/idle`)).text()).toBe(page);
      const after = await metrics();
      expect(metricOf(after, 'cutover_program_loads_total{from="checkpoint"}')).toBe(loadsBefore + 1);
      expect(metricOf(after, 'cutover_loaded_events_verified_total')).toBe(verifiedBefore);
    } finally {
      await server.app.close();
    }
  });
});
