/**
 * The readiness matrix of a decision: one row per party, one column per requirement of the
 * decision's gates, each cell met, missing, failed or stale, with the event that decides it.
 * The cells are read with the very rules the gates use (`evidenceStanding`, verdict views, quorum),
 * so a cell is unmet exactly when its gate lists that party as a blocker. Pure.
 */
import type { GateDefinition, ProgramDefinition } from '../program/schema.js';
import {
  atOrAbove,
  describeTarget,
  evaluateGate,
  evidenceStanding,
  gatesOfDecision,
  partiesOwing,
  quorumOf,
  verdictViews,
  type EvidenceStanding,
} from './evaluate.js';
import { governedByQuorum } from './quorum.js';
import { partiesOfSoak, soakStanding } from './soak-gate.js';
import { openIncidents, targetRef, type ProgramState } from './state.js';

export type CellStatus = 'met' | 'missing' | 'failed' | 'stale' | 'not-required';

export interface ReadinessCell {
  readonly status: CellStatus;
  /** What the cell rests on, in words. */
  readonly detail: string;
  /** The event that decides the cell (the evidence, the verdict, the check), null when there is none. */
  readonly seq: number | null;
}

export interface ReadinessColumn {
  readonly id: string;
  readonly gate: string;
  readonly label: string;
  /** True for a gate no party owns alone (a phase closed, manual blockers): every row shows the same cell. */
  readonly joint: boolean;
  /** By party id. */
  readonly cells: Readonly<Record<string, ReadinessCell>>;
}

export interface ReadinessMatrix {
  readonly decision: string;
  readonly parties: readonly { readonly id: string; readonly name: string }[];
  readonly columns: readonly ReadinessColumn[];
}

const NOT_REQUIRED: ReadinessCell = { status: 'not-required', detail: 'not required of this party', seq: null };

export function readinessMatrix(state: ProgramState, decisionId: string, now: Date): ReadinessMatrix {
  const def = state.definition;
  if (def === null) throw new Error('readinessMatrix needs a defined program');
  const decision = def.decisions.find((d) => d.id === decisionId);
  if (decision === undefined) throw new Error(`decision ${decisionId} is not defined`);
  const columns = gatesOfDecision(decision, def).flatMap((gate) => columnsOf(gate, state, def, now));
  return { decision: decision.id, parties: def.parties.map((p) => ({ id: p.id, name: p.name })), columns };
}

function columnsOf(gate: GateDefinition, state: ProgramState, def: ProgramDefinition, now: Date): ReadinessColumn[] {
  const parties = def.parties.map((p) => p.id);
  const byParty = (cell: (party: string) => ReadinessCell, applies: (party: string) => boolean = () => true) =>
    Object.fromEntries(parties.map((p) => [p, applies(p) ? cell(p) : NOT_REQUIRED]));
  const current = targetRef(state.target);
  switch (gate.kind) {
    case 'target-published': {
      const producer = def.parties.find((p) => p.kind === 'producer')?.id;
      return [{ id: gate.id, gate: gate.id, label: 'target published and verified', joint: false, cells: byParty(() => targetCell(state), (p) => p === producer) }];
    }
    case 'all-parties-go':
      return [{ id: gate.id, gate: gate.id, label: 'GO', joint: false, cells: byParty((p) => goCell(state, def, gate.decision, p, now)) }];
    case 'evidence':
      return gate.requires.map((req, i) => {
        const owing = partiesOwing(req, def);
        return {
          id: `${gate.id}:${i}`,
          gate: gate.id,
          label: req.label,
          joint: false,
          cells: byParty((p) => evidenceCell(evidenceStanding(state, p, req.kind, current), req.kind, current), (p) => owing.includes(p)),
        };
      });
    case 'rollback-evidence':
      return [{ id: gate.id, gate: gate.id, label: gate.evidence, joint: false, cells: byParty((p) => evidenceCell(evidenceStanding(state, p, gate.evidence, current), gate.evidence, current)) }];
    case 'metric-analysis': {
      const owing = partiesOfSoak(gate, def);
      return [
        {
          id: gate.id,
          gate: gate.id,
          label: `metric analysis over ${gate.span}`,
          joint: false,
          cells: byParty((p) => {
            const s = soakStanding(state, gate, p, current);
            return { status: s.status, detail: s.detail, seq: s.seq };
          }, (p) => owing.includes(p)),
        },
      ];
    }
    case 'no-open-incident':
      return [
        {
          id: gate.id,
          gate: gate.id,
          label: `no open ${gate.severity}+ incident`,
          joint: false,
          cells: byParty((p) => {
            const open = openIncidents(state).find((i) => i.party === p && atOrAbove(i.severity, gate.severity));
            return open === undefined
              ? { status: 'met', detail: `no open incident at ${gate.severity} or above`, seq: null }
              : { status: 'failed', detail: `incident ${open.id} (${open.severity}) is open: ${open.summary}`, seq: open.seq };
          }),
        },
      ];
    case 'phase-closed':
    case 'no-manual-blockers':
    case 'notice': {
      const result = evaluateGate(gate, state, def, now);
      const cell: ReadinessCell = result.holds ? { status: 'met', detail: 'holds', seq: null } : { status: 'missing', detail: result.blocker.details.join('; '), seq: null };
      return [{ id: gate.id, gate: gate.id, label: gate.kind === 'phase-closed' ? `Phase ${gate.phase} closed` : gate.id, joint: true, cells: byParty(() => cell) }];
    }
  }
}

