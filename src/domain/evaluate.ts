/**
 * Everything a record or `status` shows is derived here from state and `now`: gate results,
 * blockers, decision outcomes, phase statuses and reasons, the cutover window. Pure.
 */
import { checkoutFlag, evidenceCommand } from './clearing.js';
import type {
  DecisionDefinition,
  EvidenceRequirementDefinition,
  GateDefinition,
  DutyName,
  PhaseDefinition,
  ProgramDefinition,
  RoleDefinition,
} from '../program/schema.js';
import type { MissingStep } from '../errors.js';
import type { TargetRef } from './events.js';
import { periodEndIn } from './calendar.js';
import { partiesOfSoak, soakStanding } from './soak-gate.js';
import { closesAfterPhase, decisionLabel, decisionState, type DecisionState } from './decision-state.js';
import { earliestCompletion, reviewDeadlines, windowRefusal, windowTime, type ReviewDeadline, type WindowTime } from './timing.js';
import { governedByQuorum, partyQuorum, quorumDetails, type PartyQuorum } from './quorum.js';
import { atOrAbove, closeChecklist, deadlinesOf, roleOf, triggerOf, type Deadline } from './incidents.js';
import {
  describeTarget,
  evidenceKey,
  evidenceTarget,
  isVerifiedTarget,
  openIncidents,
  sameTarget,
  targetRef,
  type EvidenceRecord,
  type Incident,
  type ManualBlocker,
  type PhaseStatusName,
  type ProgramState,
  type PublishedTarget,
  type VerdictRecord,
  type ApprovedPair,
} from './state.js';

export type Outcome = 'GO' | 'NO-GO';

/** An unmet gate, explained: what is missing, who owns it, and the command that would clear it. */
export interface Blocker {
  readonly gate: string;
  readonly kind: GateDefinition['kind'] | 'all-parties-go' | 'cutover-window';
  readonly text: string;
  readonly owner: { readonly role: string; readonly title: string };
  /** Exactly what is missing or failed: which party, which target, which evidence. */
  readonly details: readonly string[];
  /** For gates with labelled requirements: the labels of those still unmet, in order. */
  readonly missing: readonly string[];
  /** The parties this blocker waits on (empty when it waits on no party in particular). */
  readonly waitingOn: readonly string[];
  /** Commands that would clear it. */
  readonly clear: readonly string[];
}

export interface GateResult {
  readonly holds: boolean;
  readonly blocker: Blocker;
}

export interface VerdictView extends VerdictRecord {
  /** A GO cast for another target than the current one does not count. */
  readonly stale: boolean;
}

export interface DecisionStatus {
  readonly id: string;
  readonly title: string;
  readonly outcome: Outcome;
  /** pending (a party still owes its verdict), decided, or closed (its closes_after_phase ended): decision-state.ts. */
  readonly state: DecisionState;
  /** The word every output shows: GO, NO-GO, pending, closed (GO)… */
  readonly label: string;
  /** The phase after which it closes (closes_after_phase), or null. */
  readonly closesAfterPhase: string | null;
  readonly verdicts: Readonly<Record<string, VerdictView | null>>;
  readonly blockers: readonly Blocker[];
  /** Each party's approvals under the decision's quorum rules; null when it sets none (one GO per party). */
  readonly approvals: Readonly<Record<string, PartyQuorum>> | null;
}

export interface PhaseStatus {
  readonly id: string;
  readonly title: string;
  readonly status: PhaseStatusName;
  readonly reason: string;
  readonly decision?: string;
  /** An active phase with min_duration: the earliest time it may complete. */
  readonly canCompleteAt: string | null;
}

export interface ManualBlockerView extends ManualBlocker {
  readonly overdue: boolean;
}

/** The latest evidence of each party and kind for each target; stale when not for the current target. */
export interface EvidenceView extends EvidenceRecord {
  readonly stale: boolean;
}

