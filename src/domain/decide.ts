/**
 * decide(state, command) → the events to record, or the typed error that says why not.
 * Pure: time comes in with the command; nothing is thrown for a refusal.
 */
import { clockCorrectionAt } from './clock-correction.js';
import {
  CutoverError,
  EvidenceRejectedError,
  IncidentIncompleteError,
  invalidInput,
  InvalidInputError,
  InvalidTransitionError,
  NotAuthorizedError,
  PolicyRefusalError,
  RepinNotFoundError,
  SeverityBelowMinimumError,
  TimeOrderError,
  UnknownNameError,
} from '../errors.js';
import { durationMs } from '../program/duration.js';
import type { PartyDefinition, ProgramDefinition, SeverityName, TargetDefinition } from '../program/schema.js';
import { actsAsAutomation, authorize, authorizeIncidentStep, findRole, partyOf, sameAuthority, type IncidentEventType } from './authority.js';
import { blockersBeforeGo, phaseBlockers, phaseStatusOf, type Blocker } from './evaluate.js';
import type { EventDataOf, EventDraft, RunData, TagFacts, VerdictValue } from './events.js';
import { handoffMismatches, handoffProducer, HANDOFF_VERSION, type HandoffShapeProblem } from './handoff.js';
import type { HandoffPayload } from './handoff-schema.js';
import { judgeAnalysis, verdictText, type AnalysisInput } from './metric-analysis.js';
import { checkRecordedRepin, checkRepin, type RepinFacts, type SameAsProducer } from './pins.js';
import { approvedPairs } from './evaluate.js';
import { baselineOldEnoughAt, earliestCompletion } from './timing.js';
import { atOrAbove, closeChecklist, repinSince, restoredRun } from './incidents.js';
import { rollbackEvidenceRefusal, type CheckoutFacts } from './rollback-checkout.js';
import { noTargetError, runCheckoutOf, type RecordedRunCheckout } from './run-checkout.js';
import { currentTarget, describeTarget, evidenceTarget, sameTarget, targetRef, type Incident, type ProgramState } from './state.js';
import { textLimitRefusal } from './text-limit.js';

interface CommandBase {
  /** The role recording the event; its key signs it. */
  readonly actor: string;
  /** When the command is given (UTC ISO). Never earlier than the last event. */
  readonly at: string;
}

export type Command = CommandBase &
  (
    | { readonly type: 'define-program'; readonly definition: ProgramDefinition; readonly digest: string; readonly fileDigest: string }
    | { readonly type: 'amend-program'; readonly definition: ProgramDefinition; readonly digest: string; readonly fileDigest: string; readonly reason: string }
    | {
        readonly type: 'publish-target';
        readonly target: TargetDefinition;
        readonly as: 'candidate' | 'baseline';
        /** What the producer's repository says about the pair; null when published without checking it. */
        readonly check: TargetCheckFacts | null;
      }
    | { readonly type: 'verify-target'; readonly check: TargetCheckFacts }
    | { readonly type: 'cast-verdict'; readonly decision: string; readonly verdict: VerdictValue; readonly note?: string }
    | { readonly type: 'add-evidence'; readonly party: string; readonly summary?: string; readonly evidence: EvidenceInput }
    | { readonly type: 'raise-blocker'; readonly id?: string; readonly text: string; readonly owner: string; readonly due: string; readonly phase?: string }
    | { readonly type: 'resolve-blocker'; readonly id: string; readonly note: string }
    | { readonly type: 'start-phase'; readonly phase: string }
    | { readonly type: 'close-phase'; readonly phase: string; readonly reason: string }
    | { readonly type: 'complete-phase'; readonly phase: string; readonly reason: string }
    | { readonly type: 'record-review'; readonly phase: string; readonly note: string }
    | { readonly type: 'give-notice'; readonly gate: string; readonly text: string }
    | { readonly type: 'correct-clock'; readonly reason: string }
    | IncidentCommand
  );

/**
 * The incident lifecycle. `party` is the party a step speaks for (default: the recording role's
 * party); `at` of the command is when the step is recorded.
 */
export type IncidentCommand =
  | {
      readonly type: 'declare-incident';
      readonly id?: string;
      readonly party?: string;
      readonly trigger: string;
      readonly severity: SeverityName;
      /** The impact summary. */
      readonly summary: string;
      /** When the trigger was identified (default: the command's time); the deadlines run from here. */
      readonly identifiedAt?: string;
      /** The affected contract mode (default: the contract versions of the target in play). */
      readonly contractMode?: string;
    }
  | { readonly type: 'notify-incident'; readonly id: string; readonly party?: string; readonly actions?: readonly string[]; readonly nextUpdate?: string; readonly note?: string }
  | { readonly type: 'recommend-rollback'; readonly id: string; readonly party?: string; readonly note?: string }
  | { readonly type: 'execute-rollback'; readonly id: string; readonly party?: string; readonly note?: string }
  | { readonly type: 'confirm-repin'; readonly id: string; readonly party?: string }
  | {
      readonly type: 'update-incident';
      readonly id: string;
      readonly party?: string;
      readonly note: string;
      readonly actions?: readonly string[];
      readonly severity?: SeverityName;
      readonly nextUpdate?: string;
    }
  | { readonly type: 'summarize-incident'; readonly id: string; readonly party?: string; readonly summary: string; readonly residualRisk: string }
  | { readonly type: 'approve-incident'; readonly id: string; readonly party?: string; readonly note?: string }
  | { readonly type: 'close-incident'; readonly id: string; readonly party?: string; readonly note?: string };

/** A check of a (tag, sha) pair against the producer's repository, done by an evidence collector. */
export interface TargetCheckFacts {
  readonly ok: boolean;
  readonly facts: TagFacts | null;
  readonly problems: readonly string[];
}

