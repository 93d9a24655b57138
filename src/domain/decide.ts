/**
 * decide(state, command) → the events to record, or the typed error that says why not.
 * Pure: time comes in with the command; nothing is thrown for a refusal.
 */
import {
  CutoverError,
  EvidenceRejectedError,
  InvalidInputError,
  InvalidTransitionError,
  PolicyRefusalError,
  TimeOrderError,
  UnknownNameError,
} from '../errors.js';
import type { PartyDefinition, ProgramDefinition, SeverityName, TargetDefinition } from '../program/schema.js';
import { authorize, findRole } from './authority.js';
import { decisionBlockers, phaseBlockers, phaseStatusOf, type Blocker } from './evaluate.js';
import type { EventDataOf, EventDraft, RunData, TagFacts, VerdictValue } from './events.js';
import { checkHandoff, handoffProducer, HANDOFF_VERSION } from './handoff.js';
import { checkRepin, type RepinFacts } from './pins.js';
import { targetRef, type ProgramState, type PublishedTarget } from './state.js';

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
    | { readonly type: 'declare-incident'; readonly id?: string; readonly party: string; readonly severity: SeverityName; readonly summary: string }
    | { readonly type: 'close-incident'; readonly id: string; readonly summary: string }
  );

/** A check of a (tag, sha) pair against the producer's repository, done by an evidence collector. */
export interface TargetCheckFacts {
  readonly ok: boolean;
  readonly facts: TagFacts | null;
  readonly problems: readonly string[];
}

/** Evidence as collected, before it is tied to the current target. */
export type EvidenceInput =
  | { readonly kind: 'handoff-payload'; readonly file: string; readonly sha256: string; readonly payload: unknown }
  | { readonly kind: 'repin'; readonly facts: RepinFacts }
  | { readonly kind: 'verification-run'; readonly run: RunData }
  | { readonly kind: 'rollback-drill' | 'rollback-execution'; readonly verdict: 'READY' | 'PASS' | 'FAIL'; readonly run: RunData }
  | { readonly kind: 'artifact'; readonly file: string; readonly sha256: string; readonly bytes: number };

export type Decided = { readonly ok: true; readonly events: readonly EventDraft[] } | { readonly ok: false; readonly error: CutoverError };

const refuse = (error: CutoverError): Decided => ({ ok: false, error });

export function decide(state: ProgramState, command: Command): Decided {
  if (state.lastAt !== null && command.at < state.lastAt) {
    return refuse(new TimeOrderError(command.at, state.lastAt, state.seq));
  }
  if (command.type === 'define-program') {
    if (state.definition !== null) {
      return refuse(new InvalidTransitionError(`program ${state.program} is already defined (seq ${state.definitionSeq}); change it with cutover program amend`));
    }
    return authorized(command.definition, { type: 'program.defined', actor: command.actor, data: { definition: command.definition, digest: command.digest, file: command.fileDigest } });
  }
  const def = state.definition;
  if (def === null) {
    return refuse(new InvalidTransitionError('the ledger is empty: record the program definition first with cutover program define'));
  }
  const draft = draftFor(state, def, command);
  if ('error' in draft) return refuse(draft.error);
  return authorized(def, draft);
}