/** An incident with its deadlines evaluated and, while open, what it still needs before it can close. */
export interface IncidentView extends Incident {
  readonly open: boolean;
  /** The trigger as the policy in force describes it (null if the policy no longer defines it). */
  readonly triggerDescription: string | null;
  readonly minimumSeverity: Incident['severity'] | null;
  readonly deadlines: readonly Deadline[];
  /** Empty once closed. */
  readonly missing: readonly MissingStep[];
}

export interface WindowStatus {
  readonly decision: string;
  readonly approved: boolean;
  /** Each party's latest note on the window decision. */
  readonly notes: Readonly<Record<string, string>>;
  /** The window in time (opens, closes, freezes); null when it sets no time. */
  readonly time: WindowTime | null;
}

export interface Evaluation {
  readonly program: { readonly id: string; readonly title: string };
  readonly head: string | null;
  readonly seq: number;
  readonly at: string | null;
  /** The `now` deadlines and blockers were evaluated at. */
  readonly evaluatedAt: string;
  readonly definitionSeq: number;
  readonly definitionDigest: string | null;
  readonly decisions: readonly DecisionStatus[];
  readonly phases: readonly PhaseStatus[];
  /** The first phase not yet started, whose entry the blockers hold up. */
  readonly nextPhase: string | null;
  /** Blockers before the next phase can start. */
  readonly blockers: readonly Blocker[];
  readonly window: WindowStatus | null;
  readonly target: PublishedTarget | null;
  readonly baseline: ProgramState['baseline'];
  /** Whether the baseline's tag and commit were checked in the producer's git repository (null: no baseline). */
  readonly baselineVerified: boolean | null;
  readonly rollbackTarget: ProgramState['rollbackTarget'];
  readonly manualBlockers: readonly ManualBlockerView[];
  readonly openIncidents: readonly IncidentView[];
  readonly closedIncidents: readonly IncidentView[];
  readonly evidence: readonly EvidenceView[];
  readonly evidenceCount: number;
  /** The reviews active phases owe (review_every), with where each stands. */
  readonly reviews: readonly ReviewDeadline[];
  /** The approved producer/consumer pairs: listed in cutover.yaml (seq 0), then derived from the ledger. */
  readonly approvedPairs: readonly ApprovedPair[];
  /** The roles of the definition in force, with their party and duties: who owes what (now.ts). */
  readonly roles: readonly RoleView[];
  readonly parties: readonly { readonly id: string; readonly name: string }[];
  /**
   * The first instant after `evaluatedAt` at which a gate of the next phase holds or fails with time
   * alone: a notice period ending, a counted GO expiring (valid_for), the cutover window opening or
   * closing, a freeze starting or ending. Null when none.
   */
  readonly blockersChangeAt: string | null;
}

export interface RoleView {
  readonly id: string;
  readonly title: string;
  readonly party: string;
  readonly duties: readonly DutyName[];
}

export { atOrAbove } from './incidents.js';
export { describeTarget } from './state.js';
export type { DecisionState } from './decision-state.js';

function roleTitle(def: ProgramDefinition, role: string): string {
  return def.roles.find((r) => r.id === role)?.title ?? role;
}

export function partyName(def: ProgramDefinition, party: string): string {
  return def.parties.find((p) => p.id === party)?.name ?? party;
}

function rolesOf(def: ProgramDefinition, party: string, duty?: RoleDefinition['duties'][number]): string[] {
  return def.roles.filter((r) => r.party === party && (duty === undefined || r.duties.includes(duty))).map((r) => r.id);
}

/** The role a suggested command should name: the first of `party` holding the earliest duty in `prefer`. */
function asRole(def: ProgramDefinition, party: string, ...prefer: RoleDefinition['duties'][number][]): string {
  for (const duty of prefer) {
    const role = rolesOf(def, party, duty)[0];
    if (role !== undefined) return role;
  }
  return rolesOf(def, party)[0] ?? `<${party} role>`;
}

