/** The incident and rollback protocol through the built binary, on copies of the example program. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { describe, expect, it } from 'vitest';
import { IncidentNotice } from '../../src/app/incident-notice.js';
import { StatusReport } from '../../src/app/status-schema.js';
import { as, copyOfExample, cutover, EXAMPLE, ledgerOf, ROOT, tempDir } from '../support/cli.js';

const PRODUCER_IC = 'memorykernel-incident-commander';
const CONSUMER_IC = 'assistsupport-incident-commander';
const PRODUCER = 'memorykernel-release-owner';
const CONSUMER = 'assistsupport-runtime-owner';

interface DeadlineJson {
  id: string;
  status: string;
  due: string | null;
  doneAt: string | null;
  overdueBy: string | null;
  overdueBySeconds: number | null;
  margin: string | null;
}

function status(dir: string, at: string) {
  const run = cutover(['-C', dir, 'status', '--json', '--at', at]);
  expect(run.code).toBe(0);
  const json = JSON.parse(run.stdout);
  expect(TypeCompiler.Compile(StatusReport).Check(json)).toBe(true);
  return json as { incidents: { id: string; deadlines: DeadlineJson[]; missing: { what: string }[] }[]; closedIncidents: unknown[] };
}

const deadline = (dir: string, at: string, id: string) => status(dir, at).incidents[0]!.deadlines.find((d) => d.id === id)!;

/** On the example (end of Phase 7), a missing drill log is declared: trigger missing-evidence, SEV-2, action no-go. */
function declareMissingEvidence(dir: string, at: string, identifiedAt: string) {
  return cutover(['-C', dir, 'incident', 'declare', '--id', 'INC-1', '--trigger', 'missing-evidence', '--severity', 'SEV-2', '--summary', 'the consumer rollback drill log is missing', '--identified-at', identifiedAt, ...as(CONSUMER_IC, at)]);
}

describe('incident deadlines through the CLI', () => {
  it('times given in any zone are stored in UTC; the deadline boundary holds at the second', () => {
    const dir = copyOfExample();
    const declared = declareMissingEvidence(dir, '2026-02-10T09:47:00-05:00', '2026-02-10T15:45:00+01:00');
    expect(declared.stderr).toBe('');
    expect(declared.code).toBe(0);
    const event = JSON.parse(ledgerOf(dir).trimEnd().split('\n').at(-1)!);
    expect(event).toMatchObject({ at: '2026-02-10T14:47:00.000Z', data: { identifiedAt: '2026-02-10T14:45:00.000Z', party: 'assistsupport', action: 'no-go' } });
    // Due 15:00:00Z: still pending at 16:00:00+01:00, overdue by 1 s at 16:00:01+01:00.
    expect(deadline(dir, '2026-02-10T16:00:00+01:00', 'initial-notice')).toMatchObject({ status: 'pending', due: '2026-02-10T15:00:00.000Z', margin: '0s' });
    expect(deadline(dir, '2026-02-10T16:00:01+01:00', 'initial-notice')).toMatchObject({ status: 'overdue', overdueBy: '1s', overdueBySeconds: 1, doneAt: null });
    // A notice at 20:29:59+05:30 is 14:59:59Z: on time.
    expect(cutover(['-C', dir, 'incident', 'notify', 'INC-1', '--next-update', '30m', ...as(CONSUMER_IC, '2026-02-10T20:29:59+05:30')]).code).toBe(0);
    expect(deadline(dir, '2026-02-10T18:00:00Z', 'initial-notice')).toMatchObject({ status: 'met', doneAt: '2026-02-10T14:59:59.000Z', margin: '1s' });
    const notice = JSON.parse(cutover(['-C', dir, 'incident', 'notice', 'INC-1', '--json', '--at', '2026-02-10T18:00:00Z']).stdout);
    expect(notice.nextUpdateEta).toBe('2026-02-10T15:29:59.000Z');
  });

  it('two deadlines missed: status shows them overdue with the right durations, in JSON and in words', () => {
    const dir = copyOfExample();
    expect(declareMissingEvidence(dir, '2026-02-10T14:50:00Z', '2026-02-10T14:45:00Z').code).toBe(0);
    // The notice goes out 10 minutes late; the joint summary never comes.
    expect(cutover(['-C', dir, 'incident', 'notify', 'INC-1', ...as(CONSUMER_IC, '2026-02-10T15:10:00Z')]).code).toBe(0);
    const json = status(dir, '2026-02-11T16:15:30Z').incidents[0]!.deadlines;
    expect(json.map((d) => [d.id, d.status, d.overdueBy, d.overdueBySeconds])).toEqual([
      ['initial-notice', 'overdue', '10m', 600],
      ['joint-summary', 'overdue', '1h 30m 30s', 5430],
    ]);
    const human = cutover(['-C', dir, 'status', '--at', '2026-02-11T16:15:30Z']).stdout;
    // Within 100 columns a deadline's words may wrap onto the next line, under the same indent.
    expect(human).toMatch(/initial notice {10}overdue by 10m \(due 2026-02-10T15:00:00\.000Z,\s+done\s+2026-02-10T15:10:00\.000Z\)/);
    expect(human).toMatch(/joint incident summary {2}OVERDUE by 1h 30m 30s \(due 2026-02-11T14:45:00\.000Z,\s+not\s+done\)/);
  });
});

