/**
 * Admission: is this event one the policy allows in the state before it?
 *
 * A signed line proves who said it, not that the policy let them. So every event, however it was
 * written, is taken back to the command it stands for and decided again on the state before it:
 * the policy lives once, in `decide`, and admission cannot drift from it. The event is admitted
 * when `decide` accepts that command and derives exactly the event's type, actor and data.
 * Pure, like `decide`: the time is the event's own.
 */
import { CutoverError, InvalidTransitionError } from '../errors.js';
import type { Command, EvidenceInput, Vouched } from './decide.js';
import { decideVouched } from './decide.js';
import type { EventDataOf, EventType, LedgerEvent } from './events.js';
import type { ProgramState } from './state.js';

/** What admission needs of an event: what it says, and when. */
export type Candidate = Pick<LedgerEvent, 'type' | 'actor' | 'data' | 'at'>;

/** null when the event is admitted; otherwise the refusal, in the words the CLI uses for the command. */
export function admissionRefusal(state: ProgramState, event: Candidate): CutoverError | null {
  return refusalOf(state, event, null);
}

/**
 * `admissionRefusal` of an event the caller has already authorized under the definition in force
 * (the fold does, for a fault of its own): the policy does not authorize it a second time.
 */
export function authorizedEventRefusal(state: ProgramState, event: Candidate): CutoverError | null {
  return refusalOf(state, event, event);
}

function refusalOf(state: ProgramState, event: Candidate, vouched: Vouched): CutoverError | null {
  const derived = decideVouched(state, commandOf(event), vouched);
  if ('error' in derived) return derived.error;
  // As one object { type, actor, data } would be compared, member by member, without building it.
  const difference = firstDifference(derived.type, event.type, 'type') ?? firstDifference(derived.actor, event.actor, 'actor') ?? firstDifference(derived.data, event.data, 'data');
  if (difference === null) return null;
  return new InvalidTransitionError(
    `the ${event.type} event does not say what the policy derives from the ledger before it: ${difference.path} is ${show(difference.found)}, the policy gives ${show(difference.derived)}`,
  );
}

/**
 * The command an event stands for: the one `decide` would have turned into it. Admission runs this
 * for every line of every read, so each command is one literal, with no spreads (V8 copies a spread
 * member by member on its slow path); a member the event leaves out is undefined, which `decide`
 * reads as absent.
 */
export function commandOf(event: Candidate): Command {
  const { actor, at } = event;
  switch (event.type) {
    case 'program.defined': {
      const d = dataOf(event, 'program.defined');
      return { actor, at, type: 'define-program', definition: d.definition, digest: d.digest, fileDigest: d.file };
    }
    case 'program.amended': {
      const d = dataOf(event, 'program.amended');
      return { actor, at, type: 'amend-program', definition: d.definition, digest: d.digest, fileDigest: d.file, reason: d.reason };
    }
    case 'target.published': {
      const d = dataOf(event, 'target.published');
      return { actor, at, type: 'publish-target', target: d.target, as: d.as, check: d.verification === null ? null : { ok: true, facts: d.verification, problems: [] } };
    }
    case 'target.verified': {
      const d = dataOf(event, 'target.verified');
      return { actor, at, type: 'verify-target', check: { ok: d.ok, facts: d.facts, problems: d.problems } };
    }
    case 'verdict.cast': {
      const d = dataOf(event, 'verdict.cast');
      return { actor, at, type: 'cast-verdict', decision: d.decision, verdict: d.verdict, note: d.note };
    }
    case 'evidence.added': {
      const d = dataOf(event, 'evidence.added');
      return { actor, at, type: 'add-evidence', party: d.party, summary: d.summary, evidence: evidenceInputOf(d) };
    }
    case 'blocker.raised': {
      const d = dataOf(event, 'blocker.raised');
      return { actor, at, type: 'raise-blocker', id: d.id, text: d.text, owner: d.owner, due: d.due, phase: d.phase };
    }
    case 'blocker.resolved': {
      const d = dataOf(event, 'blocker.resolved');
      return { actor, at, type: 'resolve-blocker', id: d.id, note: d.note };
    }
    case 'phase.started':
      return { actor, at, type: 'start-phase', phase: dataOf(event, 'phase.started').phase };
    case 'phase.closed': {
      const d = dataOf(event, 'phase.closed');
      return { actor, at, type: 'close-phase', phase: d.phase, reason: d.reason };
    }
    case 'phase.completed': {
      const d = dataOf(event, 'phase.completed');
      return { actor, at, type: 'complete-phase', phase: d.phase, reason: d.reason };
    }
    case 'incident.declared': {
      const d = dataOf(event, 'incident.declared');
      return { actor, at, type: 'declare-incident', id: d.id, party: d.party, trigger: d.trigger, severity: d.severity, summary: d.summary, identifiedAt: d.identifiedAt, contractMode: d.contractMode };
    }
    case 'incident.notified': {
      const d = dataOf(event, 'incident.notified');
      return { actor, at, type: 'notify-incident', id: d.id, party: d.party, actions: d.actions, nextUpdate: d.nextUpdate ?? undefined, note: d.note };
    }
    case 'incident.rollback-recommended': {
      const d = dataOf(event, 'incident.rollback-recommended');
      return { actor, at, type: 'recommend-rollback', id: d.id, party: d.party, note: d.note };
    }
    case 'incident.rollback-executed': {
      const d = dataOf(event, 'incident.rollback-executed');
      return { actor, at, type: 'execute-rollback', id: d.id, party: d.party, note: d.note };
    }
    case 'incident.repin-confirmed': {
      const d = dataOf(event, 'incident.repin-confirmed');
      return { actor, at, type: 'confirm-repin', id: d.id, party: d.party };
    }
    case 'incident.updated': {
      const d = dataOf(event, 'incident.updated');
      return { actor, at, type: 'update-incident', id: d.id, party: d.party, note: d.note, actions: d.actions, severity: d.severity, nextUpdate: d.nextUpdate ?? undefined };
    }
    case 'incident.summarized': {
      const d = dataOf(event, 'incident.summarized');
      return { actor, at, type: 'summarize-incident', id: d.id, party: d.party, summary: d.summary, residualRisk: d.residualRisk };
    }
    case 'incident.approved': {
      const d = dataOf(event, 'incident.approved');
      return { actor, at, type: 'approve-incident', id: d.id, party: d.party, note: d.note };
    }
    case 'review.recorded': {
      const d = dataOf(event, 'review.recorded');
      return { actor, at, type: 'record-review', phase: d.phase, note: d.note };
    }
    case 'notice.given': {
      const d = dataOf(event, 'notice.given');
      return { actor, at, type: 'give-notice', gate: d.gate, text: d.text };
    }
    case 'clock.corrected':
      return { actor, at, type: 'correct-clock', reason: dataOf(event, 'clock.corrected').reason };
    case 'incident.closed': {
      const d = dataOf(event, 'incident.closed');
      return { actor, at, type: 'close-incident', id: d.id, party: d.party, note: d.note };
    }
    default:
      return assertNever(event.type);
  }
}

