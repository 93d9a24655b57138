/** Incidents from alert groups, given/when/then: one per group, identified at startsAt, a resolution noted once, never a close. */
import { describe, expect, it } from 'vitest';
import { alertSteps, type AlertGroup } from '../../src/domain/alerts.js';
import { NotAuthorizedError } from '../../src/errors.js';
import { generateKeyPair, signerFromPem } from '../../src/ledger/keys.js';
import { decider } from '../support/decider-spec.js';
import { programFixture, ROLE, type CommandInput } from '../support/program.js';

const BRIDGE = 'alert-bridge';

function withBridge(severities: ('SEV-1' | 'SEV-2' | 'SEV-3')[]) {
  const key = generateKeyPair();
  const base = programFixture((def) => ({
    ...def,
    roles: [...def.roles, { id: BRIDGE, title: 'Alert bridge', party: 'joint', duties: ['automation'], keys: [key.publicKey] }],
    incidents: {
      ...def.incidents!,
      automation: { severities },
      triggers: [...def.incidents!.triggers, { id: 'error-rate', description: 'Error ratio above 5%', severity: 'SEV-2', action: 'freeze', alerts: [{ labels: { alertname: 'HighErrorRate' }, party: 'memorykernel' }] }],
    },
  }));
  return decider({ fixture: { ...base, signers: { ...base.signers, [BRIDGE]: signerFromPem(key.privateKeyPem) } } });
}

const STARTS = '2026-02-01T09:30:00.000Z';
const firing: AlertGroup = {
  groupKey: '{}:{alertname="HighErrorRate"}',
  status: 'firing',
  alerts: [
    { status: 'firing', labels: { alertname: 'HighErrorRate', service: 'api' }, annotations: { summary: 'error ratio above 5%' }, startsAt: '2026-02-01T09:31:00.000Z', endsAt: '2026-02-01T09:31:00.000Z' },
    { status: 'firing', labels: { alertname: 'HighErrorRate', service: 'worker' }, annotations: {}, startsAt: STARTS, endsAt: STARTS },
  ],
};
const resolved: AlertGroup = { ...firing, status: 'resolved', alerts: firing.alerts.map((a) => ({ ...a, status: 'resolved', endsAt: '2026-02-01T09:50:00.000Z' })) };

const asBridge = (steps: readonly object[], at = '2026-02-01T09:32:00.000Z') => steps.map((s) => ({ ...s, actor: BRIDGE, at }) as CommandInput);

describe('incidents from alerts', () => {
  it('declares one incident per alert group, identified at the earliest startsAt; the same group again records nothing', () => {
    const spec = withBridge(['SEV-2', 'SEV-3']);
    const g = spec.given();
    const planned = alertSteps(g.state, g.state.definition!, firing);
    expect(planned.steps).toEqual([
      expect.objectContaining({ type: 'declare-incident', party: 'memorykernel', trigger: 'error-rate', severity: 'SEV-2', identifiedAt: STARTS, summary: `alert HighErrorRate fired at ${STARTS} (Alertmanager startsAt): error ratio above 5%` }),
    ]);
    const declared = g.and(...asBridge(planned.steps));
    const incident = Object.values(declared.state.incidents)[0]!;
    expect(incident).toMatchObject({ actor: BRIDGE, identifiedAt: STARTS, severity: 'SEV-2' });
    expect(alertSteps(declared.state, declared.state.definition!, firing)).toEqual({ steps: [], unchanged: [`${incident.id}: already declared for this alert group (HighErrorRate still firing)`] });
  });

  it('notes a resolution once and leaves the incident open', () => {
    const spec = withBridge(['SEV-2']);
    const g = spec.given();
    const declared = g.and(...asBridge(alertSteps(g.state, g.state.definition!, firing).steps));
    const id = Object.keys(declared.state.incidents)[0]!;
    const planned = alertSteps(declared.state, declared.state.definition!, resolved);
    expect(planned.steps).toEqual([{ type: 'update-incident', id, party: 'memorykernel', note: `alert HighErrorRate resolved at 2026-02-01T09:50:00.000Z (Alertmanager group ${firing.groupKey}); the incident stays open until people close it` }]);
    const noted = declared.and(...asBridge(planned.steps, '2026-02-01T09:51:00.000Z'));
    expect(noted.state.incidents[id]!.closed).toBeNull();
    expect(alertSteps(noted.state, noted.state.definition!, resolved)).toEqual({ steps: [], unchanged: [`${id}: the resolution is already noted`] });
  });

  it('refuses the automation role a severity the policy does not list, and a severity change', () => {
    const spec = withBridge(['SEV-3']);
    const g = spec.given();
    const [declare] = alertSteps(g.state, g.state.definition!, firing).steps;
    const refused = g.when({ ...declare!, actor: BRIDGE, at: '2026-02-01T09:32:00.000Z' } as CommandInput).thenError(NotAuthorizedError);
    expect(refused.message).toBe(`role "${BRIDGE}" may not declare a SEV-2 incident for memorykernel: an automation role declares only the severities listed in incidents.automation.severities (SEV-3); a person (incident commander or rollback owner) declares the others`);
    const declared = withBridge(['SEV-2']).given();
    const open = declared.and(...asBridge(alertSteps(declared.state, declared.state.definition!, firing).steps));
    const id = Object.keys(open.state.incidents)[0]!;
    open.when({ type: 'update-incident', actor: BRIDGE, id, note: 'worse', severity: 'SEV-1', at: '2026-02-01T09:40:00.000Z' }).thenError(NotAuthorizedError, 'an automation role adds notes');
    // A person of the party still declares at any severity at or above the trigger's minimum.
    g.when({ ...declare!, actor: ROLE.producerIc, severity: 'SEV-1', at: '2026-02-01T09:32:00.000Z' } as CommandInput).then([expect.objectContaining({ type: 'incident.declared', actor: ROLE.producerIc })]);
  });
});
