/**
 * A verification run proves the target only where it ran. A producer's counts at the target's commit;
 * a consumer's at a commit whose pinned files are the ones its accepted repin recorded (the repin
 * commit, or a later one that leaves them unchanged). The CLI asks this before the suite runs, and
 * `decide` asks it again of what was collected, or of what a ledger line records: the rule lives here
 * once. Pure: the checkout comes in as facts.
 *
 * Lines written before this rule carry no `checkout`. They are admitted as before in a program whose
 * definition is `version: 1`; from `version: 2` on a run line must record where it ran. A line that
 * records it is held to the rule whatever the version.
 */
import { EvidenceRejectedError, InvalidTransitionError, type CutoverError } from '../errors.js';
import type { EventDataOf, RunData } from './events.js';
import type { PartyDefinition, ProgramDefinition, TargetDefinition } from '../program/schema.js';
import type { CheckoutFacts } from './rollback-checkout.js';
import { describeTarget, evidenceTarget, repinKey, type ProgramState } from './state.js';

/** Where a run ran, as its event records it. */
export type RecordedRunCheckout = NonNullable<Extract<EventDataOf<'evidence.added'>, { kind: 'verification-run' }>['checkout']>;

/** The first definition version whose programs require every run line to record where it ran. */
export const RUN_CHECKOUT_REQUIRED_FROM = 2;

/** The refusal for evidence when no target has been published: nothing to take it against. */
export function noTargetError(): CutoverError {
  return new InvalidTransitionError('evidence must name the runtime target it was taken against, and no target has been published', [
    'publish it first: cutover target publish --tag <tag> --sha <sha> --contract <name>=<version> --repo <producer repo>',
  ]);
}

/** The commit a run must be at to count for `party`: the target's for a producer, the repin's for a consumer with pins. */
export function runCommitFor(state: ProgramState, party: PartyDefinition, target: TargetDefinition): { readonly commit: string; readonly pinned: readonly { readonly path: string; readonly blob: string }[] } | null {
  if (party.kind === 'producer') return { commit: target.sha, pinned: [] };
  if ((party.pins ?? []).length === 0) return null;
  const repin = state.acceptedRepins[repinKey(party.id, target)];
  return repin === undefined ? null : { commit: repin.commit, pinned: repin.files };
}

/**
 * Before the suite runs: why a verification run from `party` in `checkout` would not count for the
 * evidence target, or null when it would.
 */
export function verificationRunRefusal(state: ProgramState, party: PartyDefinition, checkout: CheckoutFacts): CutoverError | null {
  const target = evidenceTarget(state);
  if (target === null) return noTargetError();
  const judged = judge(state, party, target, checkout.path, checkout.commit, (path) => checkout.files[path]?.blob ?? null);
  return 'error' in judged ? judged.error : null;
}

/**
 * In `decide`: the checkout the run event records, from what the collector found (`checkout`) or from
 * what a line records (`recorded`); `null` for a line written before the rule, in a program that still
 * admits those. The run's own HEAD must be the checkout's commit: a checkout that moved while the suite
 * ran proves nothing.
 */
export function runCheckoutOf(
  state: ProgramState,
  def: ProgramDefinition,
  party: PartyDefinition,
  target: TargetDefinition,
  input: { readonly run: RunData; readonly checkout?: CheckoutFacts; readonly recorded?: RecordedRunCheckout },
): { readonly recorded: RecordedRunCheckout | null } | { readonly error: CutoverError } {
  let judged: ReturnType<typeof judge>;
  let where: string;
  if (input.checkout !== undefined) {
    const checkout = input.checkout;
    where = checkout.path;
    judged = judge(state, party, target, where, checkout.commit, (path) => checkout.files[path]?.blob ?? null);
  } else if (input.recorded !== undefined) {
    const recorded = input.recorded;
    where = 'the recorded checkout';
    judged = judge(state, party, target, where, recorded.commit, (path) => recorded.pins?.find((p) => p.path === path)?.blob ?? null);
  } else {
    if (def.version < RUN_CHECKOUT_REQUIRED_FROM) return NOT_RECORDED;
    return {
      error: new EvidenceRejectedError(`${about(party, target)} does not record where it ran`, [
        `a program defined at cutover.yaml version ${def.version} counts a run only with the commit it ran at (data.checkout), and this line has none`,
      ]),
    };
  }
  if ('error' in judged) return judged;
  if (input.run.head !== judged.recorded.commit) {
    return { error: new EvidenceRejectedError(`${about(party, target)}: the checkout moved while the suite ran`, [`${where} was at ${judged.recorded.commit} before the run and at ${input.run.head ?? '(no commit)'} after it`]) };
  }
  return judged;
}

