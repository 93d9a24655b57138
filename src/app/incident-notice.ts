/**
 * The incident notice, version 1: a documented contract (schemas/incident-notice.schema.json),
 * built from the evaluation alone. `cutover incident notice <id>` prints it as markdown
 * (render/incident-notice.ts) or, with --json, as this shape.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Evaluation, IncidentView } from '../domain/evaluate.js';
import { actionText, timelineOf } from '../domain/incidents.js';
import type { ProgramDefinition } from '../program/schema.js';
import { deadlineReport } from './status-report.js';
import { DeadlineReport } from './status-schema.js';

export const NOTICE_VERSION = 1;

const TargetRef = Type.Object({ tag: Type.String(), sha: Type.String({ description: 'the full commit SHA' }) });

export const IncidentNotice = Type.Object(
  {
    version: Type.Literal(NOTICE_VERSION),
    program: Type.Object({ id: Type.String(), title: Type.String() }),
    ledger: Type.Object({ seq: Type.Integer(), head: Type.Union([Type.String(), Type.Null()]) }, { description: 'the ledger state the notice was rendered from' }),
    evaluatedAt: Type.String({ description: 'the time the deadlines were evaluated at' }),
    incident: Type.Object({
      id: Type.String(),
      status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
      severity: Type.String(),
      severityDescription: Type.Union([Type.String(), Type.Null()]),
      party: Type.Object({ id: Type.String(), name: Type.String() }),
      declaredAt: Type.String(),
      declaredBy: Type.String(),
      identifiedAt: Type.String(),
      closedAt: Type.Union([Type.String(), Type.Null()]),
    }),
    trigger: Type.Object({
      id: Type.String({ description: 'the trigger type' }),
      description: Type.Union([Type.String(), Type.Null()]),
      minimumSeverity: Type.Union([Type.String(), Type.Null()]),
      action: Type.String({ description: 'rollback, rollback-and-bridge, freeze or no-go' }),
    }),
    affectedContractMode: Type.String(),
    currentTarget: Type.Union([TargetRef, Type.Null()], { description: 'the target in play when the incident was declared' }),
    rollbackTarget: Type.Union([TargetRef, Type.Null()]),
    rollback: Type.Union(
      [
        Type.Object({
          executedAt: Type.String(),
          executedBy: Type.String(),
          restoredBaseline: TargetRef,
          phasesMovedBack: Type.Array(Type.String()),
        }),
        Type.Null(),
      ],
      { description: 'null until the rollback is executed' },
    ),
    impactSummary: Type.String(),
    immediateActions: Type.Array(Type.String(), { description: "the trigger's required action first, then the actions noted with the notice and updates" }),
    nextUpdateEta: Type.Union([Type.String(), Type.Null()], { description: 'null once closed, or when no update is scheduled' }),
    deadlines: Type.Array(DeadlineReport),
    timeline: Type.Array(Type.Object({ seq: Type.Integer(), at: Type.String(), role: Type.String(), party: Type.String(), step: Type.String(), text: Type.String() })),
    summary: Type.Union([Type.Object({ text: Type.String(), residualRisk: Type.String(), seq: Type.Integer() }), Type.Null()]),
  },
  { additionalProperties: false, $id: 'https://cutover.dev/schemas/incident-notice.schema.json', title: 'cutover incident notice --json (version 1)' },
);

export type IncidentNotice = Static<typeof IncidentNotice>;

/** The incident `id` of the evaluation, open or closed; undefined when there is none. */
export function findIncident(ev: Evaluation, id: string): IncidentView | undefined {
  return ev.openIncidents.find((i) => i.id === id) ?? ev.closedIncidents.find((i) => i.id === id);
}

export function incidentNotice(ev: Evaluation, def: ProgramDefinition, incident: IncidentView, now: Date): IncidentNotice {
  const ref = (t: { tag: string; sha: string } | null) => (t === null ? null : { tag: t.tag, sha: t.sha });
  const r = incident.rolledBack;
  const noticeDue = incident.deadlines.find((d) => d.id === 'initial-notice')?.due ?? null;
  const nextUpdateEta = !incident.open ? null : (incident.nextUpdate ?? (incident.notified === null ? noticeDue : null));
  return {
    version: NOTICE_VERSION,
    program: ev.program,
    ledger: { seq: ev.seq, head: ev.head },
    evaluatedAt: now.toISOString(),
    incident: {
      id: incident.id,
      status: incident.open ? 'open' : 'closed',
      severity: incident.severity,
      severityDescription: def.incidents?.severities.find((c) => c.id === incident.severity)?.description ?? null,
      party: { id: incident.party, name: def.parties.find((p) => p.id === incident.party)?.name ?? incident.party },
      declaredAt: incident.at,
      declaredBy: incident.actor,
      identifiedAt: incident.identifiedAt,
      closedAt: incident.closed?.at ?? null,
    },
    trigger: { id: incident.trigger, description: incident.triggerDescription, minimumSeverity: incident.minimumSeverity, action: incident.action },
    affectedContractMode: incident.contractMode,
    currentTarget: ref(incident.current),
    rollbackTarget: ref(incident.rollbackTarget),
    rollback: r === null ? null : { executedAt: r.at, executedBy: r.actor, restoredBaseline: ref(r.to)!, phasesMovedBack: [...r.phases] },
    impactSummary: incident.summary,
    immediateActions: [actionText(incident.action, incident.rollbackTarget), ...incident.actions],
    nextUpdateEta,
    deadlines: incident.deadlines.map(deadlineReport),
    timeline: timelineOf(incident).map((e) => ({ ...e })),
    summary: incident.jointSummary === null ? null : { text: incident.jointSummary.summary, residualRisk: incident.jointSummary.residualRisk, seq: incident.jointSummary.seq },
  };
}
