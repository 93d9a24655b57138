/**
 * `cutover bridge alertmanager` in the real loop: an exporter this test serves → Debian's Prometheus
 * (a rule that fires on the exporter's value) → Debian's Alertmanager → the bridge → an incident in
 * the program folder, identified at the alert's startsAt. Repeats are idempotent; a resolution is a
 * note and the incident stays open. The automation role's severities hold in verify too.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/domain/events.js';
import { seal, serialize } from '../../src/ledger/chain.js';
import { signerFromPem } from '../../src/ledger/keys.js';
import { cutover, ledgerOf } from '../support/cli.js';
import { cutoverAsync, startAlertmanager, startExporter, startPrometheus, waitFor, type Daemon, type Exporter, type Started } from '../support/monitoring.js';
import { BRIDGE_ROLE, monitoredProgram, type MonitoredProgram } from '../support/monitored-program.js';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

const RULES = `groups:
  - name: cutover
    rules:
      - alert: HighErrorRate
        expr: error_ratio > 0.05
        labels: { severity: page }
        annotations: { summary: "error ratio above 5%" }
`;

const events = (dir: string) => ledgerOf(dir).trimEnd().split('\n').map((l) => JSON.parse(l) as LedgerEvent);
const ofType = (dir: string, type: string) => events(dir).filter((e) => e.type === type);

let program: MonitoredProgram;
let exporter: Exporter;
let bridge: Started;
let alertmanager: Daemon;
let prometheus: Daemon;
let bridgeUrl: string;

beforeAll(async () => {
  program = monitoredProgram();
  bridge = cutoverAsync(['-C', program.dir, 'bridge', 'alertmanager', '--listen', '127.0.0.1:0', '--as', BRIDGE_ROLE, '--key', program.bridgeKey]);
  bridgeUrl = await waitFor('the bridge to listen', () => /^(http:\/\/\S+)\n/.exec(bridge.out())?.[1]);
  exporter = await startExporter({ api: 0.001 });
  alertmanager = await startAlertmanager(bridgeUrl, '2s');
  prometheus = await startPrometheus(exporter.target, { rules: RULES, alertmanager: alertmanager.url.replace('http://', '') });
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await alertmanager?.stop();
  await exporter?.close();
  bridge?.child.kill('SIGTERM');
  await bridge?.done;
});

describe('incidents from alerts', () => {
  it('declares one incident when the alert fires, identified at its startsAt, repeats change nothing, and a resolution is a note', async () => {
    exporter.set('api', 0.2);
    const declared = await waitFor('incident.declared', () => ofType(program.dir, 'incident.declared')[0], 90_000);
    const alerts = (await (await fetch(`${alertmanager.url}/api/v2/alerts`)).json()) as { labels: Record<string, string>; startsAt: string }[];
    const fired = alerts.find((a) => a.labels.alertname === 'HighErrorRate')!;
    expect(declared).toMatchObject({
      actor: BRIDGE_ROLE,
      data: { party: 'memorykernel', trigger: 'error-rate', severity: 'SEV-2', action: 'freeze', identifiedAt: new Date(fired.startsAt).toISOString(), summary: `alert HighErrorRate fired at ${new Date(fired.startsAt).toISOString()} (Alertmanager startsAt): error ratio above 5%` },
    });
    const id = (declared.data as { id: string }).id;
    expect(id).toMatch(/^ALERT-[0-9a-f]{12}$/);

    // Alertmanager repeats the group (repeat_interval 2s): the bridge says so and records nothing new.
    await waitFor('a repeated webhook', () => (bridge.out().includes(`unchanged: ${id}: already declared for this alert group`) ? true : undefined), 90_000);
    expect(ofType(program.dir, 'incident.declared')).toHaveLength(1);

    // The deadlines run from the alert's startsAt.
    const status = JSON.parse(cutover(['-C', program.dir, 'status', '--json']).stdout) as { incidents: { id: string; identifiedAt?: string; deadlines: { id: string; due: string | null }[] }[] };
    const incident = status.incidents.find((i) => i.id === id)!;
    expect(incident.deadlines.find((d) => d.id === 'initial-notice')!.due).toBe(new Date(Date.parse(fired.startsAt) + 15 * 60_000).toISOString());

    exporter.set('api', 0.001);
    const note = await waitFor('the resolution note', () => ofType(program.dir, 'incident.updated')[0], 90_000);
    expect(note).toMatchObject({ actor: BRIDGE_ROLE, data: { id, note: expect.stringMatching(/^alert HighErrorRate resolved at \S+ \(Alertmanager group .*\); the incident stays open until people close it$/) } });
    const after = JSON.parse(cutover(['-C', program.dir, 'status', '--json']).stdout) as { incidents: { id: string }[] };
    expect(after.incidents.map((i) => i.id)).toContain(id);
    expect(ofType(program.dir, 'incident.closed')).toHaveLength(0);
    expect(cutover(['-C', program.dir, 'verify']).code).toBe(0);

    // A body that is not a version 4 webhook: 400, naming the field, and nothing recorded.
    const before = ledgerOf(program.dir);
    const r = await fetch(bridgeUrl, { method: 'POST', body: JSON.stringify({ version: '3', groupKey: 'g', status: 'firing', alerts: [] }) });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(/field version/);
    expect(ledgerOf(program.dir)).toBe(before);
  }, 240_000);

});

describe('what the automation role may declare', () => {
  it('a hand-signed incident.declared by the automation role at a severity the policy does not list is refused by verify', () => {
    const { dir, bridgeKey } = monitoredProgram(undefined, ['SEV-3']);
    // A webhook would ask for SEV-2 (the trigger's minimum); the policy lets automation declare SEV-3 only.
    const lines = ledgerOf(dir).trimEnd().split('\n');
    const last = JSON.parse(lines.at(-1)!) as LedgerEvent;
    const at = new Date(Date.parse(last.at) + 60_000).toISOString();
    const forged = seal(
      {
        type: 'incident.declared',
        actor: BRIDGE_ROLE,
        data: {
          id: 'ALERT-forged',
          party: 'memorykernel',
          trigger: 'error-rate',
          action: 'freeze',
          severity: 'SEV-2',
          summary: 'alert HighErrorRate firing',
          identifiedAt: at,
          contractMode: 'service.v3',
          current: { tag: 'v3.0.0', sha: 'ab'.repeat(20) },
          rollbackTarget: null,
          deadlines: { initial_notice: '15m', rollback_recommendation: '30m', repin_confirmation: '30m', joint_summary: '24h' },
        },
      },
      { program: last.program, seq: last.seq + 1, at, prev: last.hash },
      signerFromPem(readFileSync(bridgeKey, 'utf8')),
    );
    appendFileSync(join(dir, '.cutover/ledger.jsonl'), `${serialize(forged)}\n`);
    const verify = cutover(['-C', dir, 'verify']);
    expect(verify.code).toBe(3);
    expect(verify.stdout + verify.stderr).toContain(`role "${BRIDGE_ROLE}" may not declare a SEV-2 incident for memorykernel: an automation role declares only the severities listed in incidents.automation.severities (SEV-3)`);
  });
});
