/**
 * Human `status` and `gate` (issue 15, item 5): lines within 100 columns, colour only on a terminal
 * or when asked (FORCE_COLOR), never with NO_COLOR, and never at the cost of escaping ledger text;
 * the baseline says whether it was verified in git.
 */
import { describe, expect, it } from 'vitest';
import { as, copyOfExample, cutover, EXAMPLE, overWide } from '../support/cli.js';

const PRODUCER = 'memorykernel-release-owner';
const LATER = '2026-02-09T09:00:00Z';
const ESC = '\u001b';

describe('within 100 columns', () => {
  it('status, both gates and the blockers of the example program', () => {
    for (const args of [['status'], ['gate', 'runtime-cutover'], ['gate', 'rehearsal-continuation']]) {
      const run = cutover(['-C', EXAMPLE, ...args]);
      expect(run.stdout.split('\n').length, args.join(' ')).toBeGreaterThan(1);
      expect(overWide(run.stdout), args.join(' ')).toEqual([]);
    }
  });

  it('a clearing command too long for one line is continued with \\ under the → and still reads as the same command', () => {
    const run = cutover(['-C', EXAMPLE, 'gate', 'runtime-cutover']);
    const lines = run.stdout.split('\n');
    const start = lines.findIndex((l) => l.includes('→ cutover evidence add --kind rollback-execution --party memorykernel'));
    expect(start).toBeGreaterThan(-1);
    const command: string[] = [];
    for (let i = start; ; i++) {
      command.push(lines[i]!.replace(/^\s*(→ )?/, '').replace(/ \\$/, ''));
      if (!lines[i]!.endsWith(' \\')) break;
    }
    expect(command.length).toBeGreaterThan(1);
    expect(command.join(' ')).toBe(
      `cutover evidence add --kind rollback-execution --party memorykernel --verdict PASS --suite contract --cwd <MemoryKernel checkout> --at-rollback-target --as ${PRODUCER}`,
    );
  });
});

describe('colour', () => {
  it('none in a pipe; FORCE_COLOR=1 adds escapes (GO and NO-GO still differ in words); NO_COLOR wins over it', () => {
    const piped = cutover(['-C', EXAMPLE, 'status']);
    expect(piped.stdout).not.toContain(ESC);
    const forced = cutover(['-C', EXAMPLE, 'status'], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain(`${ESC}[`);
    // Without the escapes it is the same text, word for word.
    expect(forced.stdout.replace(/\u001b\[[0-9;]*m/g, '')).toBe(piped.stdout);
    expect(piped.stdout).toMatch(/runtime-cutover +NO-GO/);
    expect(piped.stdout).toMatch(/rehearsal-continuation +GO/);
    const gate = cutover(['-C', EXAMPLE, 'gate', 'runtime-cutover'], { env: { FORCE_COLOR: '1' } });
    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain(`${ESC}[`);
    for (const env of [{ NO_COLOR: '1' }, { NO_COLOR: '1', FORCE_COLOR: '1' }, { FORCE_COLOR: '0' }] as Record<string, string>[]) {
      expect(cutover(['-C', EXAMPLE, 'status'], { env }).stdout, JSON.stringify(env)).not.toContain(ESC);
    }
  });

  it('an escape sequence in ledger text is still shown escaped when colour is on', () => {
    const dir = copyOfExample();
    const text = 'waiting \u001b[2J\u001b[32mGO\u001b[0m';
    expect(cutover(['-C', dir, 'blocker', 'raise', '--text', text, '--owner', PRODUCER, '--due', '2026-03-01', ...as(PRODUCER, LATER)]).code).toBe(0);
    const status = cutover(['-C', dir, 'status'], { env: { FORCE_COLOR: '1' } }).stdout;
    expect(status).toContain('waiting \\u001b[2J\\u001b[32mGO\\u001b[0m');
    expect(status).not.toContain(`${ESC}[2J`);
  });
});

describe('the baseline', () => {
  it('is unverified when recorded without the producer repository, and says so', () => {
    const dir = copyOfExample();
    const sha = 'a'.repeat(40);
    const run = cutover(['-C', dir, 'target', 'publish', '--baseline', '--tag', 'v2.9.0', '--sha', sha, '--contract', 'service=service.v2', ...as(PRODUCER, LATER)]);
    expect(run.code, run.stderr).toBe(0);
    expect(cutover(['-C', dir, 'status']).stdout).toContain(`Baseline: v2.9.0 @ ${'a'.repeat(12)} [service=service.v2] (unverified)`);
    expect(JSON.parse(cutover(['-C', dir, 'status', '--json']).stdout).baselineVerified).toBe(false);
  });
});
