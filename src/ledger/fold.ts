/**
 * The rules that link lines, in order: seq, prev, time, the keys in force, who may record what, and
 * the policy's admission of each event on the state before it; the state folded as they pass. The
 * line-local checks (shape, hash, signature) come in already made, so this module loads none of
 * them: `verify.ts` makes them here and now, `check-pool.ts` on every core.
 */
import { CutoverError, LedgerVerificationError, PolicyRefusalError, type LedgerFault } from '../errors.js';
import { authorizedEventRefusal } from '../domain/admission.js';
import { authorize, checkKey, findRole, rolesHoldingKey } from '../domain/authority.js';
import type { LedgerEvent } from '../domain/events.js';
import { evolveFolded, type ProgramState } from '../domain/state.js';
import type { LineCheck } from './line-check.js';
import { digestOf } from './canonical.js';
import type { TornLine } from './torn-line.js';

export interface LedgerText {
  /** Where the lines come from, for messages (a file path). */
  readonly source: string;
  /** The complete lines, without their newlines. */
  readonly lines: readonly string[];
  /** A last line with no newline: what a crash in the middle of an append leaves. */
  readonly torn?: TornLine;
}

export interface Verified {
  readonly events: readonly LedgerEvent[];
  readonly state: ProgramState;
  /** A torn last line after the verified events: reported, never hiding them. */
  readonly torn?: TornLine;
}


const RESTORE_HINT = 'restore the ledger file from a good copy (git history, or the other party\'s mirror); the events before this line verify';

/** Where a verified ledger stands: the state folded so far and its last event. */
export interface VerifiedHead {
  readonly state: ProgramState;
  readonly last: LedgerEvent | null;
}

/**
 * Folds a run of checked lines (a chunk, or a whole text) that follow `before`, one line at a time,
 * so a line's parsed event can be let go once folded: a long verify then keeps only the state and,
 * for the messages of a line out of place, each earlier line's hash. Line numbers in errors count
 * from the first line of the whole ledger.
 */
export class LineFolder {
  private readonly offset: number;
  private state: ProgramState;
  private last: LedgerEvent | null;
  /**
   * The hash of each line folded, in order. A line is folded only in its place, so the k-th has seq
   * offset + k + 1 and, as prev, the hash of the one before it (of `before.last` for the first).
   */
  private readonly seen: string[] = [];
  /**
   * Whether the state and its evidence records are objects this folder made and has not shown
   * (`head`): then no one else holds them, and the next evidence is written into them (evolveFolded).
   * From a line of evidence on (it makes both anew), until the head is read: any other line makes a
   * new state, and leaves the records where they were.
   */
  private owned = false;
  /** The events folded, when kept (`keepEvents`). */
  readonly events: LedgerEvent[] | null;

  constructor(
    private readonly before: VerifiedHead,
    private readonly source: string,
    keepEvents: boolean,
  ) {
    this.offset = before.state.seq;
    this.state = before.state;
    this.last = before.last;
    this.events = keepEvents ? [] : null;
  }

  /** Throws the fault of the line being folded (the one after those seen). */
  private readonly fail = (seq: number | null, fault: LedgerFault, detail: string, hints = [RESTORE_HINT]): never => {
    throw new LedgerVerificationError(this.source, this.offset + this.seen.length + 1, seq, fault, detail, hints);
  };

  get head(): VerifiedHead {
    this.owned = false;
    return { state: this.state, last: this.last };
  }

  get folded(): number {
    return this.seen.length;
  }

