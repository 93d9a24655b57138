/**
 * The record model, version 1: everything a record template may show, derived from the
 * evaluation for one record of one party. Templates (built-in or a team's own) see only this;
 * its schema (model-schema.ts) is published (schemas/record-model.schema.json) so a team knows every field.
 * Absent values are `null`, never missing, so a misspelt field is an error and not a blank.
 */
import type { Evaluation, PhaseStatus } from '../domain/evaluate.js';
import { inlineText } from './inline-text.js';
import type { RecordModel } from './model-schema.js';
import type { DutyName, ProgramDefinition, RecordDefinition, TargetDefinition } from '../program/schema.js';

export const RECORD_MODEL_VERSION = 1;

export type { RecordModel } from './model-schema.js';

const STATUS_LABEL: Record<PhaseStatus['status'], string> = { 'not-started': 'Not Started', active: 'Active', closed: 'Closed', complete: 'Complete' };

const OWNERSHIP_DUTIES: readonly { duty: DutyName; label: string }[] = [
  { duty: 'incident-commander', label: 'incident commander' },
  { duty: 'rollback-owner', label: 'rollback owner' },
  { duty: 'decision-log-owner', label: 'decision log owner' },
];

function targetView(t: TargetDefinition | null) {
  return t === null ? null : { tag: t.tag, sha: t.sha, contracts: Object.entries(t.contracts).map(([name, version]) => ({ name, version })) };
}

/** Where the program stands, for "… decision state at the end of Phase 7." */
function position(ev: Evaluation): string {
  const active = ev.phases.find((p) => p.status === 'active');
  if (active !== undefined) return `during Phase ${active.id}`;
  const ended = ev.phases.filter((p) => p.status === 'closed' || p.status === 'complete');
  const last = ended[ended.length - 1];
  return last !== undefined ? `at the end of Phase ${last.id}` : `before Phase ${ev.phases[0]?.id ?? '?'}`;
}

export function recordModel(ev: Evaluation, def: ProgramDefinition, record: RecordDefinition): RecordModel {
  const partyName = (id: string) => def.parties.find((p) => p.id === id)?.name ?? id;
  const party = def.parties.find((p) => p.id === record.party)!;
  const phaseView = (p: PhaseStatus) => ({ id: p.id, title: p.title, status: p.status, label: STATUS_LABEL[p.status], reason: inlineText(p.reason) });
  const next = ev.phases.findIndex((p) => p.status === 'not-started');
  const head = ev.head ?? '(empty)';
  const note = ev.window?.notes[record.party];
  return {
    version: RECORD_MODEL_VERSION,
    record: { id: record.id, kind: record.kind, title: record.title, label: record.label ?? record.title, path: record.path, scope: record.scope ?? `${record.title} of the joint decision state` },
    party: { id: party.id, name: party.name, kind: party.kind, repo: party.repo },
    program: { ...ev.program },
    ledger: { head, seq: ev.seq, at: ev.at ?? '', date: (ev.at ?? '').slice(0, 10), line: `Ledger: \`${ev.program.id}\` seq ${ev.seq}, head \`${head}\`  ` },
    owner: `${def.parties.map((p) => p.name).join(' + ')} (${def.parties.length === 2 ? 'bilateral' : 'joint'})`,
    parties: def.parties.map((p) => ({ id: p.id, name: p.name, kind: p.kind, repo: p.repo })),
    position: position(ev),
    decisions: ev.decisions.map((d, i) => ({
      number: i + 1,
      id: d.id,
      title: d.title,
      outcome: d.outcome,
      go: d.outcome === 'GO',
      state: d.state,
      label: d.label,
      verdicts: Object.entries(d.verdicts).map(([p, v]) => ({
        party: p,
        partyName: partyName(p),
        verdict: v?.verdict ?? null,
        role: v?.actor ?? null,
        at: v?.at ?? null,
        note: v?.note === undefined ? null : inlineText(v.note),
        stale: v?.stale ?? false,
      })),
    })),
    window: ev.window === null ? null : { decision: ev.window.decision, approved: ev.window.approved, status: ev.window.approved ? 'Approved' : 'Not approved', note: note === undefined ? null : inlineText(note) },
    ownership: OWNERSHIP_DUTIES.flatMap(({ duty, label }) =>
      [...def.parties.map((p) => p.id), 'joint'].flatMap((holder) =>
        def.roles
          .filter((r) => r.party === holder && r.duties.includes(duty))
          .map((r) => ({ holder: holder === 'joint' ? 'Joint' : partyName(holder), duty: label, title: r.title, role: r.id })),
      ),
    ),
    inputs: (record.inputs ?? []).map((id) => {
      const input = def.records.find((r) => r.id === id)!;
      return { id, label: input.label ?? input.title, repo: def.parties.find((p) => p.id === input.party)?.repo ?? input.party, path: input.path };
    }),
    nextPhase: ev.nextPhase,
    blockers: ev.blockers.map((b, i) => ({ number: i + 1, gate: b.gate, text: inlineText(b.text), missing: b.missing.map(inlineText), details: b.details.map(inlineText), owner: { ...b.owner }, waitingOn: b.waitingOn.map(partyName) })),
    phases: (next === -1 ? ev.phases : ev.phases.slice(0, next + 1)).map(phaseView),
    allPhases: ev.phases.map(phaseView),
    target: ev.target === null ? null : { ...targetView(ev.target)!, verified: ev.target.verified, seq: ev.target.seq },
    baseline: targetView(ev.baseline),
    rollbackTarget: targetView(ev.rollbackTarget),
    evidence: ev.evidence.map((e) => ({ party: e.party, partyName: partyName(e.party), kind: e.kind, result: e.result.toUpperCase(), target: e.target.tag, stale: e.stale, summary: inlineText(e.summary), seq: e.seq, at: e.at })),
    incidents: ev.openIncidents.map((i) => ({ id: i.id, party: i.party, severity: i.severity, summary: inlineText(i.summary) })),
    approvedPairs: ev.approvedPairs.map((p) => ({
      tag: p.tag,
      sha: p.sha,
      contracts: Object.entries(p.contracts).map(([k, v]) => `${k}=${v}`).join(', '),
      repins: def.parties.filter((c) => c.kind === 'consumer').map((c) => ({ party: c.id, partyName: c.name, commit: p.repins[c.id] ?? '—' })),
      approved: p.seq === 0 ? 'listed in cutover.yaml' : `seq ${p.seq}, ${p.at}`,
    })),
    consumers: def.parties.filter((c) => c.kind === 'consumer').map((c) => ({ id: c.id, name: c.name })),
    reviews: ev.reviews.map((r) => ({ phase: r.phase, due: r.due, status: r.status.toUpperCase(), lastReview: r.lastReview?.at ?? null })),
  };
}