function targetCell(state: ProgramState): ReadinessCell {
  const t = state.target;
  if (t === null) return { status: 'missing', detail: 'no runtime target has been published', seq: null };
  if (t.rolledBack !== null) return { status: 'failed', detail: `${describeTarget(t)} was rolled back by incident ${t.rolledBack.incident}`, seq: t.rolledBack.seq };
  if (t.verified) return { status: 'met', detail: `${describeTarget(t)} verified against the producer's repository`, seq: t.checkedSeq ?? t.seq };
  if (t.checkedSeq === null) return { status: 'missing', detail: `${describeTarget(t)} is published but was never verified`, seq: t.seq };
  return { status: 'failed', detail: `the latest check of ${describeTarget(t)} failed: ${t.problems.join('; ')}`, seq: t.checkedSeq };
}

function goCell(state: ProgramState, def: ProgramDefinition, decisionId: string, party: string, now: Date): ReadinessCell {
  const decision = def.decisions.find((d) => d.id === decisionId)!;
  if (governedByQuorum(decision)) {
    const q = quorumOf(state, def, decision, now)[party]!;
    const last = q.counted[q.counted.length - 1];
    if (q.holds) return { status: 'met', detail: `${q.counted.length} of ${q.required} approvals count`, seq: last?.seq ?? null };
    const noGo = q.noGo[0];
    if (noGo !== undefined) return { status: 'failed', detail: `NO-GO by ${noGo.role}`, seq: noGo.seq };
    const stale = q.notCounted.find((n) => n.reason === 'stale' || n.reason === 'expired');
    if (stale !== undefined) return { status: 'stale', detail: stale.detail, seq: stale.seq };
    return { status: 'missing', detail: `${q.missing} more approval${q.missing === 1 ? '' : 's'} needed`, seq: last?.seq ?? null };
  }
  const v = verdictViews(state, def, decisionId)[party] ?? null;
  if (v === null) return { status: 'missing', detail: 'no verdict yet (pending)', seq: null };
  if (v.verdict === 'NO-GO') return { status: 'failed', detail: `NO-GO by ${v.actor}`, seq: v.seq };
  if (v.stale) return { status: 'stale', detail: `GO by ${v.actor} was cast for ${describeTarget(v.target)}, not the current target`, seq: v.seq };
  return { status: 'met', detail: `GO by ${v.actor}`, seq: v.seq };
}

function evidenceCell(standing: EvidenceStanding, kind: string, current: ReturnType<typeof targetRef>): ReadinessCell {
  switch (standing.status) {
    case 'met':
      return { status: 'met', detail: `${kind} PASS for ${describeTarget(current)}: ${standing.record.summary}`, seq: standing.record.seq };
    case 'failed':
      return { status: 'failed', detail: `${kind} FAILED for ${describeTarget(current)}: ${standing.record.summary}`, seq: standing.record.seq };
    case 'stale':
      return { status: 'stale', detail: `the latest ${kind} is for ${describeTarget(standing.record.target)}, not the current target`, seq: standing.record.seq };
    case 'missing':
      return { status: 'missing', detail: current === null ? `no ${kind} can count yet: no target has been published` : `no ${kind} for ${describeTarget(current)}`, seq: null };
  }
}

/** The decision the matrix is drawn for: the one the target-promoting phase executes, else the window's, else the last. */
export function runtimeDecisionOf(def: ProgramDefinition): string | null {
  const promoting = def.phases.find((p) => p.promotes_target === true && p.decision !== undefined)?.decision;
  return promoting ?? def.window?.decision ?? def.decisions[def.decisions.length - 1]?.id ?? null;
}
