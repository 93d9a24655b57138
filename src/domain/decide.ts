/**
 * decide(state, command) → the events to record, or the typed error that says why not.
 * Pure: time comes in with the command; nothing is thrown for a refusal.
 */
import {
  CutoverError,
  InvalidTransitionError,
  PolicyRefusalError,
  TimeOrderError,
  UnknownNameError,
} from '../errors.js';
import type {
  EvidenceKindName,
  ProgramDefinition,
  SeverityName,
  TargetDefinition,
} from '../program/schema.js';
import { authorize, findRole } from './authority.js';
import { decisionBlockers, phaseBlockers, phaseStatusOf, type Blocker } from './evaluate.js';
import type { EventDraft, VerdictValue } from './events.js';
import { targetRef, type ProgramState } from './state.js';

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
    | { readonly type: 'publish-target'; readonly target: TargetDefinition; readonly as: 'candidate' | 'baseline' }
    | { readonly type: 'cast-verdict'; readonly decision: string; readonly verdict: VerdictValue; readonly note?: string }
    | {
        readonly type: 'add-evidence';
        readonly kind: EvidenceKindName;
        readonly party: string;
        readonly result: 'pass' | 'fail';
        readonly summary: string;
        readonly artifact?: { readonly path: string; readonly sha256: string };
      }
    | { readonly type: 'raise-blocker'; readonly id?: string; readonly text: string; readonly owner: string; readonly due: string; readonly phase?: string }
    | { readonly type: 'resolve-blocker'; readonly id: string; readonly note: string }
    | { readonly type: 'start-phase'; readonly phase: string }
    | { readonly type: 'close-phase'; readonly phase: string; readonly reason: string }
    | { readonly type: 'complete-phase'; readonly phase: string; readonly reason: string }
    | { readonly type: 'declare-incident'; readonly id?: string; readonly party: string; readonly severity: SeverityName; readonly summary: string }
    | { readonly type: 'close-incident'; readonly id: string; readonly summary: string }
  );

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
        return invalid(`${command.target.tag} @ ${command.target.sha} is already the published ${command.as}`);
      }
      return { type: 'target.published', actor, data: { target: command.target, as: command.as } };
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
      if (!def.parties.some((p) => p.id === command.party)) return unknown('party', command.party, def.parties);
      if (state.target === null) {
        return invalid('evidence must name the runtime target it was taken against, and no target has been published', [
          'publish it first: cutover target publish --tag <tag> --sha <sha> --contract <name>=<version>',
        ]);
      }
      return {
        type: 'evidence.added',
        actor,
        data: {
          kind: command.kind,
          party: command.party,
          target: targetRef(state.target),
          result: command.result,
          summary: command.summary,
          ...(command.artifact === undefined ? {} : { artifact: command.artifact }),
        },
      };
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

function assertNeverCommand(command: never): never {
  throw new Error(`unknown command: ${JSON.stringify(command)}`);
}