function authorized(def: ProgramDefinition, draft: EventDraft): Decided {
  const denied = authorize(def, draft);
  return denied === null ? { ok: true, events: [draft] } : refuse(denied);
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

function draftFor(state: ProgramState, def: ProgramDefinition, command: Exclude<Command, { type: 'define-program' }>): EventDraft | { error: CutoverError } {
  const { actor } = command;
  const now = new Date(command.at);
  switch (command.type) {
    case 'amend-program': {
      if (command.definition.program.id !== def.program.id) {
        return invalid(`an amendment cannot rename the program (${def.program.id} → ${command.definition.program.id}); start a new program instead`);
      }
      if (command.digest === state.definitionDigest) {
        return invalid(`cutover.yaml already matches the definition in force (seq ${state.definitionSeq}); nothing to amend`);
      }
      return { type: 'program.amended', actor, data: { definition: command.definition, digest: command.digest, file: command.fileDigest, reason: command.reason } };
    }
    case 'publish-target': {
      const current = command.as === 'baseline' ? state.baseline : state.target;
      if (current !== null && current.tag === command.target.tag && current.sha === command.target.sha) {
        return invalid(`${command.target.tag} @ ${command.target.sha} is already the published ${command.as}`, [
          command.as === 'candidate' ? 're-check it instead: cutover target verify --repo <producer repo>' : '',
        ].filter(Boolean));
      }
      if (command.check !== null && !command.check.ok) {
        return { error: new EvidenceRejectedError(`${command.target.tag} @ ${command.target.sha} is not a real release target`, command.check.problems) };
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
      if (command.verdict === 'GO') {
        // GO must be earned: every gate but the other parties' GO must already hold.
        const unmet = decisionBlockers(state, def, decision, now).filter((b) => b.kind !== 'all-parties-go');
        if (unmet.length > 0) return blocked(`GO on ${decision.id} refused: ${unmet.length} gate${unmet.length === 1 ? '' : 's'} unmet`, unmet);
      }
      return {
        type: 'verdict.cast',
        actor,
        data: {
          decision: decision.id,
          party: role.party,
          verdict: command.verdict,
          target: targetRef(state.target),
          ...(command.note === undefined ? {} : { note: command.note }),
        },
      };
    }
    case 'add-evidence': {
      const party = def.parties.find((p) => p.id === command.party);
      if (party === undefined) return unknown('party', command.party, def.parties);
      if (state.target === null) {
        return invalid('evidence must name the runtime target it was taken against, and no target has been published', [
          'publish it first: cutover target publish --tag <tag> --sha <sha> --contract <name>=<version> --repo <producer repo>',
        ]);
      }
      const data = evidenceData(state, def, party, state.target, command.evidence, command.summary);
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
        data: { id, text: command.text, owner: command.owner, due: command.due, ...(command.phase === undefined ? {} : { phase: command.phase }) },
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
        return invalid(`Phase ${phase.id} cannot start while Phase ${pending.id} is ${phaseStatusOf(state, pending.id)}: phases run in order`);
      }
      const blockers = phaseBlockers(state, def, phase, now);
      if (blockers.length > 0) return blocked(`Phase ${phase.id} (${phase.title}) cannot start: ${blockers.length} entry gate${blockers.length === 1 ? '' : 's'} unmet`, blockers);
      return { type: 'phase.started', actor, data: { phase: phase.id } };
    }
    case 'close-phase':
    case 'complete-phase': {
      const phase = def.phases.find((p) => p.id === command.phase);
      if (phase === undefined) return unknown('phase', command.phase, def.phases);
      const status = phaseStatusOf(state, phase.id);
      if (status !== 'active') return invalid(`Phase ${phase.id} is ${status}; only an active phase can be ${command.type === 'close-phase' ? 'closed' : 'completed'}`);
      return command.type === 'close-phase'
        ? { type: 'phase.closed', actor, data: { phase: phase.id, reason: command.reason } }
        : { type: 'phase.completed', actor, data: { phase: phase.id, reason: command.reason } };
    }
    case 'declare-incident': {
      if (!def.parties.some((p) => p.id === command.party)) return unknown('party', command.party, def.parties);
      const id = command.id ?? `INC-${state.seq + 1}`;
      if (state.openIncidents[id] !== undefined) return invalid(`incident ${id} is already open`);
      return { type: 'incident.declared', actor, data: { id, party: command.party, severity: command.severity, summary: command.summary } };
    }
    case 'close-incident': {
      if (state.openIncidents[command.id] === undefined) return invalid(`no open incident ${command.id}`);
      return { type: 'incident.closed', actor, data: { id: command.id, summary: command.summary } };
    }
    default:
      return assertNeverCommand(command);
  }
}

/** Check collected evidence against the program and the current target, and shape what is recorded. */
function evidenceData(
  state: ProgramState,
  def: ProgramDefinition,
  party: PartyDefinition,
  target: PublishedTarget,
  input: EvidenceInput,
  summary: string | undefined,
): EventDataOf<'evidence.added'> | { error: CutoverError } {
  const common = { party: party.id, target: { tag: target.tag, sha: target.sha } };
  const about = `${input.kind} evidence from ${party.id} for ${target.tag}`;
  switch (input.kind) {
    case 'handoff-payload': {
      const producer = handoffProducer(def);
      if (producer === null || producer.id !== party.id) {
        return invalid(`a handoff payload comes from the producer party that defines a handoff: section in cutover.yaml (${producer?.id ?? 'none defines one'})`);
      }
      const check = checkHandoff(input.payload, def, producer, target);
      if (check.schema.length > 0) {
        return { error: new InvalidInputError(check.schema.map((p) => ({ source: input.file, field: p.field, expected: p.expected, found: p.found }))) };
      }
      if (check.mismatches.length > 0) return { error: new EvidenceRejectedError(`the handoff payload ${input.file} does not match the program and the current target`, check.mismatches) };
      return { ...common, kind: 'handoff-payload', result: 'pass', summary: summary ?? `handoff payload ${input.file} verified`, file: input.file, sha256: input.sha256, payloadVersion: HANDOFF_VERSION };
    }
    case 'repin': {
      if (party.kind !== 'consumer' || party.pins === undefined) return invalid(`${party.id} declares no pin set (pins: in cutover.yaml); a repin is a consumer's`);
      const check = checkRepin(party, target, input.facts);
      if (check.problems.length > 0) return { error: new EvidenceRejectedError(`commit ${input.facts.commit} is not an accepted repin to ${target.tag} @ ${target.sha}`, check.problems) };
      return { ...common, kind: 'repin', result: 'pass', summary: summary ?? `atomic repin in ${input.facts.commit.slice(0, 12)}`, commit: input.facts.commit, files: [...check.files] };
    }
    case 'verification-run':
      return { ...common, kind: 'verification-run', result: input.run.passed ? 'pass' : 'fail', summary: summary ?? runSummary(input.run), run: input.run };
    case 'rollback-drill':
    case 'rollback-execution': {
      const allowed = input.kind === 'rollback-drill' ? ['READY', 'FAIL'] : ['PASS', 'FAIL'];
      if (!allowed.includes(input.verdict)) return invalid(`a ${input.kind} verdict is ${allowed.join(' or ')}, not ${input.verdict}`);
      if (state.rollbackTarget === null) {
        return invalid('there is no rollback target: no baseline has been recorded', ['record it: cutover target publish --baseline --tag <tag> --sha <sha> --repo <producer repo>']);
      }
      if (!input.run.passed && input.verdict !== 'FAIL') {
        return { error: new EvidenceRejectedError(`${about}: the verdict ${input.verdict} needs a passing run`, [runSummary(input.run)]) };
      }
      const rollbackTarget = { tag: state.rollbackTarget.tag, sha: state.rollbackTarget.sha };
      const result = input.verdict !== 'FAIL' && input.run.passed ? 'pass' : 'fail';
      return { ...common, kind: input.kind, result, summary: summary ?? `${input.kind} to ${rollbackTarget.tag}: ${input.verdict}`, rollbackTarget, run: input.run, verdict: input.verdict };
    }
    case 'artifact':
      return { ...common, kind: 'artifact', result: 'pass', summary: summary ?? `artifact ${input.file}`, file: input.file, sha256: input.sha256, bytes: input.bytes };
    default:
      return assertNeverEvidence(input);
  }
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