/** A run recorded before runs recorded where they ran: one answer, shared (admission asks for each such line). */
const NOT_RECORDED: { readonly recorded: null } = Object.freeze({ recorded: null });

/** The run a refusal is about; spelled out only there, not for every run admission decides again. */
function about(party: PartyDefinition, target: TargetDefinition): string {
  return `verification-run evidence from ${party.id} for ${target.tag}`;
}

function judge(
  state: ProgramState,
  party: PartyDefinition,
  target: TargetDefinition,
  where: string,
  commit: string | null,
  blobAt: (path: string) => string | null,
): { readonly recorded: RecordedRunCheckout } | { readonly error: CutoverError } {
  const kind = 'verification-run';
  if (party.kind === 'producer') {
    const problems =
      commit === null
        ? [`${where} is not a git checkout, so nothing shows which commit the suite would run at`]
        : commit === target.sha
          ? []
          : [`${where} is at commit ${commit}, not at the target ${target.tag} @ ${target.sha}`];
    if (problems.length > 0) {
      return {
        error: new EvidenceRejectedError(`${kind} evidence from ${party.id} counts only at the target's commit ${target.sha}; nothing was recorded`, problems, [
          'let cutover check the target out for the run: --at-target',
          `or run it in a checkout of ${target.tag}: git -C <producer repo> worktree add --detach <dir> ${target.tag}, then --cwd <dir>`,
        ]),
      };
    }
    return { recorded: { commit: commit! } };
  }
  if (commit === null) {
    return { error: new EvidenceRejectedError(`${kind} evidence from ${party.id} must run in a git checkout; nothing was recorded`, [`${where} is not a git checkout, so nothing shows which commit the suite would run at`]) };
  }
  if ((party.pins ?? []).length === 0) return { recorded: { commit } };
  const at = runCommitFor(state, party, target);
  if (at === null) {
    return {
      error: new EvidenceRejectedError(`${kind} evidence from ${party.id} counts only where its pin set is the one its repin to ${describeTarget(target)} recorded; nothing was recorded`, [
        `no accepted repin of ${party.id} to ${describeTarget(target)} is recorded`,
      ], [`record the repin first: cutover evidence repin --party ${party.id} --commit <repin commit>`]),
    };
  }
  const problems: string[] = [];
  const pins = at.pinned.map(({ path, blob }) => {
    const found = blobAt(path);
    if (found === null) problems.push(`${path} does not exist at commit ${commit} (${where})`);
    else if (found !== blob) problems.push(`${path} at commit ${commit} (${where}) is blob ${found}, not the blob ${blob} the repin in ${at.commit} recorded`);
    return { path, blob: found ?? blob };
  });
  if (problems.length > 0) {
    return {
      error: new EvidenceRejectedError(`${kind} evidence from ${party.id} counts only at its repin commit ${at.commit} or a later commit that leaves the pin-set files unchanged; nothing was recorded`, problems, [
        'let cutover check such a commit out for the run: --at-target',
        `or run it in a checkout of the repin commit: git -C <consumer repo> worktree add --detach <dir> ${at.commit}, then --cwd <dir>`,
      ]),
    };
  }
  return { recorded: { commit, pins } };
}
