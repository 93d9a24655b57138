/**
 * Every refusal Cutover can give, one class each. The library throws (or, in the pure domain,
 * returns) the meaningful error; only `src/cli` turns an error's `kind` into an exit code and
 * prints it. An error never leaves anything half-written: each is raised before any write.
 */

import type { Blocker } from './domain/evaluate.js';

/** What a caller can do about an error; the CLI maps each kind to one documented exit code. */
export type ErrorKind =
  /** The policy says no: a gate is unmet. Exit 1. */
  | 'policy'
  /** Bad input or usage: a file, a field, a flag, a role, a key. Exit 2. */
  | 'input'
  /** The ledger fails verification: edited, removed, reordered, torn, badly signed. Exit 3. */
  | 'ledger';

export abstract class CutoverError extends Error {
  abstract readonly kind: ErrorKind;
  /** Short machine-readable name, stable across versions (shown in `--json` errors). */
  abstract readonly code: string;
  /** Lines that tell the reader how to fix it; printed after the message. */
  readonly hints: readonly string[];

  constructor(message: string, hints: readonly string[] = []) {
    super(message);
    this.name = new.target.name;
    this.hints = hints;
  }
}

/** Where bad input was found and what was wrong with it. */
export interface InputProblem {
  /** The file the value came from, or a flag such as `--at`. */
  readonly source: string;
  /** The field path inside the file (`roles[2].party`), or empty for the whole input. */
  readonly field: string;
  readonly expected: string;
  readonly found: string;
  /** 1-based line in `source`, when the source is a file and the line is known. */
  readonly line?: number;
}

export function describeProblem(p: InputProblem): string {
  const where = p.line === undefined ? p.source : `${p.source}:${p.line}`;
  const field = p.field === '' ? '' : ` field ${p.field}:`;
  return `${where}:${field} expected ${p.expected}, found ${p.found}`;
}

/** A file or flag did not hold what it must. Lists every problem found, not just the first. */
export class InvalidInputError extends CutoverError {
  readonly kind = 'input';
  readonly code = 'invalid-input';
  constructor(
    readonly problems: readonly InputProblem[],
    hints: readonly string[] = [],
  ) {
    super(problems.map(describeProblem).join('\n'), hints);
  }
}

export function invalidInput(problem: InputProblem, hints: readonly string[] = []): InvalidInputError {
  return new InvalidInputError([problem], hints);
}

/** A name (role, party, decision, phase, gate, record, blocker) that the program does not define. */
export class UnknownNameError extends CutoverError {
  readonly kind = 'input';
  readonly code = 'unknown-name';
  constructor(
    readonly what: string,
    readonly value: string,
    readonly known: readonly string[],
    hints: readonly string[] = [],
  ) {
    super(`unknown ${what} "${value}"; the program defines: ${known.length ? known.join(', ') : '(none)'}`, hints);
  }
}

/** The role asked to act is not allowed to record this kind of event. */
export class NotAuthorizedError extends CutoverError {
  readonly kind = 'input';
  readonly code = 'not-authorized';
  constructor(
    readonly role: string,
    readonly action: string,
    readonly needed: string,
  ) {
    super(`role "${role}" may not ${action}: ${needed}`);
  }
}

/** A command that makes no sense in the current state (starting a started phase, …). */
export class InvalidTransitionError extends CutoverError {
  readonly kind = 'input';
  readonly code = 'invalid-transition';
}

/** `cutover.yaml` no longer matches the definition anchored in the ledger. */
export class DefinitionDriftError extends CutoverError {
  readonly kind = 'input';
  readonly code = 'definition-drift';
  constructor(
    readonly file: string,
    readonly fileDigest: string,
    readonly ledgerDigest: string,
    readonly ledgerSeq: number,
    readonly logOwners: readonly string[],
  ) {
    super(
      `${file} differs from the program definition in force (recorded at seq ${ledgerSeq}, ${ledgerDigest}; ` +
        `the file is ${fileDigest}); nothing can be decided until the change is recorded`,
      [`record it: cutover program amend --as ${logOwners[0] ?? '<decision-log-owner role>'} --reason "…"`,
        `or undo the edit to ${file}`],
    );
  }
}