/**
 * The fields of a decided event's data that the state assigned, not the command: a new blocker's or
 * incident's id when none was given. A command decided again on a newer state (another writer got
 * in first) may differ there and still be the same decision; anywhere else, it is another one.
 */
export function assignedByState(command: Command): readonly string[] {
  return (command.type === 'raise-blocker' || command.type === 'declare-incident') && command.id === undefined ? ['id'] : [];
}

/**
 * Evidence as collected, before it is tied to the current target. The `recorded` forms are evidence
 * as a signed event states it (admission re-deciding an event): what the collector read (the payload,
 * the repository's files) is not in the ledger, so the policy checks all it can from the event, the
 * signer stands behind the rest, and `verify --recheck` re-reads it.
 */
export type EvidenceInput =
  /** `shape`: where the payload is not a version-1 payload, found where the file was read (`handoffEvidence`). */
  | { readonly kind: 'handoff-payload'; readonly file: string; readonly sha256: string; readonly payload: unknown; readonly shape: readonly HandoffShapeProblem[] }
  | { readonly kind: 'handoff-payload'; readonly file: string; readonly sha256: string; readonly recorded: { readonly payloadVersion: number } }
  | { readonly kind: 'repin'; readonly facts: RepinFacts }
  | {
      readonly kind: 'repin';
      readonly recorded: { readonly commit: string; readonly files: readonly { readonly path: string; readonly blob: string }[]; readonly sameAsProducer?: readonly SameAsProducer[] };
    }
  /**
   * A run with where it ran: `checkout` as the collector found it, `recorded` as a line states it;
   * neither for a line written before runs recorded it (admitted only under a version-1 definition).
   */
  | { readonly kind: 'verification-run'; readonly run: RunData; readonly checkout?: CheckoutFacts; readonly recorded?: RecordedRunCheckout }
  | { readonly kind: 'rollback-drill' | 'rollback-execution'; readonly verdict: 'READY' | 'PASS' | 'FAIL'; readonly run: RunData; readonly checkout: CheckoutFacts }
  | { readonly kind: 'rollback-drill' | 'rollback-execution'; readonly verdict: 'READY' | 'PASS' | 'FAIL'; readonly run: RunData; readonly recorded: true }
  | { readonly kind: 'artifact'; readonly file: string; readonly sha256: string; readonly bytes: number }
  | AnalysisInput;

export type Decided = { readonly ok: true; readonly events: readonly EventDraft[] } | { readonly ok: false; readonly error: CutoverError };

const refuse = (error: CutoverError): Decided => ({ ok: false, error });

export function decide(state: ProgramState, command: Command): Decided {
  const decided = decideVouched(state, command, null);
  return 'error' in decided ? refuse(decided.error) : { ok: true, events: [decided] };
}

/**
 * An event whose recording role the caller has already authorized under the definition in force
 * (`authorize` gave null): what admission decides again. Null when there is none (a command).
 */
export type Vouched = Pick<EventDraft, 'type' | 'actor' | 'data'> | null;

/**
 * `decide`, for the command a line stands for, once the caller (the fold) has authorized the line
 * itself (`vouched`): an event derived with the line's type, actor and party is allowed by the same
 * rules (sameAuthority), so it is not authorized again; any other is, as by `decide`. The one event
 * a command records, or the refusal, as they are: admission wraps neither.
 */
export function decideVouched(state: ProgramState, command: Command, vouched: Vouched): EventDraft | { readonly error: CutoverError } {
  // A clock correction is the one line dated before the last: its own rule says how far back.
  if (state.lastAt !== null && command.at < state.lastAt && command.type !== 'correct-clock') {
    return { error: timeOrderError(state, command.at) };
  }
  if (command.type === 'define-program') {
    if (state.definition !== null) {
      return invalid(`program ${state.program} is already defined (seq ${state.definitionSeq}); change it with cutover program amend`);
    }
    return authorized(command.definition, { type: 'program.defined', actor: command.actor, data: { definition: command.definition, digest: command.digest, file: command.fileDigest } }, vouched);
  }
  const def = state.definition;
  if (def === null) {
    return invalid('the ledger is empty: record the program definition first with cutover program define');
  }
  const draft = draftFor(state, def, command, vouched);
  if ('error' in draft) return draft;
  return authorized(def, draft, vouched);
}

function authorized(def: ProgramDefinition, draft: EventDraft, vouched: Vouched): EventDraft | { readonly error: CutoverError } {
  const denied = authorityRefusal(def, draft, vouched) ?? textLimitRefusal(def, draft);
  return denied === null ? draft : { error: denied };
}

/** `authorize`, unless `vouched` was authorized with the same type, actor and party (it gave null then). */
function authorityRefusal(def: ProgramDefinition, draft: EventDraft, vouched: Vouched): NotAuthorizedError | null {
  return vouched !== null && sameAuthority(vouched, draft.type, draft.actor, partyOf(draft)) ? null : authorize(def, draft);
}

/** `authorizeIncidentStep`, unless `vouched` was authorized as this very step (the same rules gave null then). */
function incidentStepRefusal(def: ProgramDefinition, actor: string, type: IncidentEventType, party: string, vouched: Vouched): NotAuthorizedError | null {
  return vouched !== null && sameAuthority(vouched, type, actor, party) ? null : authorizeIncidentStep(def, actor, type, party);
}

function unknown(what: string, name: string, known: readonly { id: string }[]): { error: CutoverError } {
  return { error: new UnknownNameError(what, name, known.map((k) => k.id)) };
}

function invalid(message: string, hints: string[] = []): { error: CutoverError } {
  return { error: new InvalidTransitionError(message, hints) };
}