/** The gate that is always part of a decision: every party's latest verdict is GO, for the current target. */
export function impliedAllPartiesGo(decision: DecisionDefinition, def: ProgramDefinition): GateDefinition {
  const logOwner = def.roles.find((r) => r.duties.includes('decision-log-owner'))?.id ?? def.roles[0]!.id;
  return {
    id: `${decision.id}:all-parties-go`,
    kind: 'all-parties-go',
    decision: decision.id,
    owner: logOwner,
    text: `Not every party has recorded GO on ${decision.title}.`,
  };
}

/** The gates a decision's GO needs, in order, with the all-parties-go gate added when not listed. */
export function gatesOfDecision(decision: DecisionDefinition, def: ProgramDefinition): GateDefinition[] {
  const gates = decision.gates.map((id) => gateById(def, id));
  const listsAllGo = gates.some((g) => g.kind === 'all-parties-go' && g.decision === decision.id);
  return listsAllGo ? gates : [...gates, impliedAllPartiesGo(decision, def)];
}

function gateById(def: ProgramDefinition, id: string): GateDefinition {
  const gate = def.gates.find((g) => g.id === id);
  // Cross-references are checked when the definition is loaded; reaching here is a bug.
  if (gate === undefined) throw new Error(`gate ${id} is not defined`);
  return gate;
}

function decisionById(def: ProgramDefinition, id: string): DecisionDefinition {
  const decision = def.decisions.find((d) => d.id === id);
  if (decision === undefined) throw new Error(`decision ${id} is not defined`);
  return decision;
}

export function phaseStatusOf(state: ProgramState, phase: string): PhaseStatusName {
  return state.phases[phase]?.status ?? 'not-started';
}

/**
 * Is a GO on this decision a GO for one target? Only when the decision gates on the target or on
 * evidence for it; a decision like rehearsal continuation keeps its GO when a target is published.
 */
export function decisionBindsTarget(decision: DecisionDefinition, def: ProgramDefinition): boolean {
  return decision.gates.some((id) => {
    const kind = def.gates.find((g) => g.id === id)?.kind;
    return kind === 'target-published' || kind === 'evidence' || kind === 'rollback-evidence' || kind === 'metric-analysis';
  });
}

export function verdictViews(state: ProgramState, def: ProgramDefinition, decision: string): Record<string, VerdictView | null> {
  const current = targetRef(state.target);
  const binds = decisionBindsTarget(decisionById(def, decision), def);
  const views: Record<string, VerdictView | null> = {};
  for (const party of def.parties) {
    const v = state.verdicts[decision]?.[party.id];
    views[party.id] = v === undefined ? null : { ...v, stale: binds && v.verdict === 'GO' && !sameTarget(v.target, current) };
  }
  return views;
}

/** Every party's approvals of a decision under its quorum rules. */
export function quorumOf(state: ProgramState, def: ProgramDefinition, decision: DecisionDefinition, now: Date): Record<string, PartyQuorum> {
  const binds = decisionBindsTarget(decision, def);
  return Object.fromEntries(def.parties.map((p) => [p.id, partyQuorum(state, def, decision, p.id, binds, now)]));
}

