// A far-future time must not freeze a program (issue 21, item 1): the server refuses a posted line
// dated beyond its clock plus the skew allowed, on both stores; `verify` warns about one already there.
import { afterEach, describe, expect, it } from 'vitest';
import { copyOfExample, cutover, demoKey, tempDir } from '../support/cli.js';
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

describe.each([
  ['folder', async () => ['--data', tempDir()]],
  ['postgres', async () => ['--database', await freshDatabase()]],
] as const)('%s: a program frozen by an earlier version', (_name, backend) => {
  it('refuses new lines naming the way out; the decision-log owner corrects the clock, and the program goes on and verifies', async () => {
    // An earlier version checked no clock: a server allowing any skew stands for it.
    const store = await backend();
    const old = await startServer([...store, '--max-clock-skew', '100000000h']);
    const lines = exampleLines();
    expect((await postLines(old.url, EXAMPLE_PROGRAM, null, lines)).status).toBe(201);
    const future = recordedAfter(lines, { type: 'cast-verdict', actor: 'memorykernel-release-owner', at: FAR, decision: 'rehearsal-continuation', verdict: 'GO' });
    expect((await postLines(old.url, EXAMPLE_PROGRAM, headOf(lines), [future])).status).toBe(201);
    expect(await old.stop()).toBe(0);

    const server = await startServer(store);
    running.push(server);
    const remote = ['--server', server.url, '--program', EXAMPLE_PROGRAM];
    const raise = [...remote, 'blocker', 'raise', '--text', 'after the freeze', '--owner', LOG_OWNER, '--due', '2027-01-31', '--as', LOG_OWNER, '--key', demoKey(LOG_OWNER)];
    const frozen = cutover(raise);
    expect(frozen.code).not.toBe(0);
    expect(frozen.stderr).toContain('the ledger never goes back in time');
    expect(frozen.stderr).toContain('cutover program correct-clock');

    const corrected = cutover([...remote, 'program', 'correct-clock', '--reason', 'a verdict dated 9999 by an old server', '--as', LOG_OWNER, '--key', demoKey(LOG_OWNER)]);
    expect(corrected).toMatchObject({ code: 0, stdout: expect.stringContaining('recorded seq 9 clock.corrected') });
    expect(cutover(raise)).toMatchObject({ code: 0, stdout: expect.stringContaining('recorded seq 10 blocker.raised') });

    expect(cutover([...remote, 'verify'])).toMatchObject({ code: 0, stderr: '' });
    expect(cutover([...remote, 'log']).stdout).toContain('clock corrected: the lines from seq 8 to seq 8 were dated in the future');
  });
});

describe('a clock correction written by hand', () => {
  const frozenExample = () => {
    const dir = copyOfExample();
    appendSigned(dir, { type: 'blocker.raised', actor: LOG_OWNER, data: { id: 'B-9', text: 'from the future', owner: LOG_OWNER, due: '2027-01-01' } } as never, FAR);
    return dir;
  };

  it('by the decision-log owner, naming the misdated line, verifies', () => {
    const dir = frozenExample();
    appendSigned(dir, { type: 'clock.corrected', actor: LOG_OWNER, data: { misdatedFrom: 8, reason: 'dated 9999' } } as never, '2026-02-10T00:00:00.000Z');
    expect(cutover(['-C', dir, 'verify']).code).toBe(0);
  });

  it('by another role is refused by verify', () => {
    const dir = frozenExample();
    appendSigned(dir, { type: 'clock.corrected', actor: 'memorykernel-release-owner', data: { misdatedFrom: 8, reason: 'dated 9999' } } as never, '2026-02-10T00:00:00.000Z');
    const verified = cutover(['-C', dir, 'verify']);
    expect(verified.code).toBe(3);
    expect(verified.stdout + verified.stderr).toContain('decision-log owner');
  });

  it('naming a line that is not the first misdated one is refused by verify', () => {
    const dir = frozenExample();
    appendSigned(dir, { type: 'clock.corrected', actor: LOG_OWNER, data: { misdatedFrom: 7, reason: 'dated 9999' } } as never, '2026-02-10T00:00:00.000Z');
    const verified = cutover(['-C', dir, 'verify']);
    expect(verified.code).toBe(3);
    expect(verified.stdout + verified.stderr).toContain('misdatedFrom is 7, the policy gives 8');
  });

  it('going back before the program began is refused by verify', () => {
    const dir = frozenExample();
    appendSigned(dir, { type: 'clock.corrected', actor: LOG_OWNER, data: { misdatedFrom: 8, reason: 'dated 9999' } } as never, '2026-01-01T00:00:00.000Z');
    const verified = cutover(['-C', dir, 'verify']);
    expect(verified.code).toBe(3);
    expect(verified.stdout + verified.stderr).toContain('a correction cannot go back before the program began');
  });
});
