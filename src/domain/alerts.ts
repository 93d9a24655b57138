/**
 * Incidents from alerts: an Alertmanager alert group (webhook version 4) matched against the
 * triggers of the incident policy, and what the bridge records for it. One incident per alert group
 * and trigger: a repeated webhook records nothing new; a resolved alert adds a note once and never
 * closes the incident (people do). The deadlines run from the alert's `startsAt`. Pure.
 */
import type { AlertMatchDefinition, ProgramDefinition, TriggerDefinition } from '../program/schema.js';
import type { IncidentCommand } from './decide.js';
import type { ProgramState } from './state.js';

export interface WebhookAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
}

export interface AlertGroup {
  readonly groupKey: string;
  readonly status: 'firing' | 'resolved';
  readonly alerts: readonly WebhookAlert[];
}

/** What the bridge records for a group, and what it leaves, each with why. */
export interface AlertSteps {
  readonly steps: readonly IncidentCommand[];
  readonly unchanged: readonly string[];
}

export function matches(alert: WebhookAlert, match: AlertMatchDefinition): boolean {
  return Object.entries(match.labels).every(([name, value]) => alert.labels[name] === value);
}

/** A short, stable id for an alert group's incident of one trigger for one party (FNV-1a, 2 × 32 bits). */
export function alertIncidentBase(groupKey: string, trigger: string, party: string): string {
  const text = `${groupKey}\n${trigger}\n${party}`;
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193 ^ 0x2f) >>> 0;
  }
  return `ALERT-${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0').slice(0, 4)}`;
}

/**
 * The incident this group stands for: the first of `base`, `base-2`, … that is open (already
 * declared) or was never declared (to declare). Closed ones are history: the group firing again after
 * people closed its incident is a new incident.
 */
function incidentFor(state: ProgramState, base: string): { id: string; open: boolean } {
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    const incident = state.incidents[id];
    if (incident === undefined) return { id, open: false };
    if (incident.closed === null) return { id, open: true };
  }
}

const names = (alerts: readonly WebhookAlert[]) => [...new Set(alerts.map((a) => a.labels.alertname ?? '(no alertname)'))].join(', ');
const earliest = (times: readonly string[]) => new Date(Math.min(...times.map((t) => Date.parse(t)))).toISOString();
const latest = (times: readonly string[]) => new Date(Math.max(...times.map((t) => Date.parse(t)))).toISOString();

/** Of what the bridge records, the note it adds when a group's alerts resolved (the same text each time: added once). */
export function resolvedNote(groupKey: string, alerts: readonly WebhookAlert[]): string {
  return `alert ${names(alerts)} resolved at ${latest(alerts.map((a) => a.endsAt))} (Alertmanager group ${groupKey}); the incident stays open until people close it`;
}

export function alertSteps(state: ProgramState, def: ProgramDefinition, group: AlertGroup): AlertSteps {
  const steps: IncidentCommand[] = [];
  const unchanged: string[] = [];
  const triggers: readonly TriggerDefinition[] = def.incidents?.triggers ?? [];
  for (const trigger of triggers) {
    for (const match of trigger.alerts ?? []) {
      const matched = group.alerts.filter((a) => matches(a, match));
      if (matched.length === 0) continue;
      const { id, open } = incidentFor(state, alertIncidentBase(group.groupKey, trigger.id, match.party));
      const firing = matched.filter((a) => a.status === 'firing');
      if (firing.length > 0) {
        if (open) {
          unchanged.push(`${id}: already declared for this alert group (${names(firing)} still firing)`);
          continue;
        }
        const summary = firing[0]!.annotations.summary ?? firing[0]!.annotations.description;
        const identifiedAt = earliest(firing.map((a) => a.startsAt));
        steps.push({
          type: 'declare-incident',
          id,
          party: match.party,
          trigger: trigger.id,
          severity: trigger.severity,
          // The deadlines run from the identification: here, when the alert fired, and the summary says so.
          summary: `alert ${names(firing)} fired at ${identifiedAt} (Alertmanager startsAt)${summary === undefined ? '' : `: ${summary}`}`,
          identifiedAt,
        });
        continue;
      }
      if (!open) {
        unchanged.push(`${id}: ${names(matched)} resolved, and no open incident of this alert group`);
        continue;
      }
      const note = resolvedNote(group.groupKey, matched);
      if (state.incidents[id]!.updates.some((u) => u.note === note)) {
        unchanged.push(`${id}: the resolution is already noted`);
        continue;
      }
      steps.push({ type: 'update-incident', id, party: match.party, note });
    }
  }
  if (steps.length === 0 && unchanged.length === 0) unchanged.push(`no trigger of incidents.triggers matches the alerts of group ${group.groupKey} (${names(group.alerts)})`);
  return { steps, unchanged };
}