/** Evaluate one gate against the state. `scopePhase` limits manual blockers to a phase (and unscoped ones). */
export function evaluateGate(
  gate: GateDefinition,
  state: ProgramState,
  def: ProgramDefinition,
  now: Date,
  scopePhase?: string,
): GateResult {
  const details: string[] = [];
  const missing: string[] = [];
  const waitingOn = new Set<string>();
  const clear: string[] = [];
  const current = targetRef(state.target);
  const currentText = describeTarget(current);

  switch (gate.kind) {
    case 'target-published': {
      const producer = def.parties.find((p) => p.kind === 'producer');
      const target = state.target;
      if (target === null) {
        details.push('no runtime target (release tag + commit SHA + contract versions) has been published');
        clear.push(`cutover target publish --tag <tag> --sha <40-hex sha> --contract <name>=<version>${producer ? checkoutFlag(def, producer.id, '--repo') : ' --repo <producer repo>'} --as ${producer ? asRole(def, producer.id, 'approver', 'automation') : '<producer role>'}`);
      } else if (target.rolledBack !== null) {
        const r = target.rolledBack;
        details.push(`target ${describeTarget(target)} was rolled back by incident ${r.incident} (seq ${r.seq}, ${r.at}); a fixed release needs a new target`);
        clear.push(`cutover target publish --tag <new tag> --sha <40-hex sha> --contract <name>=<version>${producer ? checkoutFlag(def, producer.id, '--repo') : ' --repo <producer repo>'} --as ${producer ? asRole(def, producer.id, 'approver', 'automation') : '<producer role>'}`);
      } else if (!target.verified) {
        details.push(
          target.checkedSeq === null
            ? `target ${describeTarget(target)} is published (seq ${target.seq}) but was never verified against the producer's repository`
            : `the latest check of target ${describeTarget(target)} (seq ${target.checkedSeq}) failed: ${target.problems.join('; ')}`,
        );
        clear.push(`cutover target verify${producer ? checkoutFlag(def, producer.id, '--repo') : ' --repo <producer repo>'} --as ${producer ? asRole(def, producer.id, 'automation', 'approver') : '<role>'}`);
      }
      if (details.length > 0 && producer !== undefined) waitingOn.add(producer.id);
      break;
    }
    case 'all-parties-go': {
      const decision = decisionById(def, gate.decision);
      if (governedByQuorum(decision)) {
        for (const q of Object.values(quorumOf(state, def, decision, now))) {
          if (q.holds) continue;
          details.push(...quorumDetails(def, q, partyName(def, q.party)));
          waitingOn.add(q.party);
          for (const role of [...q.noGo.map((n) => n.role), ...q.mayStillSign]) clear.push(`cutover verdict ${decision.id} GO --as ${role}`);
        }
        break;
      }
      for (const [party, v] of Object.entries(verdictViews(state, def, gate.decision))) {
        const name = partyName(def, party);
        const approver = asRole(def, party, 'approver');
        if (v === null) {
          details.push(`${name}: no verdict recorded on ${decision.id}`);
        } else if (v.verdict === 'NO-GO') {
          details.push(`${name}: NO-GO by ${v.actor} at ${v.at} (seq ${v.seq})`);
        } else if (v.stale) {
          details.push(
            `${name}: GO at seq ${v.seq} was cast for target ${describeTarget(v.target)}, but the current target is ${currentText}`,
          );
        } else {
          continue;
        }
        waitingOn.add(party);
        clear.push(`cutover verdict ${decision.id} GO --as ${approver}`);
      }
      break;
    }
    case 'evidence': {
      for (const req of gate.requires) {
        const owing = partiesOwing(req, def);
        for (const party of owing) {
          const problem = evidenceProblem(state, party, req.kind, current);
          if (problem === null) continue;
          missing.push(owing.length > 1 ? `${req.label} (${partyName(def, party)})` : req.label);
          waitingOn.add(party);
          details.push(`${partyName(def, party)}: ${problem}`);
          clear.push(`${evidenceCommand(def, req.kind, party)} --as ${asRole(def, party, 'automation', 'approver')}`);
        }
      }
      break;
    }
    case 'rollback-evidence': {
      if (state.rollbackTarget === null) {
        const producer = def.parties.find((p) => p.kind === 'producer');
        details.push('no baseline is recorded: rollback evidence proves the baseline (the rollback target), so it cannot be recorded before it');
        clear.push(`cutover target publish --baseline --tag <tag> --sha <40-hex sha> --contract <name>=<version>${producer ? `${checkoutFlag(def, producer.id, '--repo')} --as ${asRole(def, producer.id, 'approver', 'automation')}` : ' --as <producer role>'}`);
      }
      for (const party of def.parties) {
        const problem = evidenceProblem(state, party.id, gate.evidence, current);
        if (problem === null) continue;
        waitingOn.add(party.id);
        details.push(`${party.name}: ${problem}`);
        clear.push(`${evidenceCommand(def, gate.evidence, party.id)} --as ${asRole(def, party.id, 'rollback-owner', 'automation')}`);
      }
      break;
    }
    case 'metric-analysis': {
      for (const party of partiesOfSoak(gate, def)) {
        const standing = soakStanding(state, gate, party, current);
        if (standing.met) continue;
        waitingOn.add(party);
        missing.push(`${gate.span} of metric analysis (${partyName(def, party)})`);
        details.push(`${partyName(def, party)}: ${standing.detail}`);
        clear.push(`${evidenceCommand(def, 'metric-analysis', party)} --as ${asRole(def, party, 'automation', 'approver')}`);
      }
      break;
    }
    case 'no-open-incident': {
      for (const incident of openIncidents(state)) {
        if (!atOrAbove(incident.severity, gate.severity)) continue;
        waitingOn.add(incident.party);
        details.push(`incident ${incident.id} (${incident.severity}, trigger ${incident.trigger}, ${partyName(def, incident.party)}) is open: ${incident.summary}`);
        for (const step of closeChecklist(state, def, incident)) clear.push(step.command);
        clear.push(`cutover incident close ${incident.id} --as ${roleOf(def, incident.party, 'incident-commander', 'rollback-owner')}`);
      }
      break;
    }
    case 'phase-closed': {
      const status = phaseStatusOf(state, gate.phase);
      if (status !== 'closed' && status !== 'complete') {
        details.push(`Phase ${gate.phase} is ${status}`);
        clear.push(`cutover phase ${status === 'active' ? 'close' : 'start'} ${gate.phase} --as ${gate.owner}`);
      }
      break;
    }
    case 'no-manual-blockers': {
      for (const b of Object.values(state.openBlockers)) {
        if (scopePhase !== undefined && b.phase !== undefined && b.phase !== scopePhase) continue;
        const overdue = isOverdue(b, now) ? ', OVERDUE' : '';
        details.push(`${b.id}: ${b.text} (owner ${b.owner}, due ${b.due}${overdue})`);
        clear.push(resolveBlockerCommand(b));
      }
      break;
    }
    case 'notice': {
      const notice = state.notices[gate.id];
      if (notice === undefined) {
        details.push(`no notice has been given for ${gate.id}: it must be given at least ${gate.period} before the phase starts`);
        clear.push(`cutover notice give ${gate.id} --text "…" --as ${gate.owner}`);
      } else {
        const over = periodEndIn(def, notice.at, gate.period);
        if (now.getTime() < over.getTime()) {
          details.push(`notice ${gate.id} was given at ${notice.at} (seq ${notice.seq}); its ${gate.period} period ends at ${over.toISOString()}`);
        }
      }
      break;
    }
    default:
      return assertNeverGate(gate);
  }

  return {
    holds: details.length === 0,
    blocker: {
      gate: gate.id,
      kind: gate.kind,
      text: gate.text,
      owner: { role: gate.owner, title: roleTitle(def, gate.owner) },
      details,
      missing,
      waitingOn: [...waitingOn],
      clear: [...new Set(clear)],
    },
  };
}