/** No signing key could be found for a role. */
export class SigningKeyNotFoundError extends CutoverError {
  readonly kind = 'input';
  readonly code = 'signing-key-not-found';
  constructor(
    readonly role: string,
    readonly envVar: string,
    readonly defaultPath: string,
  ) {
    super(
      `no signing key for role "${role}": not given by --key <file>, not in the environment variable ${envVar}, ` +
        `and no file at the default location ${defaultPath}`,
      [`create one: cutover keys generate --role ${role}`],
    );
  }
}

/** The signing key exists but is not one of the role's keys in force. */
export class WrongKeyError extends CutoverError {
  readonly kind = 'input';
  readonly code = 'wrong-key';
}

/** The clock went backwards: an event may not be earlier than its predecessor. */
export class TimeOrderError extends CutoverError {
  readonly kind = 'input';
  readonly code = 'time-order';
  constructor(
    readonly at: string,
    readonly previousAt: string,
    readonly previousSeq: number,
    hints: readonly string[] = [],
  ) {
    super(`--at ${at} is earlier than the previous event (seq ${previousSeq} at ${previousAt}); the ledger never goes back in time`, hints);
  }
}

/** Someone else appended first: the head the command was decided on is no longer the head. */
export class StaleHeadError extends CutoverError {
  readonly kind = 'input';
  readonly code = 'stale-head';
  constructor(
    readonly expected: string | null,
    readonly actual: string | null,
    /** How many attempts were made before giving up (a command's retry budget), when it was retried. */
    readonly attempts?: number,
  ) {
    super(
      attempts === undefined
        ? `the ledger changed while this command ran: expected head ${expected ?? '(empty ledger)'}, found ${actual ?? '(empty ledger)'}; nothing was written`
        : `other writers kept moving the ledger: ${attempts} attempts, each decided again on the new state, all lost the race; the head last seen is ${actual ?? '(empty ledger)'}; nothing was recorded`,
      ['run the command again: it will be decided on the new state'],
    );
  }
}

/** The policy refuses: one or more gates are unmet. Carries the blockers that explain why. */
export class PolicyRefusalError extends CutoverError {
  readonly kind = 'policy';
  readonly code = 'policy-refusal';
  constructor(
    message: string,
    readonly blockers: readonly Blocker[],
  ) {
    super(message);
  }
}

/** Another process holds the ledger's lock for longer than we are willing to wait. */
export class LedgerLockedError extends CutoverError {
  readonly kind = 'input';
  readonly code = 'ledger-locked';
  constructor(readonly lockFile: string, readonly holder: string) {
    super(`the ledger is locked by ${holder} (${lockFile}); nothing was written`, [
      'wait for the other cutover command to finish and run this one again',
      `if no cutover command is running, remove ${lockFile}`,
    ]);
  }
}

/** Evidence the tool checked for itself and found wanting: a tag/SHA pair that is not real, a repin
 *  that is not atomic, a payload that does not match. Nothing is recorded. */
