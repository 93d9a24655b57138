// A far-future time must not freeze a program (issue 21, item 1): the server refuses a posted line
// dated beyond its clock plus the skew allowed, on both stores; `verify` warns about one already there.
import { afterEach, describe, expect, it } from 'vitest';
import { copyOfExample, cutover, tempDir } from '../support/cli.js';
import { appendSigned, LOG_OWNER } from '../support/hand-signed.js';
import { freshDatabase } from '../support/postgres.js';
import { blockerAfter, EXAMPLE_PROGRAM, eventsOf, exampleLines, headOf, postLines, recordedAfter, startServer, type RunningServer } from '../support/server.js';

const running: RunningServer[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop('SIGKILL');
});

const FAR = '9999-12-31T23:59:59.999Z';

describe.each([
  ['folder', async () => ['--data', tempDir()]],
  ['postgres', async () => ['--database', await freshDatabase()]],
] as const)('%s: a posted line dated far ahead', (_name, backend) => {
  it('is refused naming its time and the server\'s clock; nothing is stored, and the program goes on', async () => {
    const server = await startServer([...(await backend()), '--max-clock-skew', '10m']);
    running.push(server);
    const lines = exampleLines();
    expect((await postLines(server.url, EXAMPLE_PROGRAM, null, lines)).status).toBe(201);
    const before = await eventsOf(server.url, EXAMPLE_PROGRAM);
    const future = recordedAfter(lines, { type: 'cast-verdict', actor: 'memorykernel-release-owner', at: FAR, decision: 'rehearsal-continuation', verdict: 'GO' });
    const refused = await postLines(server.url, EXAMPLE_PROGRAM, headOf(lines), [future]);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('(seq 8)');
    expect(refused.body.error.message).toContain("at most 600 s ahead of this server's clock");
    expect(refused.body.error.message).toContain(FAR);
    expect(await eventsOf(server.url, EXAMPLE_PROGRAM)).toBe(before);
    expect((await postLines(server.url, EXAMPLE_PROGRAM, headOf(lines), [blockerAfter(lines, 1)])).status).toBe(201);
  });
});

describe('verify of a ledger that already holds one', () => {
  it('verifies (the verifier\'s clock is not the writer\'s) and warns that every later event must be dated after it', () => {
    const dir = copyOfExample();
    const later = '2100-01-01T00:00:00.000Z';
    appendSigned(dir, { type: 'blocker.raised', actor: LOG_OWNER, data: { id: 'B-9', text: 'from the future', owner: LOG_OWNER, due: '2027-01-01' } } as never, later);
    const verified = cutover(['-C', dir, 'verify']);
    expect(verified.code).toBe(0);
    expect(verified.stderr).toContain(`warning: seq 8 is dated ${later}, more than 5m ahead of this machine's clock`);
    expect(cutover(['-C', dir, 'verify'], { env: { CUTOVER_MAX_CLOCK_SKEW: '1000000h' } }).stderr).not.toContain('warning');
  });
});