function assertNeverGate(gate: never): never {
  throw new Error(`unknown gate kind: ${JSON.stringify(gate)}`);
}

/** The parties a requirement asks evidence of: one named party, or every party of a kind. */
export function partiesOwing(req: EvidenceRequirementDefinition, def: ProgramDefinition): string[] {
  if ('party' in req) return [req.party];
  return def.parties.filter((p) => req.parties === 'all' || (req.parties === 'consumers' ? p.kind === 'consumer' : p.kind === 'producer')).map((p) => p.id);
}

/** Where a party's evidence of a kind stands for the current target: the record that decides it, if any. */
export type EvidenceStanding =
  | { readonly status: 'met' | 'failed'; readonly record: EvidenceRecord }
  | { readonly status: 'stale'; readonly record: EvidenceRecord }
  | { readonly status: 'missing'; readonly record: null };

/** The latest evidence wins: for the current target, a later failed run clears an earlier pass. */
export function evidenceStanding(state: ProgramState, party: string, kind: string, current: TargetRef | null): EvidenceStanding {
  const latest: EvidenceRecord | undefined = current === null ? undefined : state.evidence[evidenceKey(party, kind, current)];
  if (latest !== undefined) return { status: latest.result === 'pass' ? 'met' : 'failed', record: latest };
  const stale = Object.values(state.evidence)
    .filter((e) => e.party === party && e.kind === kind)
    .sort((a, b) => b.seq - a.seq)[0];
  return current !== null && stale !== undefined ? { status: 'stale', record: stale } : { status: 'missing', record: null };
}

