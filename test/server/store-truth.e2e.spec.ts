// The store is the truth, even when it goes back or holds a damaged program (issue 21, items 3 and 4),
// with real `cutover serve` replicas on one PostgreSQL database and rows changed by a superuser.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { serialize } from '../../src/ledger/chain.js';
import { freshDatabase, testCluster } from '../support/postgres.js';
import { blockerAfter, EXAMPLE_PROGRAM, exampleLines, headOf, metricOf, postLines, serversPerTest, type RunningServer } from '../support/server.js';
import { chain } from '../store/conformance.js';

const start = serversPerTest();
const serving = (database: string): Promise<RunningServer> => start(['--database', database]);

/** A statement as a superuser who switches the append-only guard off and on again: no trace is left. */
async function behindTheGuard(database: string, statement: string): Promise<void> {
  const sql = `ALTER TABLE cutover.events DISABLE TRIGGER events_append_only; ${statement}; ALTER TABLE cutover.events ENABLE TRIGGER events_append_only`;
  const psql = (await testCluster()).command('psql', [database, '-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
  const run = spawnSync(psql.file, psql.args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
}

const metricsOf = async (server: RunningServer) => (await fetch(`${server.url}/metrics`)).text();
const statusOf = async (server: RunningServer) => {
  const response = await fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/status`);
  return { status: response.status, body: (await response.json()) as { seq: number; head: string } };
};

describe('postgres: the store going back', () => {
  it('a last row deleted under two running replicas: each answers from the store within one request, with no 409 loop', async () => {
    const database = await freshDatabase();
    const [a, b] = [await serving(database), await serving(database)];
    let lines = exampleLines();
    expect((await postLines(a.url, EXAMPLE_PROGRAM, null, lines)).status).toBe(201);
    for (let n = 1; n <= 3; n++) {
      const line = blockerAfter(lines, n);
      expect((await postLines(a.url, EXAMPLE_PROGRAM, headOf(lines), [line])).status).toBe(201);
      lines = [...lines, line];
    }
    // Both replicas have verified seq 10.
    for (const server of [a, b]) expect((await statusOf(server)).body.seq).toBe(10);

    // A restored backup, a fail-over to a lagging standby: seq 10 is gone.
    await behindTheGuard(database, `DELETE FROM cutover.events WHERE program = '${EXAMPLE_PROGRAM}' AND seq = 10`);
    const nine = lines.slice(0, 9);
    const read = await statusOf(a);
    expect(read).toMatchObject({ status: 200, body: { seq: 9, head: headOf(nine) } });
    expect(metricOf(await metricsOf(a), 'cutover_store_rewound_total')).toBe(1);
    expect(a.log()).toMatch(/the store holds seq 9 .* behind or beside the verified seq 10/);

    // One POST to each, each on the store's head as it is: both taken at once.
    const onA = blockerAfter(nine, 11);
    expect(await postLines(a.url, EXAMPLE_PROGRAM, headOf(nine), [onA])).toMatchObject({ status: 201, body: { seq: 10 } });
    const ten = [...nine, onA];
    // Replica B still holds the deleted seq 10: another line at the same seq is the store going back too.
    const onB = blockerAfter(ten, 12);
    expect(await postLines(b.url, EXAMPLE_PROGRAM, headOf(ten), [onB])).toMatchObject({ status: 201, body: { seq: 11 } });
    expect(metricOf(await metricsOf(b), 'cutover_store_rewound_total')).toBe(1);
    for (const server of [a, b]) expect((await statusOf(server)).body).toMatchObject({ seq: 11, head: headOf([...ten, onB]) });
  });
});

describe('postgres: one damaged program among others', () => {
  it('is listed as failing, naming the line, while the others are served; the failure is remembered until its head changes', async () => {
    const database = await freshDatabase();
    const server = await serving(database);
    expect((await postLines(server.url, EXAMPLE_PROGRAM, null, exampleLines())).status).toBe(201);
    const other = chain('other-program', 3);
    expect((await postLines(server.url, 'other-program', null, other.map(serialize))).status).toBe(201);
    await behindTheGuard(database, `UPDATE cutover.events SET line = replace(line, 'service.v3', 'service.v9') WHERE program = '${EXAMPLE_PROGRAM}' AND seq = 1`);

    // A fresh replica lists programs from their summaries (made from verified lines); a read loads
    // the program, finds the edited line, and from then on the list names it as failing.
    const replica = await serving(database);
    expect((await fetch(`${replica.url}/v1/programs/${EXAMPLE_PROGRAM}/status`)).status).toBe(422);
    const listed = await fetch(`${replica.url}/v1/programs`);
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { programs: { id: string }[]; failing: { id: string; line: number; message: string }[] };
    expect(body.programs.map((p) => p.id)).toEqual(['other-program']);
    expect(body.failing).toEqual([expect.objectContaining({ id: EXAMPLE_PROGRAM, line: 1, message: expect.stringMatching(/:1: seq 1 edited/) })])
    const overview = await fetch(`${replica.url}/`);
    expect(overview.status).toBe(200);
    const page = await overview.text();
    expect(page).toContain('Failing verification');
    expect(page).toContain('other-program');

    // Asked again at the same head, the failure is not verified again.
    const verifiedBefore = metricOf(await metricsOf(replica), 'cutover_loaded_events_verified_total');
    expect((await fetch(`${replica.url}/v1/programs/${EXAMPLE_PROGRAM}/status`)).status).toBe(422);
    await fetch(`${replica.url}/v1/programs`);
    const after = await metricsOf(replica);
    expect(metricOf(after, 'cutover_loaded_events_verified_total')).toBe(verifiedBefore);
    expect(metricOf(after, 'cutover_program_loads_failed_total')).toBe(1);
  });
});
