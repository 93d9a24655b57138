/**
 * The example program amended for production evidence: an automation role for the alert bridge
 * (with its own key), a trigger whose alerts: match HighErrorRate, the severities automation may
 * declare, and a metric-analysis gate under its own decision. A target is published, so evidence
 * has something to be bound to.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { expect } from 'vitest';
import { generateKeyPair } from '../../src/ledger/keys.js';
import type { ProgramDefinition } from '../../src/program/schema.js';
import { copyOfExample, cutover, demoKey, tempDir } from './cli.js';
import { readFileSync } from 'node:fs';

export const BRIDGE_ROLE = 'alert-bridge';
export const PRODUCER = 'memorykernel-release-owner';
export const SHA = 'ab'.repeat(20);

export interface MonitoredProgram {
  readonly dir: string;
  /** The bridge's private key file (outside the program folder). */
  readonly bridgeKey: string;
}

export function monitoredProgram(gate: { span: string; max_gap?: string } = { span: '4s', max_gap: '1m' }, automation: string[] = ['SEV-2', 'SEV-3']): MonitoredProgram {
  const dir = copyOfExample();
  const { privateKeyPem, publicKey } = generateKeyPair();
  const bridgeKey = join(tempDir('cutover-bridge-key-'), `${BRIDGE_ROLE}.pem`);
  writeFileSync(bridgeKey, privateKeyPem, { mode: 0o600 });
  const file = join(dir, 'cutover.yaml');
  const def = parse(readFileSync(file, 'utf8')) as ProgramDefinition;
  def.roles.push({ id: BRIDGE_ROLE, title: 'Alertmanager bridge', party: 'joint', duties: ['automation'], keys: [publicKey] });
  def.incidents!.automation = { severities: automation as ('SEV-1' | 'SEV-2' | 'SEV-3')[] };
  def.incidents!.triggers.push({
    id: 'error-rate',
    description: 'Error ratio above 5% in production',
    severity: 'SEV-2',
    action: 'freeze',
    alerts: [{ labels: { alertname: 'HighErrorRate' }, party: 'memorykernel' }],
  });
  def.gates.push({ id: 'soak', kind: 'metric-analysis', text: 'The stabilization soak is not measured yet.', owner: 'integration-program-owner', ...gate });
  def.decisions.push({ id: 'soak-check', title: 'Stabilization soak', gates: ['soak'] });
  writeFileSync(file, stringify(def));
  const amend = cutover(['-C', dir, 'program', 'amend', '--reason', 'production evidence', '--as', 'integration-program-owner', '--key', demoKey('integration-program-owner')]);
  expect(amend.stderr + amend.stdout).toContain('program.amended');
  expect(amend.code).toBe(0);
  const publish = cutover(['-C', dir, 'target', 'publish', '--tag', 'v3.0.0', '--sha', SHA, '--contract', 'service=service.v3', '--as', PRODUCER, '--key', demoKey(PRODUCER)]);
  expect(publish.code, publish.stderr).toBe(0);
  return { dir, bridgeKey };
}