describe('incident refusals through the CLI: exit code, the reason, nothing written', () => {
  it('a severity below the trigger minimum is a policy refusal (exit 1)', () => {
    const dir = copyOfExample();
    const before = ledgerOf(dir);
    const run = cutover(['-C', dir, 'incident', 'declare', '--trigger', 'envelope-mismatch', '--severity', 'SEV-2', '--summary', 's', ...as(PRODUCER_IC, '2026-02-10T14:50:00Z')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('SEV-2 is below the minimum severity of trigger envelope-mismatch (SEV-1)');
    expect(ledgerOf(dir)).toBe(before);
  });

  it('a step by a role of the wrong party is refused naming the roles needed (exit 2)', () => {
    const dir = copyOfExample();
    expect(cutover(['-C', dir, 'incident', 'declare', '--id', 'INC-1', '--trigger', 'envelope-mismatch', '--severity', 'SEV-1', '--summary', 's', ...as(PRODUCER_IC, '2026-02-10T14:50:00Z')]).code).toBe(0);
    const before = ledgerOf(dir);
    const run = cutover(['-C', dir, 'incident', 'recommend-rollback', 'INC-1', ...as(CONSUMER_IC, '2026-02-10T14:55:00Z')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`role "${CONSUMER_IC}" may not recommend a rollback for assistsupport: it is recorded by the incident commander or rollback owner of a producer party (memorykernel): ${PRODUCER_IC}, ${PRODUCER}`);
    const approve = cutover(['-C', dir, 'incident', 'approve', 'INC-1', ...as(CONSUMER_IC, '2026-02-10T14:55:00Z')]);
    expect(approve.code).toBe(2);
    expect(approve.stderr).toContain(`it needs the rollback owner of assistsupport: ${CONSUMER}`);
    expect(ledgerOf(dir)).toBe(before);
  });

  it('close is refused (exit 1) with every missing item and the command that records it', () => {
    const dir = copyOfExample();
    expect(declareMissingEvidence(dir, '2026-02-10T14:50:00Z', '2026-02-10T14:45:00Z').code).toBe(0);
    expect(cutover(['-C', dir, 'incident', 'summary', 'INC-1', '--summary', 'log found', '--residual-risk', 'none', ...as(CONSUMER_IC, '2026-02-10T15:00:00Z')]).code).toBe(0);
    expect(cutover(['-C', dir, 'incident', 'approve', 'INC-1', ...as(CONSUMER, '2026-02-10T15:01:00Z')]).code).toBe(0);
    const before = ledgerOf(dir);
    const run = cutover(['-C', dir, 'incident', 'close', 'INC-1', ...as(CONSUMER_IC, '2026-02-10T15:02:00Z')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('incident INC-1 cannot close: 2 items missing:');
    expect(run.stderr).toContain(`  - the initial notice\n    → cutover incident notify INC-1 --as ${CONSUMER_IC}`);
    expect(run.stderr).toMatch(/ {2}- MemoryKernel: owner approval of the summary \(seq \d+\)\n {4}→ cutover incident approve INC-1 --as memorykernel-release-owner/);
    expect(ledgerOf(dir)).toBe(before);
  });
});

describe('the incident notice', () => {
  it('renders every field of the template, as markdown and as the versioned JSON', () => {
    const dir = copyOfExample();
    expect(declareMissingEvidence(dir, '2026-02-10T14:50:00Z', '2026-02-10T14:45:00Z').code).toBe(0);
    expect(cutover(['-C', dir, 'incident', 'notify', 'INC-1', '--action', 'hold the cutover at NO-GO', '--next-update', '2026-02-10T16:00:00+01:00', ...as(CONSUMER_IC, '2026-02-10T14:55:00Z')]).code).toBe(0);
    const md = cutover(['-C', dir, 'incident', 'notice', 'INC-1', '--at', '2026-02-10T15:00:00Z']);
    expect(md.code).toBe(0);
    for (const heading of ['# Incident Notice: INC-1', '## Incident ID', '## Trigger Type', '## Affected Contract Mode', '## Current And Rollback Target', '## Impact Summary', '## Immediate Actions', '## Next Update ETA', '## Deadlines']) {
      expect(md.stdout.split('\n')).toContain(heading);
    }
    expect(md.stdout).toContain('`missing-evidence`: Missing release evidence artifact (minimum SEV-2; required action: no-go)');
    expect(md.stdout).toContain('1. NO-GO until the missing evidence is complete\n2. hold the cutover at NO-GO');
    expect(md.stdout).toContain('## Next Update ETA\n2026-02-10T15:00:00.000Z');
    const json = JSON.parse(cutover(['-C', dir, 'incident', 'notice', 'INC-1', '--json', '--at', '2026-02-10T15:00:00Z']).stdout);
    expect(TypeCompiler.Compile(IncidentNotice).Check(json)).toBe(true);
    expect(json).toMatchObject({ version: 1, incident: { id: 'INC-1', status: 'open', severity: 'SEV-2' }, trigger: { id: 'missing-evidence', action: 'no-go' }, impactSummary: 'the consumer rollback drill log is missing', currentTarget: null });
    const unknown = cutover(['-C', dir, 'incident', 'notice', 'INC-9']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown incident "INC-9"; the program defines: INC-1');
  });
});

describe('the scripted rollback', () => {
  it('rollback-demo.sh goes from GO back to the rollback target: every deadline met, the baseline restored, the notice complete', () => {
    const out = execFileSync('bash', [join(EXAMPLE, 'rollback-demo.sh')], { env: { PATH: process.env.PATH ?? '', HOME: tempDir(), CUTOVER_BIN: join(ROOT, 'bin/cutover.js') }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const sections = out.split('\n== ');
    const go = sections.find((s) => s.startsWith('0.'))!;
    expect(go).toContain('runtime-cutover: GO');
    expect(go).toMatch(/baseline: v3\.0\.0 @ [0-9a-f]{12} \{"service":"service\.v3"\}; rollback target: v2\.9\.0/);
    const closed = sections.find((s) => s.startsWith('5.'))!;
    expect(closed).toMatch(/baseline: v2\.9\.0 @ [0-9a-f]{12} \{"service":"service\.v2"\}; rollback target: v2\.9\.0 @ [0-9a-f]{12}; target v3\.0\.0 @ [0-9a-f]{12} rolled back by INC-1/);
    expect(closed).toContain('8 not-started (rolled back (INC-1)), 9 not-started (rolled back (INC-1))');
    expect(closed).toContain('INC-1 SEV-1 envelope-mismatch closed 2026-02-11T09:30:00.000Z');
    const deadlines = closed.split('\n').filter((l) => l.startsWith('     - '));
    expect(deadlines).toEqual([
      '     - initial notice: met 2026-02-10T14:55:00.000Z, 5m before due 2026-02-10T15:00:00.000Z',
      '     - producer rollback recommendation: met 2026-02-10T15:05:00.000Z, 10m before due 2026-02-10T15:15:00.000Z',
      '     - consumer repin confirmation: met 2026-02-10T15:25:00.000Z, 15m before due 2026-02-10T15:40:00.000Z',
      '     - joint incident summary: met 2026-02-11T09:20:00.000Z, 5h 25m before due 2026-02-11T14:45:00.000Z',
    ]);
    const notice = sections.find((s) => s.startsWith('6.'))!;
    for (const field of ['## Incident ID\nINC-1', '## Trigger Type\n`envelope-mismatch`', '## Affected Contract Mode\nservice.v3', '- Current target: `v3.0.0` @ `', '- Rollback target: `v2.9.0` @ `', '## Impact Summary\nv3.0.0 returns 503', '## Immediate Actions\n1. Immediate rollback to the rollback target v2.9.0', '## Next Update ETA\nnone: the incident is closed']) {
      expect(notice).toContain(field);
    }
    expect(notice).toMatch(/ok: 30 events, chain, signatures and policy verify/);
  });
});
