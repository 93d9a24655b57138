// `cutover serve --data DIR` restarted: like the PostgreSQL server, it resumes at each program's
// verified checkpoint (kept in the cache folder, not beside the ledgers) and verifies only what
// follows; an edited byte before the checkpoint, or a damaged checkpoint, is never trusted.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blockerAfter, EXAMPLE_PROGRAM, headOf, metricOf, postExampleThenStop, startServer, type RunningServer } from '../support/server.js';

const running: RunningServer[] = [];
const folders: string[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop('SIGKILL');
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});

function folder(): { data: string; cache: string } {
  const root = mkdtempSync(join(tmpdir(), 'cutover-served-'));
  folders.push(root);
  return { data: join(root, 'data'), cache: join(root, 'cache') };
}

async function serving(where: { data: string; cache: string }): Promise<RunningServer> {
  const server = await startServer(['--data', where.data], { CUTOVER_CACHE: where.cache });
  running.push(server);
  return server;
}

/** The example and `extra` blockers posted, then a graceful stop (which keeps the checkpoint). */
async function programWithCheckpoint(where: { data: string; cache: string }, extra: number): Promise<string[]> {
  return postExampleThenStop(await serving(where), extra);
}

const ledgerOf = (where: { data: string }) => join(where.data, `${EXAMPLE_PROGRAM}.jsonl`);
const metrics = async (server: RunningServer) => (await fetch(`${server.url}/metrics`)).text();

describe('cutover serve --data: restarts from its verified checkpoint', () => {
  it('resumes at the checkpoint and verifies only the lines appended to the file since', async () => {
    const where = folder();
    let lines = await programWithCheckpoint(where, 10);
    // A `git pull` (or another writer) adds 3 lines while the server is down.
    for (let n = 11; n <= 13; n++) lines = [...lines, blockerAfter(lines, n)];
    writeFileSync(ledgerOf(where), lines.join('\n') + '\n');

    const server = await serving(where);
    const status = await fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/status`);
    expect(status.status).toBe(200);
    expect(status.headers.get('etag')).toBe(`"${headOf(lines)}"`);
    const text = await metrics(server);
    expect(metricOf(text, 'cutover_program_loads_total{from="checkpoint"}')).toBe(1);
    expect(metricOf(text, 'cutover_checkpoint_resumed_events_total')).toBe(17);
    expect(metricOf(text, 'cutover_loaded_events_verified_total')).toBe(3);
    expect(server.log()).not.toMatch(/checkpoint/);
    // Kept in the cache folder, never beside the ledgers (beside them: the ledger and who posted it).
    expect(readdirSync(where.data).sort()).toEqual([`${EXAMPLE_PROGRAM}.jsonl`, `${EXAMPLE_PROGRAM}.jsonl.posted-by`]);
  });

  it('one edited byte before the checkpoint makes the load verify in full and name the line', async () => {
    const where = folder();
    await programWithCheckpoint(where, 10);
    const text = readFileSync(ledgerOf(where), 'utf8');
    const lines = text.split('\n');
    lines[9] = lines[9]!.replace('"blocker 3"', '"blocker 4"');
    expect(lines.join('\n')).not.toBe(text);
    writeFileSync(ledgerOf(where), lines.join('\n'));

    const server = await serving(where);
    const status = await fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/status`);
    expect(status.status).toBe(422);
    const { error } = (await status.json()) as { error: { kind: string; message: string } };
    expect(error.kind).toBe('ledger');
    expect(error.message).toMatch(/:10: seq 10 edited/);
    const notes = server.log().split('\n').filter((l) => l.includes('checkpoint'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/at seq 17 no longer matches the stored lines before it/);
    expect(metricOf(await metrics(server), 'cutover_program_loads_total{from="checkpoint"}')).toBe(0);
  });

  it('a damaged checkpoint is set aside with a note, and the program verified in full', async () => {
    const where = folder();
    const lines = await programWithCheckpoint(where, 2);
    const served = join(where.cache, 'served');
    const [file] = readdirSync(served);
    writeFileSync(join(served, file!), readFileSync(join(served, file!), 'utf8').slice(0, 80));

    const server = await serving(where);
    const status = await fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/status`);
    expect(status.status).toBe(200);
    const text = await metrics(server);
    expect(metricOf(text, 'cutover_checkpoints_ignored_total')).toBe(1);
    expect(metricOf(text, 'cutover_loaded_events_verified_total')).toBe(lines.length);
    expect(server.log()).toMatch(/the checkpoint of program memorykernel-service-v3 is corrupt/);
  });
});
