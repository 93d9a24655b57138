import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { as, copyOfExample, cutover, ledgerOf, tempDir } from '../support/cli.js';
import { freshDatabase } from '../support/postgres.js';
import { EXAMPLE_PROGRAM, startServer, type RunningServer } from '../support/server.js';

const running: RunningServer[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop('SIGKILL');
});

describe('postgres: the CLI against a server', () => {
  it('push, status, gate and a verdict through --server, then pull: the ledgers are byte-identical', async () => {
    const server = await startServer(['--database', await freshDatabase()]);
    running.push(server);
    const folder = copyOfExample();
    const at = '2026-02-09T10:00:00.000Z';

    const pushed = cutover(['-C', folder, 'push', '--server', server.url]);
    expect(pushed).toMatchObject({ code: 0, stdout: expect.stringContaining(`${EXAMPLE_PROGRAM}: pushed 7 events (seq 1–7)`) });
    expect(cutover(['-C', folder, 'push', '--server', server.url]).stdout).toContain('the server already holds the same 7 events');

    const remote = ['--server', server.url, '--program', EXAMPLE_PROGRAM];
    expect(cutover([...remote, 'status', '--json', '--at', at]).stdout).toBe(cutover(['-C', folder, 'status', '--json', '--at', at]).stdout);
    const gate = cutover([...remote, 'gate', 'runtime-cutover', '--at', at]);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain('runtime-cutover: NO-GO — 4 blockers');

    const verdict = cutover([...remote, 'verdict', 'rehearsal-continuation', 'GO', '--note', 'from CI', ...as('memorykernel-release-owner', at)]);
    expect(verdict).toMatchObject({ code: 0, stdout: expect.stringContaining('recorded seq 8 verdict.cast') });
    const refused = cutover([...remote, 'phase', 'start', '8', ...as('integration-program-owner', at)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Phase 8 (Runtime cutover) cannot start');

    expect(cutover(['-C', folder, 'verify', '--against', server.url])).toMatchObject({ code: 1, stdout: expect.stringContaining('behind by 1') });
    expect(cutover(['-C', folder, 'pull', '--server', server.url])).toMatchObject({ code: 0, stdout: expect.stringContaining('pulled 1 event') });
    expect(cutover(['-C', folder, 'verify', '--against', server.url])).toMatchObject({ code: 0, stdout: expect.stringContaining('same: both copies hold the same 8 events') });
    const served = await (await fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/events`)).text();
    expect(ledgerOf(folder)).toBe(served);

    const empty = tempDir();
    expect(cutover(['-C', empty, 'pull', '--server', server.url, '--program', EXAMPLE_PROGRAM]).code).toBe(0);
    expect(readFileSync(join(empty, '.cutover/ledger.jsonl'), 'utf8')).toBe(served);
  });

  it('a server that is not there is a clear error, and nothing is written', () => {
    const r = cutover(['--server', 'http://127.0.0.1:9', '--program', EXAMPLE_PROGRAM, 'status']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the server http:\/\/127\.0\.0\.1:9 cannot be reached/);
  });
});