function blocked(message: string, blockers: readonly Blocker[]): { error: CutoverError } {
  return { error: new PolicyRefusalError(message, blockers) };
}

function draftFor(state: ProgramState, def: ProgramDefinition, command: Exclude<Command, { type: 'define-program' }>, vouched: Vouched): EventDraft | { error: CutoverError } {
  const { actor } = command;
  // The command's time as a Date is made only where a rule reads the clock: parsing it for every
  // line (evidence, most of a ledger, never needs it) was the costliest step of admitting one.
  switch (command.type) {
    case 'amend-program': {
      if (command.definition.program.id !== def.program.id) {
        return invalid(`an amendment cannot rename the program (${def.program.id} → ${command.definition.program.id}); start a new program instead`);
      }
      if (command.digest === state.definitionDigest) {
        return invalid(`cutover.yaml already matches the definition in force (seq ${state.definitionSeq}); nothing to amend`);
      }
      // A later version only adds rules (version 2: every run records where it ran); going back would drop them.
      if (command.definition.version < def.version) {
        return invalid(`an amendment cannot lower the definition's version (${def.version} → ${command.definition.version}): its rules hold from the version in force on`, [`set version: ${def.version} in cutover.yaml`]);
      }
      return { type: 'program.amended', actor, data: { definition: command.definition, digest: command.digest, file: command.fileDigest, reason: command.reason } };
    }
    case 'publish-target': {
      const current = command.as === 'baseline' ? state.baseline : state.target;
      if (current !== null && current.tag === command.target.tag && current.sha === command.target.sha) {
        const rolledBack = command.as === 'candidate' ? state.target?.rolledBack : undefined;
        if (rolledBack !== undefined && rolledBack !== null) {
          return invalid(`${command.target.tag} @ ${command.target.sha} was rolled back by incident ${rolledBack.incident} (seq ${rolledBack.seq}); its old verdicts and evidence must not count again`, [
            'publish the fixed release as a new target, under a new tag',
          ]);
        }
        return invalid(`${command.target.tag} @ ${command.target.sha} is already the published ${command.as}`, [
          command.as === 'candidate' ? 're-check it instead: cutover target verify --repo <producer repo>' : '',
        ].filter(Boolean));
      }
      if (command.check !== null && !command.check.ok) {
        return { error: new EvidenceRejectedError(`${command.target.tag} @ ${command.target.sha} is not a real release target`, command.check.problems) };
      }
      const oldEnoughAt = command.as === 'candidate' ? baselineOldEnoughAt(state, def, new Date(command.at)) : null;
      if (oldEnoughAt !== null) {
        return invalid(
          `${command.target.tag} cannot be published yet: the baseline ${describeTarget(state.baseline)} has been in production since ${state.baselineSince}, and targets.baseline_min_age is ${def.targets!.baseline_min_age}; it can be published from ${oldEnoughAt}`,
        );
      }
      return { type: 'target.published', actor, data: { target: command.target, as: command.as, verification: command.check?.facts ?? null } };
    }
    case 'verify-target': {
      const target = state.target;
      if (target === null) return invalid('no runtime target has been published to verify');
      const { ok, facts, problems } = command.check;
      return { type: 'target.verified', actor, data: { tag: target.tag, sha: target.sha, ok, facts, problems: [...problems] } };
    }
    case 'cast-verdict': {
      const decision = def.decisions.find((d) => d.id === command.decision);
      if (decision === undefined) return unknown('decision', command.decision, def.decisions);
      const role = findRole(def, actor);
      if (role === undefined) return unknown('role', actor, def.roles);
      const target = targetRef(state.target);
      // Written out, not spread: admission decides every verdict of a ledger again.
      const data =
        command.note === undefined
          ? { decision: decision.id, party: role.party, verdict: command.verdict, target }
          : { decision: decision.id, party: role.party, verdict: command.verdict, target, note: command.note };
      const draft: EventDraft = { type: 'verdict.cast', actor, data };
      // Who may vote comes first: a role that may not cast this verdict hears that, not which gates are unmet.
      const denied = authorityRefusal(def, draft, vouched);
      if (denied !== null) return { error: denied };
      if (command.verdict === 'GO') {
        // GO must be earned: every gate but the other parties' GO must already hold.
        const unmet = blockersBeforeGo(state, def, decision, new Date(command.at));
        if (unmet.length > 0) return blocked(`GO on ${decision.id} refused: ${unmet.length} gate${unmet.length === 1 ? '' : 's'} unmet`, unmet);
      }
      return draft;
    }
    case 'add-evidence': {
      const party = def.parties.find((p) => p.id === command.party);
      if (party === undefined) return unknown('party', command.party, def.parties);
      // Against the candidate target or, once an incident rolled it back, the restored baseline.
      const target = evidenceTarget(state);
      if (target === null) return { error: noTargetError() };
      const data = evidenceData(state, def, party, target, command.evidence, command.summary, command.at);
      return 'error' in data ? data : { type: 'evidence.added', actor, data };
    }
    case 'raise-blocker': {
      if (findRole(def, command.owner) === undefined) return unknown('owner role', command.owner, def.roles);
      if (command.phase !== undefined && !def.phases.some((p) => p.id === command.phase)) return unknown('phase', command.phase, def.phases);
      const id = command.id ?? `B-${state.raisedBlockerCount + 1}`;
      if (state.openBlockers[id] !== undefined) return invalid(`blocker ${id} is already open (raised at seq ${state.openBlockers[id]!.seq})`);
      return {
        type: 'blocker.raised',
        actor,
        data:
          command.phase === undefined
            ? { id, text: command.text, owner: command.owner, due: command.due }
            : { id, text: command.text, owner: command.owner, due: command.due, phase: command.phase },
      };
    }
    case 'resolve-blocker': {
      if (state.openBlockers[command.id] === undefined) {
        const open = Object.keys(state.openBlockers);
        return invalid(`no open blocker ${command.id}; open blockers: ${open.length ? open.join(', ') : '(none)'}`);
      }
      return { type: 'blocker.resolved', actor, data: { id: command.id, note: command.note } };
    }
    case 'start-phase': {
      const index = def.phases.findIndex((p) => p.id === command.phase);
      const phase = def.phases[index];
      if (phase === undefined) return unknown('phase', command.phase, def.phases);
      const status = phaseStatusOf(state, phase.id);
      if (status !== 'not-started') return invalid(`Phase ${phase.id} is already ${status}`);
      const pending = def.phases.slice(0, index).find((p) => {
        const s = phaseStatusOf(state, p.id);
        return s === 'not-started' || s === 'active';
      });
      if (pending !== undefined) {
        const pendingStatus = phaseStatusOf(state, pending.id);
        return invalid(`Phase ${phase.id} cannot start while Phase ${pending.id} is ${pendingStatus}: phases run in order`, [
          pendingStatus === 'active'
            ? `close it first (or complete it, when its work is done): cutover phase close ${pending.id} --reason "…" --as ${actor}`
            : `start Phase ${pending.id} first: cutover phase start ${pending.id} --as ${actor}`,
        ]);
      }
      const blockers = phaseBlockers(state, def, phase, new Date(command.at));
      if (blockers.length > 0) return blocked(`Phase ${phase.id} (${phase.title}) cannot start: ${blockers.length} entry gate${blockers.length === 1 ? '' : 's'} unmet`, blockers);
      return { type: 'phase.started', actor, data: { phase: phase.id } };
    }
    case 'close-phase':
    case 'complete-phase': {
      const phase = def.phases.find((p) => p.id === command.phase);
      if (phase === undefined) return unknown('phase', command.phase, def.phases);
      const status = phaseStatusOf(state, phase.id);
      if (status !== 'active') return invalid(`Phase ${phase.id} is ${status}; only an active phase can be ${command.type === 'close-phase' ? 'closed' : 'completed'}`);
      const canCompleteAt = earliestCompletion(state, def, phase);
      if (command.type === 'complete-phase' && canCompleteAt !== null && new Date(command.at).getTime() < Date.parse(canCompleteAt)) {
        return invalid(`Phase ${phase.id} (${phase.title}) cannot complete before ${canCompleteAt}: it started at ${state.phases[phase.id]!.at} and its min_duration is ${phase.min_duration}`, [
          `complete it from ${canCompleteAt}: cutover phase complete ${phase.id} --reason "…" --as ${actor}`,
        ]);
      }
      return command.type === 'close-phase'
        ? { type: 'phase.closed', actor, data: { phase: phase.id, reason: command.reason } }
        : { type: 'phase.completed', actor, data: { phase: phase.id, reason: command.reason } };
    }
    case 'record-review': {
      const phase = def.phases.find((p) => p.id === command.phase);
      if (phase === undefined) return unknown('phase', command.phase, def.phases);
      if (phase.review_every === undefined) return invalid(`Phase ${phase.id} schedules no reviews (review_every is not set in cutover.yaml)`);
      const status = phaseStatusOf(state, phase.id);
      if (status !== 'active') return invalid(`Phase ${phase.id} is ${status}; reviews are recorded while it is active`);
      return { type: 'review.recorded', actor, data: { phase: phase.id, note: command.note } };
    }
    case 'give-notice': {
      const gate = def.gates.find((g) => g.id === command.gate);
      if (gate === undefined || gate.kind !== 'notice') return unknown('notice gate', command.gate, def.gates.filter((g) => g.kind === 'notice'));
      return { type: 'notice.given', actor, data: { gate: gate.id, text: command.text } };
    }
    case 'correct-clock': {
      const correction = clockCorrectionAt(state.timeMarks, state.lastAt, state.seq, command.at);
      if (!correction.ok) return invalid(`cannot correct the clock at ${command.at}: ${correction.reason}`, [...correction.hints]);
      return { type: 'clock.corrected', actor, data: { misdatedFrom: correction.misdatedFrom, reason: command.reason } };
    }
    case 'declare-incident':
    case 'notify-incident':
    case 'recommend-rollback':
    case 'execute-rollback':
    case 'confirm-repin':
    case 'update-incident':
    case 'summarize-incident':
    case 'approve-incident':
    case 'close-incident':
      return incidentDraft(state, def, command, vouched);
    default:
      return assertNeverCommand(command);
  }
}

