/**
 * The Alertmanager bridge's work, once per webhook: the payload checked (webhook version 4), the
 * program opened through the one verified program (a folder, or a server like any client), the
 * domain's steps for the alert group (src/domain/alerts.ts) recorded one by one, signed with the
 * automation role's key. The bridge holds that key; a server stays keyless.
 */
import { Type, type Static } from '@sinclair/typebox';
import { alertSteps } from '../domain/alerts.js';
import type { Command } from '../domain/decide.js';
import type { LedgerEvent } from '../domain/events.js';
import { CutoverError, InvalidInputError } from '../errors.js';
import { checkedValue } from './checked-value.js';
import type { KeySource } from './keyring.js';
import { record } from './record.js';
import type { Workspace } from './workspace.js';

const Labels = Type.Record(Type.String(), Type.String());
const Time = Type.String({ minLength: 1 });

/** The Alertmanager webhook payload, version 4 (what the bridge reads of it; other fields are ignored). */
export const AlertmanagerWebhook = Type.Object({
  version: Type.Literal('4'),
  groupKey: Type.String({ minLength: 1 }),
  status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
  alerts: Type.Array(
    Type.Object({
      status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
      labels: Labels,
      annotations: Type.Optional(Labels),
      startsAt: Time,
      endsAt: Type.Optional(Time),
    }),
  ),
});
export type AlertmanagerWebhook = Static<typeof AlertmanagerWebhook>;

/** The payload, or the typed refusal naming the fields that are not what version 4 says. */
export function parseWebhook(value: unknown, source = 'the webhook body'): AlertmanagerWebhook {
  const webhook = checkedValue(AlertmanagerWebhook, value, { source, whole: '(payload)' });
  for (const [i, a] of webhook.alerts.entries()) {
    if (Number.isNaN(Date.parse(a.startsAt))) throw new InvalidInputError([{ source, field: `alerts.${i}.startsAt`, expected: 'an RFC 3339 time', found: JSON.stringify(a.startsAt) }]);
  }
  return webhook;
}

export interface BridgeOutcome {
  readonly recorded: readonly LedgerEvent[];
  readonly unchanged: readonly string[];
  readonly refused: readonly { readonly step: string; readonly error: CutoverError }[];
}

/**
 * Record what an alert group calls for on the program `open` gives (opened again per step, so each
 * is decided on the ledger as it is then). A refused step (a severity the automation role may not
 * declare, …) is reported and the others still recorded.
 */
export async function receiveAlerts(open: () => Promise<Workspace>, actor: string, keys: KeySource, payload: AlertmanagerWebhook, now: () => Date): Promise<BridgeOutcome> {
  const group = {
    groupKey: payload.groupKey,
    status: payload.status,
    alerts: payload.alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations ?? {},
      startsAt: new Date(a.startsAt).toISOString(),
      endsAt: a.endsAt === undefined || a.endsAt.startsWith('0001-') ? new Date(a.startsAt).toISOString() : new Date(a.endsAt).toISOString(),
    })),
  };
  let ws = await open();
  const planned = alertSteps(ws.state, ws.state.definition!, group);
  const recorded: LedgerEvent[] = [];
  const refused: { step: string; error: CutoverError }[] = [];
  for (const step of planned.steps) {
    try {
      const done = await record(ws, { ...step, actor, at: now().toISOString() } as Command, keys, { now: () => now().toISOString() });
      recorded.push(...done.events);
    } catch (error) {
      if (!(error instanceof CutoverError)) throw error;
      refused.push({ step: `${step.type} ${step.id ?? ''}`.trim(), error });
    }
    ws = await open();
  }
  return { recorded, unchanged: planned.unchanged, refused };
}