/** Why a party's evidence of a kind does not count for the current target, or null when it does. */
export function evidenceProblem(state: ProgramState, party: string, kind: string, current: TargetRef | null): string | null {
  if (current === null) return `no ${kind} evidence can count yet: no target has been published`;
  const standing = evidenceStanding(state, party, kind, current);
  switch (standing.status) {
    case 'met':
      return null;
    case 'failed':
      return `latest ${kind} evidence for ${describeTarget(current)} FAILED (seq ${standing.record.seq}): ${standing.record.summary}`;
    case 'stale':
      return `${kind} evidence is stale: the latest (seq ${standing.record.seq}) is for ${describeTarget(standing.record.target)}, none for the current target ${describeTarget(current)}`;
    case 'missing':
      return `no ${kind} evidence for target ${describeTarget(current)}`;
  }
}

/** The command that resolves a manual blocker, as its owner. */
export function resolveBlockerCommand(b: Pick<ManualBlocker, 'id' | 'owner'>): string {
  return `cutover blocker resolve ${b.id} --note "…" --as ${b.owner}`;
}

/** A blocker is due by the end of its due day (UTC): overdue from this instant on. */
export function blockerOverdueFrom(b: Pick<ManualBlocker, 'due'>): number {
  return Date.parse(`${b.due}T00:00:00.000Z`) + 24 * 3600 * 1000;
}

function isOverdue(b: ManualBlocker, now: Date): boolean {
  return now.getTime() >= blockerOverdueFrom(b);
}

/**
 * The instants after `now` at which a gate the phase needs may hold or fail with time alone (see
 * Evaluation.blockersChangeAt). Each is the first instant of the new result: a notice period is
 * over from its end, a GO expired from its expiry, the window open from `opens` and closed from `closes`.
 */
function gateEdges(state: ProgramState, def: ProgramDefinition, phase: PhaseDefinition, now: Date): number[] {
  const edges: number[] = [];
  for (const gate of entryGatesOf(phase, def)) {
    if (gate.kind === 'notice') {
      const notice = state.notices[gate.id];
      if (notice !== undefined) edges.push(periodEndIn(def, notice.at, gate.period).getTime());
    } else if (gate.kind === 'all-parties-go') {
      const decision = decisionById(def, gate.decision);
      if (!governedByQuorum(decision)) continue;
      // Only a party that holds can stop holding with time; one that does not needs a new verdict.
      for (const q of Object.values(quorumOf(state, def, decision, now))) {
        if (q.holds) for (const c of q.counted) if (c.expiresAt !== null) edges.push(Date.parse(c.expiresAt));
      }
    }
  }
  const w = def.window;
  if (w !== undefined && phase.decision === w.decision) {
    for (const t of [w.opens, w.closes, ...(w.freezes ?? []).flatMap((f) => [f.from, f.until])]) if (t !== undefined) edges.push(Date.parse(t));
  }
  return edges.filter((t) => t > now.getTime());
}

function earliest(instants: readonly number[]): string | null {
  return instants.length === 0 ? null : new Date(Math.min(...instants)).toISOString();
}

