/**
 * Impossible input is refused with exit 2, a message naming the field, and every file of the
 * program folder byte for byte as it was (issue 16, items 5 and 7).
 */
import { describe, expect, it } from 'vitest';
import { as, copyOfExample, cutover, demoKey } from '../support/cli.js';
import { snapshot } from '../support/snapshot.js';

const PRODUCER = 'memorykernel-release-owner';
const LATER = '2026-02-09T09:00:00Z';

/** Runs a command that must be refused: exit 2, the message naming `field`, nothing changed. */
function expectRefused(dir: string, args: readonly string[], field: string | RegExp, env?: Record<string, string>) {
  const before = snapshot(dir);
  const run = cutover(['-C', dir, ...args], env === undefined ? {} : { env });
  expect(run.stderr).toMatch(field);
  expect(run.code).toBe(2);
  expect(snapshot(dir)).toEqual(before);
  return run;
}

describe('a far-future --at (item 5)', () => {
  it('is refused beyond the clock skew allowed, so it cannot freeze the ledger', () => {
    const dir = copyOfExample();
    const run = expectRefused(dir, ['verdict', 'runtime-cutover', 'NO-GO', ...as(PRODUCER, '9999-12-31T23:59:59Z')], '--at');
    expect(run.stderr).toContain('at most 5m ahead');
    // A record now still works afterwards: nothing was frozen.
    expect(cutover(['-C', dir, 'verdict', 'runtime-cutover', 'NO-GO', '--as', PRODUCER, '--key', demoKey(PRODUCER)]).code).toBe(0);
  });

  it('allows a time a little ahead of the clock, and the skew is configurable by flag and environment', () => {
    const dir = copyOfExample();
    const soon = new Date(Date.now() + 60_000).toISOString();
    expect(cutover(['-C', dir, 'verdict', 'rehearsal-continuation', 'GO', ...as(PRODUCER, soon)]).code).toBe(0);
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    expectRefused(dir, ['verdict', 'runtime-cutover', 'NO-GO', ...as(PRODUCER, inAnHour)], '--at');
    expectRefused(dir, ['verdict', 'runtime-cutover', 'NO-GO', ...as(PRODUCER, inAnHour)], 'CUTOVER_MAX_CLOCK_SKEW: 30m', { CUTOVER_MAX_CLOCK_SKEW: '30m' });
    expectRefused(dir, ['verdict', 'runtime-cutover', 'NO-GO', ...as(PRODUCER, inAnHour), '--max-clock-skew', 'soon'], '--max-clock-skew');
    expect(cutover(['-C', dir, 'verdict', 'runtime-cutover', 'NO-GO', ...as(PRODUCER, inAnHour)], { env: { CUTOVER_MAX_CLOCK_SKEW: '2h' } }).code).toBe(0);
    expect(cutover(['-C', dir, 'verdict', 'runtime-cutover', 'NO-GO', ...as(PRODUCER, inAnHour), '--max-clock-skew', '2h']).code).toBe(0);
  });

  it('keeps --at in the past for replays', () => {
    const dir = copyOfExample();
    expect(cutover(['-C', dir, 'verdict', 'runtime-cutover', 'NO-GO', ...as(PRODUCER, LATER)]).code).toBe(0);
  });
});

describe('impossible input (item 7)', () => {
  const raise = (extra: readonly string[]) => ['blocker', 'raise', '--owner', PRODUCER, ...as(PRODUCER, LATER), ...extra];

  it('refuses a day that does not exist, in --at and in --due', () => {
    const dir = copyOfExample();
    expectRefused(dir, ['verdict', 'runtime-cutover', 'NO-GO', ...as(PRODUCER, '2026-02-30T10:00:00Z')], '--at');
    expectRefused(dir, ['verdict', 'runtime-cutover', 'NO-GO', ...as(PRODUCER, '2026-02-09T24:00:00Z')], '--at');
    expectRefused(dir, raise(['--text', 'waiting', '--due', '2026-02-30']), '--due');
    expectRefused(dir, raise(['--text', 'waiting', '--due', '2026-13-01']), '--due');
    expect(cutover(['-C', dir, ...raise(['--text', 'waiting', '--due', '2028-02-29'])]).code).toBe(0);
  });

  it('refuses ids that do not follow the pattern of ids in cutover.yaml', () => {
    const dir = copyOfExample();
    for (const id of ['../../x', 'a\nb', '', ' B-1', '-x']) {
      expectRefused(dir, raise(['--text', 'waiting', '--due', '2026-03-01', '--id', id]), '--id');
    }
    expectRefused(dir, ['incident', 'declare', '--trigger', 'envelope-mismatch', '--severity', 'SEV-1', '--summary', 's', '--id', '../INC', ...as('memorykernel-incident-commander', LATER)], '--id');
    expect(cutover(['-C', dir, ...raise(['--text', 'waiting', '--due', '2026-03-01', '--id', 'B-legal.1'])]).code).toBe(0);
  });

  it('refuses empty or blank text, and text beyond the size limit', () => {
    const dir = copyOfExample();
    expectRefused(dir, raise(['--text', '', '--due', '2026-03-01']), '--text');
    expectRefused(dir, raise(['--text', ' \n\t', '--due', '2026-03-01']), '--text');
    expectRefused(dir, ['verdict', 'runtime-cutover', 'NO-GO', '--note', '', ...as(PRODUCER, LATER)], '--note');
    const long = expectRefused(dir, raise(['--text', 'x'.repeat(10_001), '--due', '2026-03-01']), '--text');
    expect(long.stderr).toContain('at most 10,000 characters');
  });

  it('refuses a contract name that is not a name (__proto__ would be dropped silently)', () => {
    const dir = copyOfExample();
    const publish = (contract: string) => ['target', 'publish', '--tag', 'v3.0.0', '--sha', 'a'.repeat(40), '--contract', contract, ...as(PRODUCER, LATER)];
    for (const contract of ['__proto__=x', '_x=y', '-x=y', 'a b=c']) expectRefused(dir, publish(contract), '--contract');
    expectRefused(dir, [...publish('service=service.v3'), '--contract', 'service=service.v4'], '--contract');
  });
});
