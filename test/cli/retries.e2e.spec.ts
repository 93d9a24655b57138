/**
 * Retries never double an event, and writers racing for the head do not have to rerun by hand
 * (issue 16, item 10).
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { as, BIN, copyOfExample, cutover, demoKey, ledgerOf } from '../support/cli.js';

const PRODUCER = 'memorykernel-release-owner';
const LOG_OWNER = 'integration-program-owner';
const LATER = '2026-02-09T09:00:00Z';

const events = (dir: string) => ledgerOf(dir).trimEnd().split('\n').map((l) => JSON.parse(l) as { seq: number; type: string; data: { id?: string } });

describe('a command run again', () => {
  it('with the same --at and content, after it was recorded, is reported as already recorded and writes nothing', () => {
    const dir = copyOfExample();
    const verdict = ['verdict', 'runtime-cutover', 'NO-GO', '--note', 'evidence missing', ...as(PRODUCER, LATER)];
    const first = cutover(['-C', dir, ...verdict]);
    expect(first.code).toBe(0);
    const after = ledgerOf(dir);
    const again = cutover(['-C', dir, ...verdict]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^already recorded seq 8 verdict\.cast/);
    expect(again.stderr).toContain('nothing new was written');
    expect(ledgerOf(dir)).toBe(after);
    // Other content, or another time, is a new event.
    expect(cutover(['-C', dir, 'verdict', 'runtime-cutover', 'NO-GO', '--note', 'still missing', ...as(PRODUCER, LATER)]).stdout).toMatch(/^recorded seq 9/);
    expect(cutover(['-C', dir, ...verdict.slice(0, -1), '2026-02-09T09:05:00Z']).stdout).toMatch(/^recorded seq 10/);
    expect(cutover(['-C', dir, 'verify']).code).toBe(0);
  });

  it('recognises a command numbered from the state (a blocker without --id) as the one recorded, not a second blocker', () => {
    const dir = copyOfExample();
    const raise = ['blocker', 'raise', '--text', 'legal review', '--owner', LOG_OWNER, '--due', '2026-03-01', ...as(PRODUCER, LATER)];
    expect(cutover(['-C', dir, ...raise]).code).toBe(0);
    expect(cutover(['-C', dir, ...raise]).stdout).toMatch(/^already recorded seq 8 blocker\.raised/);
    expect(events(dir).filter((e) => e.type === 'blocker.raised')).toHaveLength(1);
  });
});

describe('writers racing for the head', () => {
  it('six writers at once whose decisions hold on any head all succeed by themselves, and the ledger verifies', async () => {
    const dir = copyOfExample();
    const writers = Array.from({ length: 6 }, (_, i) =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, '-C', dir, 'blocker', 'raise', '--id', `B-${i + 1}`, '--text', `check ${i + 1}`, '--owner', LOG_OWNER, '--due', '2026-03-01', '--as', PRODUCER, '--key', demoKey(PRODUCER)], {
          env: { PATH: process.env.PATH ?? '' },
        });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('exit', (code) => resolve({ code: code ?? -1, stderr }));
      }),
    );
    const results = await Promise.all(writers);
    expect(results.map((r) => r.code), results.map((r) => r.stderr).join('\n')).toEqual([0, 0, 0, 0, 0, 0]);
    expect(events(dir).filter((e) => e.type === 'blocker.raised').map((e) => e.data.id).sort()).toEqual(['B-1', 'B-2', 'B-3', 'B-4', 'B-5', 'B-6']);
    expect(cutover(['-C', dir, 'verify']).code).toBe(0);
  });
});
