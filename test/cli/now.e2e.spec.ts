/**
 * The "now" list through the built binary (issue 25): `status` opens with it, most urgent first, and
 * `status --json` carries the same list under `now`, in the same order; a blocker with an owner waits
 * on the owner's party.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { describe, expect, it } from 'vitest';
import { StatusReport, type NowReport } from '../../src/app/status-schema.js';
import { as, copyOfExample, cutover, overWide } from '../support/cli.js';

const PRODUCER_IC = 'memorykernel-incident-commander';
const PRODUCER = 'memorykernel-release-owner';
const checkStatus = TypeCompiler.Compile(StatusReport);

function statusJson(dir: string, at: string): NowReport {
  const run = cutover(['-C', dir, 'status', '--json', '--at', at]);
  expect(run.code).toBe(0);
  const json = JSON.parse(run.stdout);
  expect([...checkStatus.Errors(json)]).toEqual([]);
  return json.now as NowReport;
}

/** The human `status` lines from the top down to the blank line after "Whose move:" (the now list). */
function humanNow(dir: string, at: string): string[] {
  const run = cutover(['-C', dir, 'status', '--at', at]);
  expect(run.code).toBe(0);
  expect(overWide(run.stdout)).toEqual([]);
  const lines = run.stdout.split('\n');
  return lines.slice(0, lines.indexOf(''));
}

/** A SEV-1 identified at 14:45 on a copy of the example: its initial notice (15 min) is five minutes overdue at 15:05. */
function sev1(): string {
  const dir = copyOfExample();
  const declared = cutover(['-C', dir, 'incident', 'declare', '--id', 'INC-1', '--trigger', 'envelope-mismatch', '--severity', 'SEV-1', '--summary', 'non-2xx envelope shape mismatch', '--identified-at', '2026-02-10T14:45:00Z', ...as(PRODUCER_IC, '2026-02-10T14:46:00Z')]);
  expect(declared.stderr).toBe('');
  return dir;
}

describe('status opens with the now list, and --json carries the same one', () => {
  it('a SEV-1 whose initial notice is five minutes overdue: the first item names it, how late, who owes it and the command', () => {
    const dir = sev1();
    const at = '2026-02-10T15:05:00Z';
    const now = statusJson(dir, at);
    expect(now.items[0]).toMatchObject({
      kind: 'deadline',
      headline: 'INC-1 initial notice: overdue by 5m',
      overdueBy: '5m',
      overdueBySeconds: 300,
      owedBy: [{ party: 'memorykernel', role: PRODUCER_IC }],
      commands: [`cutover incident notify INC-1 --as ${PRODUCER_IC}`],
    });
    expect(now.items.map((i) => i.kind)).toEqual(['deadline', 'deadline', 'incident', 'blocker', 'blocker', 'blocker', 'blocker', 'blocker']);
    expect(now.whoseMove[0]).toEqual({ party: 'memorykernel', roles: [PRODUCER_IC, PRODUCER] });

    const human = humanNow(dir, at);
    expect(human[0]).toBe('memorykernel-service-v3 — MemoryKernel service.v3 runtime cutover');
    expect(human[1]).toBe('Now, most urgent first:');
    expect(human.slice(2, 5)).toEqual([
      '  1. INC-1 initial notice: overdue by 5m',
      `     due 2026-02-10T15:00:00.000Z · owed by memorykernel (${PRODUCER_IC})`,
      `     → cutover incident notify INC-1 --as ${PRODUCER_IC}`,
    ]);
    // The same items in the same order: each numbered line starts with the JSON item's headline.
    const numbered = human.filter((l) => /^ {2}\d+\. /.test(l)).map((l) => l.replace(/^ {2}\d+\. /, ''));
    expect(numbered.length).toBe(now.items.length);
    numbered.forEach((line, i) => expect(now.items[i]!.headline.startsWith(line), `${line} / ${now.items[i]!.headline}`).toBe(true));
    const move = human.slice(human.findIndex((l) => l.startsWith('Whose move:'))).map((l) => l.trim()).join(' ');
    expect(move).toBe(`Whose move: ${now.whoseMove.map((m) => `${m.party} (${m.roles.join(', ')})`).join(', ')}`);
    expect(human).toContain(`     incident commander: memorykernel (${PRODUCER_IC})`);
  });

  it("a manual blocker with an owner waits on the owner's party, and is overdue after its due day", () => {
    const dir = copyOfExample();
    expect(cutover(['-C', dir, 'blocker', 'raise', '--text', 'security sign-off of the envelope change', '--owner', PRODUCER, '--due', '2026-12-05', ...as(PRODUCER, '2026-02-10T09:00:00Z')]).code).toBe(0);
    const now = statusJson(dir, '2026-12-07T02:00:00Z');
    expect(now.items[0]).toMatchObject({ kind: 'deadline', deadline: 'blocker-due', state: 'overdue', overdueBy: '26h', owedBy: [{ party: 'memorykernel', role: PRODUCER }] });
    const manual = now.items.find((i) => i.kind === 'blocker' && i.manual);
    expect(manual).toMatchObject({ blocker: 'B-1', owner: { party: 'memorykernel', role: PRODUCER }, waitingOn: [{ party: 'memorykernel', role: PRODUCER }] });
    const human = humanNow(dir, '2026-12-07T02:00:00Z');
    expect(human.join('\n')).toMatch(/\d+\. blocker B-1: security sign-off of the envelope change \(due 2026-12-05\)\n {5}waiting on memorykernel \(memorykernel-release-owner\)/);
  });
});