type Draft = EventDraft | { error: CutoverError };

/** The incident steps: each checks the incident's state, then who may record it, then what it needs. */
function incidentDraft(state: ProgramState, def: ProgramDefinition, command: CommandBase & IncidentCommand, vouched: Vouched): Draft {
  const { actor } = command;
  const role = findRole(def, actor);
  if (role === undefined) return unknown('role', actor, def.roles);
  if (command.type === 'declare-incident') return declareIncident(state, def, command, vouched);

  const incident = state.incidents[command.id];
  if (incident === undefined) {
    // The program may define no incident yet: say how to declare one, with the triggers it can be of.
    const triggers = def.incidents?.triggers.map((t) => t.id) ?? [];
    return {
      error: new UnknownNameError('incident', command.id, Object.keys(state.incidents), [
        `declare it first: cutover incident declare --trigger <${triggers.join('|') || 'trigger'}> --severity SEV-n --summary "…" --id ${command.id} --as ${actor}`,
      ]),
    };
  }
  if (incident.closed !== null) return invalid(`incident ${incident.id} was closed at seq ${incident.closed.seq} (${incident.closed.at}); declare a new one`);
  const eventType = INCIDENT_EVENT[command.type];
  const party = stepParty(def, role.party, command.party, eventType, incident);
  // The role exists (above): the step's rules are authorize's for it.
  const denied = incidentStepRefusal(def, actor, eventType, party, vouched);
  if (denied !== null) return { error: denied };
  const id = incident.id;
  const note = (text: string | undefined) => (text === undefined ? {} : { note: text });

  switch (command.type) {
    case 'notify-incident': {
      if (incident.notified !== null) {
        return invalid(`the initial notice of ${id} was sent at seq ${incident.notified.seq} (${incident.notified.at})`, [`later news is an update: cutover incident update ${id} --note "…"`]);
      }
      const nextUpdate = nextUpdateOf(def, command.at, command.nextUpdate);
      if ('error' in nextUpdate) return nextUpdate;
      return { type: 'incident.notified', actor, data: { id, party, actions: [...(command.actions ?? [])], nextUpdate: nextUpdate.at, ...note(command.note) } };
    }
    case 'recommend-rollback': {
      if (incident.rolledBack !== null) return invalid(`the rollback of ${id} was already executed at seq ${incident.rolledBack.seq}`);
      if (incident.recommended !== null) return invalid(`a rollback of ${id} was already recommended at seq ${incident.recommended.seq} by ${incident.recommended.actor}`);
      const route = rollbackRoute(state, def);
      if ('error' in route) return route;
      return { type: 'incident.rollback-recommended', actor, data: { id, party, from: route.from, to: targetRef(route.to)!, ...note(command.note) } };
    }
    case 'execute-rollback': {
      if (incident.rolledBack !== null) return invalid(`the rollback of ${id} was already executed at seq ${incident.rolledBack.seq} (${incident.rolledBack.at})`);
      if (incident.recommended === null) {
        return invalid(`no rollback of ${id} has been recommended: the producer recommends it first`, [`cutover incident recommend-rollback ${id} --as <producer incident commander or rollback owner>`]);
      }
      const route = rollbackRoute(state, def);
      if ('error' in route) return route;
      const to = { tag: route.to.tag, sha: route.to.sha, contracts: { ...route.to.contracts } };
      return { type: 'incident.rollback-executed', actor, data: { id, party, from: route.from, to, phases: phasesToMoveBack(state, def), ...note(command.note) } };
    }
    case 'confirm-repin': {
      const rolledBack = incident.rolledBack;
      if (rolledBack === null) return invalid(`no rollback of ${id} has been executed: a repin confirmation follows the rollback`);
      const confirmed = incident.repins[party];
      if (confirmed !== undefined) return invalid(`${party} confirmed its repin for ${id} at seq ${confirmed.seq}`);
      const repin = repinSince(state, party, rolledBack.to, rolledBack.seq);
      if (repin === null) {
        return {
          error: new RepinNotFoundError(
            `${party} has no accepted repin against the rollback target ${describeTarget(rolledBack.to)} recorded after the rollback (seq ${rolledBack.seq})`,
            [`repin to it in one commit, then record it: cutover evidence repin --party ${party} --repo <consumer repo> --commit <repin commit> --as ${actor}`],
          ),
        };
      }
      return { type: 'incident.repin-confirmed', actor, data: { id, party, target: targetRef(rolledBack.to)!, evidence: repin.seq } };
    }
    case 'update-incident': {
      if (command.severity !== undefined && actsAsAutomation(role, party)) {
        return { error: new NotAuthorizedError(actor, `change the severity of incident ${id}`, 'an automation role adds notes; a person (incident commander or rollback owner) changes the severity') };
      }
      if (command.severity !== undefined) {
        const refused = severityRefusal(def, incident.trigger, command.severity);
        if (refused !== null) return refused;
      }
      const nextUpdate = nextUpdateOf(def, command.at, command.nextUpdate);
      if ('error' in nextUpdate) return nextUpdate;
      return {
        type: 'incident.updated',
        actor,
        data: { id, party, note: command.note, actions: [...(command.actions ?? [])], ...(command.severity === undefined ? {} : { severity: command.severity }), nextUpdate: nextUpdate.at },
      };
    }
    case 'summarize-incident':
      return { type: 'incident.summarized', actor, data: { id, party, summary: command.summary, residualRisk: command.residualRisk } };
    case 'approve-incident': {
      const summary = incident.jointSummary;
      if (summary === null) return invalid(`${id} has no summary to approve yet`, [`cutover incident summary ${id} --summary "…" --residual-risk "…"`]);
      if (incident.approvals[party]?.summary === summary.seq) return invalid(`${party} already approved the summary of ${id} (seq ${summary.seq}) at seq ${incident.approvals[party]!.seq}`);
      return { type: 'incident.approved', actor, data: { id, party, summary: summary.seq, ...note(command.note) } };
    }
    case 'close-incident': {
      const missing = closeChecklist(state, def, incident);
      if (missing.length > 0) return { error: new IncidentIncompleteError(id, missing) };
      return { type: 'incident.closed', actor, data: { id, party, ...closingRecord(state, def, incident), ...note(command.note) } };
    }
    default:
      return assertNeverCommand(command);
  }
}

