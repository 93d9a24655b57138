/**
 * Rollback evidence proves the rollback target only where it ran: a producer's drill or execution runs
 * in its checkout at the rollback target's commit; a consumer's runs where its pin set names the
 * rollback target. The CLI asks this before it runs the suite, and `decide` asks it again of what was
 * collected, so the rule lives here once. Pure: the checkout comes in as facts.
 */
import { EvidenceRejectedError, InvalidTransitionError, type CutoverError } from '../errors.js';
import type { PartyDefinition, TargetDefinition } from '../program/schema.js';
import { pinProblems, type FileAtCommit } from './pins.js';
import { describeTarget, type ProgramState } from './state.js';

/** Where a rollback suite runs, as its collector found it. */
export interface CheckoutFacts {
  /** The folder the suite runs in. */
  readonly path: string;
  /** The commit checked out there (null: not a git checkout). */
  readonly commit: string | null;
  /** A consumer's pin-set files at that commit. */
  readonly files: Readonly<Record<string, FileAtCommit | null>>;
}

export const NO_BASELINE_HINT = 'record the baseline first: cutover target publish --baseline --tag <tag> --sha <sha> --contract <name=version> --as <producer approver>';

/** Why no rollback evidence of `kind` can be taken anywhere yet (no rollback target), or null. */
export function missingRollbackTarget(state: ProgramState, kind: string): CutoverError | null {
  if (state.rollbackTarget !== null) return null;
  return new InvalidTransitionError(`there is no rollback target: ${kind} evidence proves the baseline, and no baseline has been recorded`, [NO_BASELINE_HINT]);
}

/** Why rollback evidence of `kind` from `party` cannot be taken in `checkout`, or null when it can. */
export function rollbackEvidenceRefusal(state: ProgramState, party: PartyDefinition, kind: string, checkout: CheckoutFacts): CutoverError | null {
  const target = state.rollbackTarget;
  if (target === null) return missingRollbackTarget(state, kind);
  const problems = checkoutProblems(party, target, checkout);
  if (problems.length === 0) return null;
  const where = party.kind === 'producer' ? `at the rollback target's commit ${target.sha}` : `where its pin set names the rollback target ${describeTarget(target)}`;
  return new EvidenceRejectedError(`${kind} evidence from ${party.id} must run ${where}; nothing was recorded`, problems, [
    'let cutover check the rollback target out for the run: --at-rollback-target instead of --cwd',
    party.kind === 'producer'
      ? `or run it in a checkout of ${target.tag}: git -C <producer repo> worktree add --detach <dir> ${target.tag}, then --cwd <dir>`
      : `or run it in a checkout of the commit that pins ${target.tag} (before the repin): git -C <consumer repo> worktree add --detach <dir> <that commit>, then --cwd <dir>`,
  ]);
}

function checkoutProblems(party: PartyDefinition, target: TargetDefinition, checkout: CheckoutFacts): string[] {
  if (checkout.commit === null) return [`${checkout.path} is not a git checkout, so nothing shows which commit the suite would run at`];
  if (party.kind === 'producer') {
    return checkout.commit === target.sha ? [] : [`${checkout.path} is at commit ${checkout.commit}, not at the rollback target ${target.tag} @ ${target.sha}`];
  }
  return pinProblems(party.pins ?? [], target, checkout.commit, checkout.files).map((p) => `${checkout.path} (commit ${checkout.commit}): ${p}`);
}