/** The event's data, as its type's (a function, not a closure over the event made for every line). */
function dataOf<T extends EventType>(event: Candidate, _type: T): EventDataOf<T> {
  return event.data as EventDataOf<T>;
}

function evidenceInputOf(d: EventDataOf<'evidence.added'>): EvidenceInput {
  switch (d.kind) {
    case 'handoff-payload':
      return { kind: d.kind, file: d.file, sha256: d.sha256, recorded: { payloadVersion: d.payloadVersion } };
    case 'repin':
      return { kind: d.kind, recorded: { commit: d.commit, files: d.files, sameAsProducer: d.sameAsProducer } };
    case 'verification-run':
      // Written out, not spread: runs are most of a long ledger (see withEvidence in state.ts).
      return d.checkout === undefined ? { kind: d.kind, run: d.run } : { kind: d.kind, run: d.run, recorded: d.checkout };
    case 'rollback-drill':
    case 'rollback-execution':
      return { kind: d.kind, verdict: d.verdict, run: d.run, recorded: true };
    case 'artifact':
      return { kind: d.kind, file: d.file, sha256: d.sha256, bytes: d.bytes };
    case 'metric-analysis':
      return {
        kind: d.kind,
        ask: { prometheus: d.prometheus, query: d.query, success: d.success, interval: d.interval, count: d.count, failureLimit: d.failureLimit },
        artifact: d.samples,
        recorded: { observed: d.observed, verdict: d.verdict },
      };
    default:
      return assertNever(d);
  }
}

interface Difference {
  readonly path: string;
  readonly derived: unknown;
  readonly found: unknown;
}

/**
 * The first place two JSON values differ, as a dotted path (`data.target.sha`). A member that is
 * undefined counts as absent, as it is in a ledger line. Runs on every event of every read: no
 * copies, no sorting, and the path is only spelled out once a difference is found.
 */
export function firstDifference(derived: unknown, found: unknown, path: string): Difference | null {
  if (derived === found) return null;
  const keys: string[] = [];
  const at = differenceAt(derived, found, keys);
  if (at === null) return null;
  // The keys were collected innermost first, on the way back out.
  let spelled = path;
  for (let i = keys.length - 1; i >= 0; i--) spelled = spelled === '' ? keys[i]! : `${spelled}.${keys[i]!}`;
  // A member only the event has is named as it is; two values that differ, as '(event)' when unnamed.
  return { path: at.extra ? spelled : spelled || '(event)', derived: at.derived, found: at.found };
}

/** The first difference's values, its keys pushed onto `keys` innermost first; null when there is none. */
function differenceAt(derived: unknown, found: unknown, keys: string[]): { derived: unknown; found: unknown; extra: boolean } | null {
  if (derived === found) return null;
  if (typeof derived !== 'object' || typeof found !== 'object' || derived === null || found === null || Array.isArray(derived) !== Array.isArray(found)) {
    return { derived, found, extra: false };
  }
  const d = derived as Record<string, unknown>;
  const f = found as Record<string, unknown>;
  let present = 0;
  for (const key in d) {
    const dv = d[key];
    if (dv === undefined) continue;
    present++;
    // Most members are the same value (or the same object, handed through by decide): no call for them.
    const fv = f[key];
    if (dv === fv) continue;
    const inner = differenceAt(dv, fv, keys);
    if (inner !== null) {
      keys.push(key);
      return inner;
    }
  }
  let foundPresent = 0;
  for (const key in f) if (f[key] !== undefined) foundPresent++;
  if (foundPresent === present) return null;
  for (const key in f) {
    if (f[key] !== undefined && d[key] === undefined) {
      keys.push(key);
      return { derived: undefined, found: f[key], extra: true };
    }
  }
  return null;
}

function show(value: unknown): string {
  if (value === undefined) return 'absent';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function assertNever(value: never): never {
  throw new Error(`unknown event: ${JSON.stringify(value)}`);
}