const INCIDENT_EVENT: Record<Exclude<IncidentCommand['type'], 'declare-incident'>, IncidentEventType> = {
  'notify-incident': 'incident.notified',
  'recommend-rollback': 'incident.rollback-recommended',
  'execute-rollback': 'incident.rollback-executed',
  'confirm-repin': 'incident.repin-confirmed',
  'update-incident': 'incident.updated',
  'summarize-incident': 'incident.summarized',
  'approve-incident': 'incident.approved',
  'close-incident': 'incident.closed',
};

/**
 * The party a step speaks for: the one given, else the recording role's own party; a joint role
 * speaks for none, so its step is taken as the party that would record it (and refused as such).
 */
function stepParty(def: ProgramDefinition, roleParty: string, given: string | undefined, type: IncidentEventType, incident?: Incident): string {
  if (given !== undefined) return given;
  if (def.parties.some((p) => p.id === roleParty)) return roleParty;
  const kind = type === 'incident.rollback-recommended' || type === 'incident.rollback-executed' ? 'producer' : type === 'incident.repin-confirmed' ? 'consumer' : undefined;
  return (kind === undefined ? incident?.party : def.parties.find((p) => p.kind === kind)?.id) ?? def.parties[0]!.id;
}

function declareIncident(state: ProgramState, def: ProgramDefinition, command: CommandBase & Extract<IncidentCommand, { type: 'declare-incident' }>, vouched: Vouched): Draft {
  const { actor } = command;
  const policy = def.incidents;
  if (policy === undefined) {
    return {
      error: invalidInput(
        { source: 'cutover.yaml', field: 'incidents', expected: 'an incidents: section (severity classes, triggers, deadlines)', found: 'none' },
        ['cutover init writes one with the default protocol; add it and record it with cutover program amend'],
      ),
    };
  }
  const trigger = policy.triggers.find((t) => t.id === command.trigger);
  if (trigger === undefined) return unknown('trigger', command.trigger, policy.triggers);
  const party = stepParty(def, findRole(def, actor)!.party, command.party, 'incident.declared');
  if (!def.parties.some((p) => p.id === party)) return unknown('party', party, def.parties);
  const denied = incidentStepRefusal(def, actor, 'incident.declared', party, vouched);
  if (denied !== null) return { error: denied };
  const refused = severityRefusal(def, trigger.id, command.severity);
  if (refused !== null) return refused;
  if (actsAsAutomation(findRole(def, actor)!, party)) {
    const allowed = policy.automation?.severities ?? [];
    if (!allowed.includes(command.severity)) {
      return {
        error: new NotAuthorizedError(
          actor,
          `declare a ${command.severity} incident for ${party}`,
          allowed.length === 0
            ? 'an automation role declares only the severities listed in incidents.automation.severities, and the policy lists none'
            : `an automation role declares only the severities listed in incidents.automation.severities (${allowed.join(', ')}); a person (incident commander or rollback owner) declares the others`,
        ),
      };
    }
  }
  const id = command.id ?? `INC-${state.seq + 1}`;
  const existing = state.incidents[id];
  if (existing !== undefined) return invalid(`incident ${id} was already declared (seq ${existing.seq}); pick another id`);
  const identifiedAt = new Date(command.identifiedAt ?? command.at).toISOString();
  if (Date.parse(identifiedAt) > Date.parse(command.at)) {
    return invalid(`the trigger cannot be identified (${identifiedAt}) after the incident is declared (${command.at})`);
  }
  const current = currentTarget(state);
  const contractMode = command.contractMode ?? (current === null ? '' : Object.values(current.contracts).join(', '));
  return {
    type: 'incident.declared',
    actor,
    data: {
      id,
      party,
      trigger: trigger.id,
      action: trigger.action,
      severity: command.severity,
      summary: command.summary,
      identifiedAt,
      contractMode: contractMode === '' ? (current?.tag ?? 'unknown') : contractMode,
      current: targetRef(current),
      rollbackTarget: targetRef(state.rollbackTarget),
      deadlines: { ...policy.deadlines },
    },
  };
}