/** The blockers of `gates`, each gate once; a gate of kind `except` is counted as seen but not evaluated. */
function evaluateGates(gates: readonly GateDefinition[], state: ProgramState, def: ProgramDefinition, now: Date, scopePhase?: string, except?: GateDefinition['kind']): Blocker[] {
  const seen = new Set<string>();
  const blockers: Blocker[] = [];
  for (const gate of gates) {
    if (seen.has(gate.id)) continue;
    seen.add(gate.id);
    if (gate.kind === except) continue;
    const result = evaluateGate(gate, state, def, now, scopePhase);
    if (!result.holds) blockers.push(result.blocker);
  }
  return blockers;
}

/** The blockers that keep a decision from GO. */
export function decisionBlockers(state: ProgramState, def: ProgramDefinition, decision: DecisionDefinition, now: Date): Blocker[] {
  return evaluateGates(gatesOfDecision(decision, def), state, def, now);
}

/**
 * The blockers that keep a party from casting GO: the decision's, but for the other parties' GO,
 * which a GO is cast to give. That gate is left unevaluated rather than filtered out afterwards:
 * admission decides every GO of a ledger again, and explaining who has not voted yet was most of it.
 */
export function blockersBeforeGo(state: ProgramState, def: ProgramDefinition, decision: DecisionDefinition, now: Date): Blocker[] {
  return evaluateGates(gatesOfDecision(decision, def), state, def, now, undefined, 'all-parties-go');
}

/** The gates a phase needs to start: its entry gates, then the gates of the decision it executes. */
export function entryGatesOf(phase: PhaseDefinition, def: ProgramDefinition): GateDefinition[] {
  const entry = phase.entry.map((id) => gateById(def, id));
  return phase.decision === undefined ? entry : [...entry, ...gatesOfDecision(decisionById(def, phase.decision), def)];
}

export function phaseBlockers(state: ProgramState, def: ProgramDefinition, phase: PhaseDefinition, now: Date): Blocker[] {
  const blockers = evaluateGates(entryGatesOf(phase, def), state, def, now, phase.id);
  const window = windowRefusal(def, phase, now);
  if (window === null) return blockers;
  const owner = def.roles.find((r) => r.duties.includes('decision-log-owner'))?.id ?? def.roles[0]!.id;
  return [
    ...blockers,
    {
      gate: 'cutover-window',
      kind: 'cutover-window',
      text: `Phase ${phase.id} starts only inside the cutover window, outside any freeze.`,
      owner: { role: owner, title: roleTitle(def, owner) },
      details: [window],
      missing: [],
      waitingOn: [],
      clear: [],
    },
  ];
}

function phaseReason(state: ProgramState, def: ProgramDefinition, phase: PhaseDefinition, index: number, now: Date): string {
  const record = state.phases[phase.id];
  if (record !== undefined) {
    if (record.status === 'active') return `started ${record.at.slice(0, 10)}`;
    return record.reason ?? record.status;
  }
  const earlier = def.phases.slice(0, index).find((p) => {
    const s = phaseStatusOf(state, p.id);
    return s === 'not-started' || s === 'active';
  });
  if (earlier !== undefined) return `waiting for Phase ${earlier.id}`;
  if (phase.decision !== undefined) {
    const verdicts = state.verdicts[phase.decision] ?? {};
    if (Object.values(verdicts).some((v) => v.verdict === 'NO-GO')) return 'blocked by explicit NO-GO';
  }
  const blockers = phaseBlockers(state, def, phase, now);
  if (blockers.length > 0) return `blocked by ${blockers.length} unmet gate${blockers.length === 1 ? '' : 's'}`;
  return 'ready to start';
}