export class EvidenceRejectedError extends CutoverError {
  readonly kind = 'policy';
  readonly code = 'evidence-rejected';
  constructor(
    readonly what: string,
    readonly problems: readonly string[],
    hints: readonly string[] = [],
  ) {
    super(`${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, hints);
  }
}

/**
 * git itself failed where the repository should have answered: it could not be started, or a command
 * exited with an error (a damaged repository, an object missing from a partial or shallow clone, a
 * worktree that cannot be added). Names the command, the repository and git's own message; bad input.
 */
export class GitCommandError extends CutoverError {
  readonly kind = 'input';
  readonly code = 'git-failed';
  constructor(
    /** `git` and its arguments as run, e.g. `git diff-tree -r … <a> <b>`. */
    readonly command: string,
    readonly repo: string,
    /** git's exit code; null when git could not be started at all. */
    readonly exitCode: number | null,
    readonly gitMessage: string,
  ) {
    super(
      exitCode === null
        ? `could not run ${command} in ${repo} (is git installed and on PATH?): ${gitMessage}`
        : `${command} failed in ${repo} (exit ${exitCode}): ${gitMessage === '' ? '(git printed no message)' : gitMessage}`,
    );
  }
}

/** Two copies of one ledger hold different events at the same seq: neither can be fast-forwarded. */
export class LedgerForkError extends CutoverError {
  readonly kind = 'ledger';
  readonly code = 'ledger-fork';
  constructor(
    readonly seq: number,
    message: string,
  ) {
    super(`${message}; nothing was changed`, [
      'the copies were appended independently: agree which history stands, restore that copy on both sides, and record again what the other side lost',
    ]);
  }
}

/** An incident declared (or updated) below the minimum severity its trigger carries in the policy. */
export class SeverityBelowMinimumError extends CutoverError {
  readonly kind = 'policy';
  readonly code = 'severity-below-minimum';
  constructor(
    readonly trigger: string,
    readonly severity: string,
    readonly minimum: string,
  ) {
    super(`${severity} is below the minimum severity of trigger ${trigger} (${minimum}): declare it at ${minimum} or above`, [
      `cutover incident declare --trigger ${trigger} --severity ${minimum} …`,
    ]);
  }
}

/** A repin confirmation with no accepted repin against the rollback target, recorded after the rollback. */
export class RepinNotFoundError extends CutoverError {
  readonly kind = 'policy';
  readonly code = 'repin-not-found';
}

/** What an incident still needs before it can close: one line per missing piece, with the command that records it. */
export interface MissingStep {
  readonly what: string;
  readonly command: string;
}

/** An incident whose reversal evidence, summary or approvals are not complete cannot close. */
export class IncidentIncompleteError extends CutoverError {
  readonly kind = 'policy';
  readonly code = 'incident-incomplete';
  constructor(
    readonly incident: string,
    readonly missing: readonly MissingStep[],
  ) {
    super(
      `incident ${incident} cannot close: ${missing.length} item${missing.length === 1 ? '' : 's'} missing:\n${missing.map((m) => `  - ${m.what}\n    → ${m.command}`).join('\n')}`,
    );
  }
}

/** Why a ledger line fails verification. */
export type LedgerFault =
  | 'edited'
  | 'removed'
  | 'reordered'
  | 'duplicated'
  | 'forked'
  | 'policy'
  | 'not-canonical'
  | 'malformed'
  | 'torn'
  | 'bad-signature'
  | 'unknown-key'
  | 'key-not-allowed'
  | 'time-order'
  | 'wrong-program'
  | 'not-allowed';

/** The ledger fails verification at `seq` (file line `line`). Names the first bad line only. */
export class LedgerVerificationError extends CutoverError {
  readonly kind = 'ledger';
  readonly code = 'ledger-verification';
  constructor(
    readonly source: string,
    readonly line: number,
    readonly seq: number | null,
    readonly fault: LedgerFault,
    readonly detail: string,
    hints: readonly string[] = [],
  ) {
    super(`${source}:${line}: ${seq === null ? '' : `seq ${seq} `}${fault}: ${detail}`, hints);
  }
}

/** A server refuses a request that lacks the bearer token its program (or creating a program) needs: HTTP 401. */
export class UnauthorizedError extends CutoverError {
  readonly kind = 'input';
  readonly code = 'unauthorized';
  /** Why, in one word for a metric label: missing, unknown-token, expired, audience, issuer, invalid. */
  readonly reason: string;
  constructor(message: string, reason = 'missing') {
    super(message, ['send Authorization: Bearer <token> (the CLI sends $CUTOVER_TOKEN, or the token of cutover login)']);
    this.reason = reason;
  }
}

/** A server knew who asked (a verified token) and that identity may not do it: another program's role, a line another role signed, creating without being a creator. */
export class ForbiddenError extends CutoverError {
  readonly kind = 'input';
  readonly code = 'forbidden';
  constructor(
    message: string,
    /** One word for a metric label: read, post, create. */
    readonly reason: string,
    hints: readonly string[] = [],
  ) {
    super(message, hints);
  }
}

/** A Cutover server refused a request: its answer's kind, message and hints, as the server gave them. */
export class ServerRefusalError extends CutoverError {
  readonly code: string;
  constructor(
    readonly kind: ErrorKind,
    code: string,
    readonly status: number,
    message: string,
    hints: readonly string[] = [],
  ) {
    super(message, hints);
    this.code = code;
  }
}