/** A severity below the trigger's minimum, or outside the severity classes, is refused. */
function severityRefusal(def: ProgramDefinition, triggerId: string, severity: SeverityName): { error: CutoverError } | null {
  const policy = def.incidents;
  if (policy === undefined) return null;
  if (!policy.severities.some((c) => c.id === severity)) return unknown('severity class', severity, policy.severities);
  const trigger = policy.triggers.find((t) => t.id === triggerId);
  if (trigger !== undefined && !atOrAbove(severity, trigger.severity)) return { error: new SeverityBelowMinimumError(trigger.id, severity, trigger.severity) };
  return null;
}

/** When the next update is due: as given, else the policy's update interval after now, else not scheduled. */
function nextUpdateOf(def: ProgramDefinition, at: string, given: string | undefined): { at: string | null } | { error: CutoverError } {
  if (given !== undefined) {
    if (Date.parse(given) < Date.parse(at)) return invalid(`the next update cannot be due (${given}) before now (${at})`);
    return { at: new Date(given).toISOString() };
  }
  const interval = def.incidents?.update_interval;
  return { at: interval === undefined ? null : new Date(Date.parse(at) + durationMs(interval)).toISOString() };
}

/** Where a rollback goes from and to: the target in play, back to the rollback target. */
function rollbackRoute(state: ProgramState, def: ProgramDefinition): { from: { tag: string; sha: string }; to: TargetDefinition } | { error: CutoverError } {
  const target = state.target;
  const to = state.rollbackTarget;
  if (to === null) {
    return invalid('there is no rollback target: no baseline has been recorded', ['record it: cutover target publish --baseline --tag <tag> --sha <sha> --repo <producer repo>']);
  }
  if (target === null) return invalid(`no runtime target has been published: there is nothing to roll back from (the baseline is ${describeTarget(state.baseline)})`);
  if (target.rolledBack !== null) return invalid(`target ${describeTarget(target)} was already rolled back by incident ${target.rolledBack.incident} (seq ${target.rolledBack.seq})`);
  if (sameTarget(target, to)) return invalid(`the target ${describeTarget(target)} is the rollback target: there is nothing to roll back`);
  if (def.compatibility?.rollback_to_approved_pair === true) {
    const pairs = approvedPairs(state, def);
    if (!pairs.some((p) => sameTarget(p, to))) {
      const listed = pairs.map((p) => `${describeTarget(p)} (${Object.entries(p.repins).map(([c, commit]) => `${c} ${commit.slice(0, 12)}`).join(', ') || 'no consumer repin'})`);
      return invalid(`the rollback target ${describeTarget(to)} is not an approved pair (compatibility.rollback_to_approved_pair); approved pairs: ${listed.length ? listed.join('; ') : '(none)'}`, [
        'list it in compatibility.approved in cutover.yaml and record the amendment (cutover program amend), or roll back to an approved pair',
      ]);
    }
  }
  return { from: targetRef(target)!, to };
}