export function evaluate(state: ProgramState, now: Date): Evaluation {
  const def = state.definition;
  if (def === null || state.program === null) {
    throw new Error('evaluate needs a defined program (the ledger starts with program.defined)');
  }
  const decisions: DecisionStatus[] = def.decisions.map((d) => {
    const blockers = decisionBlockers(state, def, d, now);
    const approvals = governedByQuorum(d) ? quorumOf(state, def, d, now) : null;
    const facts = { outcome: blockers.length === 0 ? ('GO' as const) : ('NO-GO' as const), verdicts: verdictViews(state, def, d.id), approvals };
    const closes = closesAfterPhase(d);
    const decisionStateNow = decisionState(facts, closes, (phase) => phaseStatusOf(state, phase));
    return { id: d.id, title: d.title, ...facts, state: decisionStateNow, label: decisionLabel({ ...facts, state: decisionStateNow }), closesAfterPhase: closes, blockers };
  });
  const phases: PhaseStatus[] = def.phases.map((p, i) => ({
    id: p.id,
    title: p.title,
    status: phaseStatusOf(state, p.id),
    reason: phaseReason(state, def, p, i, now),
    ...(p.decision === undefined ? {} : { decision: p.decision }),
    canCompleteAt: earliestCompletion(state, def, p),
  }));
  const next = def.phases.find((p) => phaseStatusOf(state, p.id) === 'not-started');
  const window = def.window === undefined ? null : { ...windowStatus(state, def, def.window.decision, decisions), time: windowTime(def, now) };
  return {
    program: { id: def.program.id, title: def.program.title },
    head: state.head,
    seq: state.seq,
    at: state.lastAt,
    evaluatedAt: now.toISOString(),
    definitionSeq: state.definitionSeq,
    definitionDigest: state.definitionDigest,
    decisions,
    phases,
    nextPhase: next?.id ?? null,
    blockers: next === undefined ? [] : phaseBlockers(state, def, next, now),
    window,
    target: state.target,
    baseline: state.baseline,
    baselineVerified: state.baseline === null ? null : isVerifiedTarget(state, state.baseline),
    rollbackTarget: state.rollbackTarget,
    manualBlockers: Object.values(state.openBlockers)
      .sort((a, b) => a.seq - b.seq)
      .map((b) => ({ ...b, overdue: isOverdue(b, now) })),
    openIncidents: incidentViews(state, def, now, true),
    closedIncidents: incidentViews(state, def, now, false),
    evidence: Object.values(state.evidence)
      .sort((a, b) => a.seq - b.seq)
      .map((e) => ({ ...e, stale: !sameTarget(e.target, targetRef(evidenceTarget(state))) })),
    evidenceCount: state.evidenceCount,
    reviews: reviewDeadlines(state, def, now),
    approvedPairs: approvedPairs(state, def),
    roles: def.roles.map((r) => ({ id: r.id, title: r.title, party: r.party, duties: r.duties })),
    parties: def.parties.map((p) => ({ id: p.id, name: p.name })),
    blockersChangeAt: next === undefined ? null : earliest(gateEdges(state, def, next, now)),
  };
}

/** The approved pairs: those cutover.yaml lists (seq 0), then those the ledger derived, in order. */
export function approvedPairs(state: ProgramState, def: ProgramDefinition): ApprovedPair[] {
  const listed = (def.compatibility?.approved ?? []).map((p) => ({ ...p, seq: 0, at: '', actor: 'cutover.yaml' }));
  return [...listed, ...state.approvedPairs];
}

function incidentViews(state: ProgramState, def: ProgramDefinition, now: Date, open: boolean): IncidentView[] {
  return Object.values(state.incidents)
    .filter((i) => (i.closed === null) === open)
    .sort((a, b) => a.seq - b.seq)
    .map((i) => {
      const trigger = triggerOf(def, i.trigger);
      return {
        ...i,
        open,
        triggerDescription: trigger?.description ?? null,
        minimumSeverity: trigger?.severity ?? null,
        deadlines: deadlinesOf(i, def, now),
        missing: open ? closeChecklist(state, def, i) : [],
      };
    });
}

function windowStatus(state: ProgramState, def: ProgramDefinition, decision: string, decisions: readonly DecisionStatus[]): Omit<WindowStatus, 'time'> {
  const notes: Record<string, string> = {};
  for (const party of def.parties) {
    const note = state.verdicts[decision]?.[party.id]?.note;
    if (note !== undefined) notes[party.id] = note;
  }
  return { decision, approved: decisions.find((d) => d.id === decision)?.outcome === 'GO', notes };
}