  /**
   * Fold the next line, given its own checks; the first failed check or broken rule throws, naming
   * the line. `later(from)` gives the checks of the run's lines from index `from` on, null for a line
   * of the wrong shape (asked only to tell a removed line from a moved one): one function for the
   * run, not one made for every line.
   */
  add(check: LineCheck, later: (from: number) => readonly (LineCheck | null)[]): void {
    const i = this.seen.length;
    // Not a closure over i: one would be made for every line, and the line number is the next one.
    const fail = this.fail;
    if (!check.ok) fail(check.seq, check.fault, check.detail);
    const event = (check as Extract<LineCheck, { ok: true }>).event;
    const state = this.state;
    const expected = this.offset + i + 1;
    if (event.seq !== expected) {
      if (this.seen.includes(event.hash) || this.before.last?.hash === event.hash) fail(event.seq, 'duplicated', `seq ${event.seq} appears a second time`);
      // The line folded with this seq, if any, and whether it follows the same head.
      const k = event.seq - this.offset - 1;
      if (k >= 0 && k < i && Number.isInteger(k) && event.prev === (k === 0 ? (this.before.last?.hash ?? null) : this.seen[k - 1])) {
        fail(event.seq, 'forked', `seq ${event.seq} appears twice on the same head (lines ${event.seq} and ${expected} both follow ${event.prev === null ? 'nothing' : `seq ${event.seq - 1}`}): two writers appended at once, a fork inside one file`, [
          `two writers each believed they held the lock; the lines from ${expected} on follow the second of them: keep one branch (e.g. head -n ${expected - 1} ${this.source}) and record the other branch's events again`,
        ]);
      }
      if (event.seq > expected && !later(i + 1).some((c) => c !== null && c.ok && c.event.seq === expected)) {
        fail(event.seq, 'removed', `expected seq ${expected}, found seq ${event.seq}: ${event.seq - expected === 1 ? `seq ${expected} was` : `seqs ${expected}–${event.seq - 1} were`} removed`);
      }
      fail(event.seq, 'reordered', `expected seq ${expected}, found seq ${event.seq}: lines were moved`);
    }
    const previous = this.last;
    if (previous === null) {
      if (event.type !== 'program.defined') fail(event.seq, 'malformed', `the first event must be program.defined, found ${event.type}`);
      if (event.prev !== null) fail(event.seq, 'edited', `the first event must have prev null, found ${event.prev}`);
    } else {
      if (event.program !== state.program) fail(event.seq, 'wrong-program', `event belongs to program "${event.program}", this ledger is "${state.program}"`);
      if (event.prev !== previous.hash) fail(event.seq, 'edited', `prev is ${event.prev}, but seq ${previous.seq} hashes to ${previous.hash}: the chain was rewritten`);
      if (event.at < previous.at && event.type !== 'clock.corrected') fail(event.seq, 'time-order', `at ${event.at} is earlier than seq ${previous.seq} at ${previous.at}`);
      if (event.type === 'program.defined') fail(event.seq, 'not-allowed', 'a program is defined once, at seq 1; changes are program.amended');
    }
    const def = event.type === 'program.defined' ? event.data.definition : state.definition!;
    if (event.type === 'program.defined' || event.type === 'program.amended') {
      if (event.data.digest !== digestOf(event.data.definition)) fail(event.seq, 'edited', 'the definition does not match its recorded digest');
      if (event.data.definition.program.id !== event.program) {
        fail(event.seq, 'wrong-program', `the definition is for program "${event.data.definition.program.id}", the event for "${event.program}"`);
      }
    }
    // The signer's role, looked up once for its key and its authority.
    const role = findRole(def, event.actor);
    const keyCheck = checkKey(def, event.actor, event.sig.key, role);
    if (keyCheck === 'unknown-key') {
      fail(event.seq, 'unknown-key', `signed by ${event.sig.key}, which no role holds in the definition in force (seq ${state.definitionSeq || event.seq})`);
    }
    if (keyCheck === 'key-not-allowed') {
      fail(event.seq, 'key-not-allowed', `recorded as ${event.actor} but signed with a key of ${rolesHoldingKey(def, event.sig.key).join(', ')}`);
    }
    const denied = authorize(def, event, role);
    if (denied !== null) fail(event.seq, 'not-allowed', denied.message);
    const refused = authorizedEventRefusal(state, event);
    if (refused !== null) fail(event.seq, 'policy', policyDetail(refused), [POLICY_HINT, ...refused.hints]);
    const next = evolveFolded(state, event, this.owned);
    this.owned ||= next.evidence !== state.evidence;
    this.state = next;
    this.last = event;
    this.seen.push(event.hash);
    this.events?.push(event);
  }
}

/**
 * Fold `text` as the lines that follow `before` (an already verified ledger), given each line's own
 * checks (`checks[i]` for `text.lines[i]`): the first failed check or broken rule throws, naming its
 * line. Returns the new events only, and the state after them. Line numbers in errors count from
 * the first line of the whole ledger.
 */
export function foldChecked(before: VerifiedHead, text: LedgerText, checks: readonly LineCheck[]): Verified {
  const folder = new LineFolder(before, text.source, true);
  const later = (from: number) => checks.slice(from);
  for (let i = 0; i < checks.length; i++) folder.add(checks[i]!, later);
  const { state } = folder.head;
  const events = folder.events!;
  return text.torn === undefined ? { events, state } : { events, state, torn: text.torn };
}

const POLICY_HINT =
  'the line is signed, but no cutover command would have recorded it in the state before it (it was written by hand or by another tool); restore the ledger from a good copy, from before this line';

/** A refusal in the words the CLI prints for the command, with the blockers on one line each. */
function policyDetail(error: CutoverError): string {
  if (!(error instanceof PolicyRefusalError)) return error.message;
  return [error.message, ...error.blockers.map((b) => `  - ${b.text}${b.details.length ? ` (${b.details.join('; ')})` : ''}`)].join('\n');
}