/** The phases a rollback moves back to not-started: the policy's rollback phase (default: the one that promotes the target) and every later phase that started. */
function phasesToMoveBack(state: ProgramState, def: ProgramDefinition): string[] {
  const start = def.incidents?.rollback_phase ?? def.phases.find((p) => p.promotes_target === true)?.id;
  const index = def.phases.findIndex((p) => p.id === start);
  if (index === -1) return [];
  return def.phases.slice(index).filter((p) => phaseStatusOf(state, p.id) !== 'not-started').map((p) => p.id);
}

/** What a closing rests on: the summary, every party's approval of it, the repins and runs after the rollback. */
function closingRecord(state: ProgramState, def: ProgramDefinition, incident: Incident): Pick<EventDataOf<'incident.closed'>, 'summary' | 'approvals' | 'evidence'> {
  const approvals = def.parties.map((p) => {
    const a = incident.approvals[p.id]!;
    return { party: p.id, role: a.actor, seq: a.seq };
  });
  const evidence: { party: string; kind: string; seq: number }[] = [];
  const rolledBack = incident.rolledBack;
  if (rolledBack !== null) {
    for (const [party, repin] of Object.entries(incident.repins)) evidence.push({ party, kind: 'repin', seq: repin.evidence });
    for (const p of def.parties) {
      const found = restoredRun(state, p.id, rolledBack.to, rolledBack.seq);
      if ('run' in found) evidence.push({ party: p.id, kind: found.run.kind, seq: found.run.seq });
    }
  }
  return { summary: incident.jointSummary!.seq, approvals, evidence: evidence.sort((a, b) => a.seq - b.seq) };
}

/** Check collected evidence against the program and the current target, and shape what is recorded. */
function evidenceData(
  state: ProgramState,
  def: ProgramDefinition,
  party: PartyDefinition,
  target: TargetDefinition,
  input: EvidenceInput,
  summary: string | undefined,
  at: string,
): EventDataOf<'evidence.added'> | { error: CutoverError } {
  // Each kind's data is written out from these, not spread: V8 (Node 20) adds members after a spread
  // on its slow path (about 2 µs), and admission decides every evidence line of a ledger again.
  const ref = { tag: target.tag, sha: target.sha };
  switch (input.kind) {
    case 'handoff-payload': {
      const producer = handoffProducer(def);
      if (producer === null || producer.id !== party.id) {
        return invalid(`a handoff payload comes from the producer party that defines a handoff: section in cutover.yaml (${producer?.id ?? 'none defines one'})`);
      }
      if ('recorded' in input) {
        if (input.recorded.payloadVersion !== HANDOFF_VERSION) return invalid(`a handoff payload of version ${input.recorded.payloadVersion} cannot be accepted; this version of cutover checks version ${HANDOFF_VERSION}`);
      } else {
        if (input.shape.length > 0) {
          return { error: new InvalidInputError(input.shape.map((p) => ({ source: input.file, field: p.field, expected: p.expected, found: p.found }))) };
        }
        const mismatches = handoffMismatches(input.payload as HandoffPayload, def, producer, target);
        if (mismatches.length > 0) return { error: new EvidenceRejectedError(`the handoff payload ${input.file} does not match the program and the current target`, mismatches) };
      }
      return { party: party.id, target: ref, kind: 'handoff-payload', result: 'pass', summary: summary ?? `handoff payload ${input.file} verified`, file: input.file, sha256: input.sha256, payloadVersion: HANDOFF_VERSION };
    }
    case 'repin': {
      if (party.kind !== 'consumer' || party.pins === undefined) return invalid(`${party.id} declares no pin set (pins: in cutover.yaml); a repin is a consumer's`);
      const commit = 'recorded' in input ? input.recorded.commit : input.facts.commit;
      const check = 'recorded' in input ? checkRecordedRepin(party, input.recorded) : checkRepin(party, target, input.facts);
      if (check.problems.length > 0) {
        // Collected now (not re-decided from a line): say that nothing was recorded and, for a repin
        // split over commits, how to make it one.
        const live = !('recorded' in input);
        const amend =
          check.unchanged.length === 0
            ? []
            : [
                `amend the commit so that one commit changes every pin-set file: change ${check.unchanged.join(', ')}, git add ${check.unchanged.length === 1 ? 'it' : 'them'}, git commit --amend, then record the amended commit: cutover evidence repin --party ${party.id} --commit <amended commit>`,
                'if an earlier commit already changed them, squash the commits into one instead (git rebase -i), so that a single commit moves the whole pin set',
              ];
        return { error: new EvidenceRejectedError(`commit ${commit} is not an accepted repin to ${target.tag} @ ${target.sha}${live ? '; nothing was recorded' : ''}`, check.problems, amend) };
      }
      const said = summary ?? `atomic repin in ${commit.slice(0, 12)}`;
      if (check.sameAsProducer.length === 0) return { party: party.id, target: ref, kind: 'repin', result: 'pass', summary: said, commit, files: [...check.files] };
      const sameAsProducer = check.sameAsProducer.map((c) => ({ ...c }));
      return { party: party.id, target: ref, kind: 'repin', result: 'pass', summary: said, commit, files: [...check.files], sameAsProducer };
    }
    case 'verification-run': {
      const checkout = runCheckoutOf(state, def, party, target, input);
      if ('error' in checkout) return checkout;
      const result = input.run.passed ? 'pass' : 'fail';
      const said = summary ?? runSummary(input.run);
      // Written out, not spread: runs are most of a long ledger (see withEvidence in state.ts).
      if (checkout.recorded === null) return { party: party.id, target: ref, kind: 'verification-run', result, summary: said, run: input.run };
      return { party: party.id, target: ref, kind: 'verification-run', result, summary: said, run: input.run, checkout: checkout.recorded };
    }
    case 'rollback-drill':
    case 'rollback-execution': {
      const allowed = input.kind === 'rollback-drill' ? ['READY', 'FAIL'] : ['PASS', 'FAIL'];
      if (!allowed.includes(input.verdict)) return invalid(`a ${input.kind} verdict is ${allowed.join(' or ')}, not ${input.verdict}`);
      // As recorded, the run's commit is all there is: it proves a producer's checkout; a consumer's
      // pin files at it are the signer's word (verify --recheck reads them again).
      const checkout = 'checkout' in input ? input.checkout : party.kind === 'producer' ? { path: 'the recorded run', commit: input.run.head, files: {} } : null;
      const refused = checkout === null ? (state.rollbackTarget === null ? rollbackEvidenceRefusal(state, party, input.kind, { path: '', commit: null, files: {} }) : null) : rollbackEvidenceRefusal(state, party, input.kind, checkout);
      if (refused !== null) return { error: refused };
      if (checkout !== null && input.run.head !== checkout.commit) {
        return { error: new EvidenceRejectedError(`${about(input.kind, party, target)}: the checkout moved while the suite ran`, [`${checkout.path} was at ${checkout.commit} before the run and at ${input.run.head} after it`]) };
      }
      if (!input.run.passed && input.verdict !== 'FAIL') {
        return { error: new EvidenceRejectedError(`${about(input.kind, party, target)}: the verdict ${input.verdict} needs a passing run`, [runSummary(input.run)]) };
      }
      const rollbackTarget = { tag: state.rollbackTarget!.tag, sha: state.rollbackTarget!.sha };
      const result = input.verdict !== 'FAIL' && input.run.passed ? 'pass' : 'fail';
      const said = summary ?? `${input.kind} to ${rollbackTarget.tag}: ${input.verdict}`;
      return { party: party.id, target: ref, kind: input.kind, result, summary: said, rollbackTarget, run: input.run, verdict: input.verdict };
    }
    case 'metric-analysis': {
      if ('takenFor' in input && input.takenFor !== undefined && !sameTarget(input.takenFor, target)) {
        return { error: new EvidenceRejectedError(`${about(input.kind, party, target)}: the target changed while the samples were taken; nothing was recorded`, [`sampling began against ${describeTarget(input.takenFor)}; the current target is ${describeTarget(target)}`]) };
      }
      const judged = judgeAnalysis(input, at);
      if ('problems' in judged) return { error: new EvidenceRejectedError(`${about(input.kind, party, target)}: the analysis cannot be recorded`, judged.problems) };
      const { observed, verdict } = judged;
      const failing = observed.failing.map((f) => ({ ...f }));
      return {
        party: party.id,
        target: ref,
        kind: 'metric-analysis',
        result: verdict === 'pass' ? 'pass' : 'fail',
        summary: summary ?? verdictText(verdict, observed, input.ask),
        ...input.ask,
        verdict,
        samples: { ...input.artifact },
        observed: { ...observed, failing },
      };
    }
    case 'artifact':
      return { party: party.id, target: ref, kind: 'artifact', result: 'pass', summary: summary ?? `artifact ${input.file}`, file: input.file, sha256: input.sha256, bytes: input.bytes };
    default:
      return assertNeverEvidence(input);
  }
}

/** The evidence a refusal is about; spelled out only there, not for every line admission decides. */
function about(kind: EvidenceInput['kind'], party: PartyDefinition, target: TargetDefinition): string {
  return `${kind} evidence from ${party.id} for ${target.tag}`;
}

export function runSummary(run: RunData): string {
  const failed = run.commands.find((c) => !c.passed);
  if (failed === undefined) return `suite ${run.suite}: ${run.commands.length} command${run.commands.length === 1 ? '' : 's'} passed in ${(run.durationMs / 1000).toFixed(1)} s`;
  const why = failed.timedOut ? `timed out after ${(failed.durationMs / 1000).toFixed(1)} s` : `exit ${failed.exitCode ?? failed.signal}`;
  return `suite ${run.suite}: ${failed.id} failed (${why})${run.skipped.length ? `; not run: ${run.skipped.join(', ')}` : ''}`;
}

function assertNeverEvidence(input: never): never {
  throw new Error(`unknown evidence: ${JSON.stringify(input)}`);
}

function assertNeverCommand(command: never): never {
  throw new Error(`unknown command: ${JSON.stringify(command)}`);
}

/**
 * A line dated before the last. When the last is dated in the future of this one by more than any
 * writer's clock skew, the ledger is frozen by it, and the hint names the way out.
 */
function timeOrderError(state: ProgramState, at: string): TimeOrderError {
  const lastAt = state.lastAt!;
  const frozen = clockCorrectionAt(state.timeMarks, lastAt, state.seq, at).ok;
  return new TimeOrderError(at, lastAt, state.seq, frozen ? [`seq ${state.seq} is dated in the future; the decision-log owner can record the way out: cutover program correct-clock --reason TEXT (docs/server.md, "A ledger frozen by a future date")`] : []);
}
