/**
 * `evidence run --at-target`: the suite runs in a temporary worktree of the party's repository at the
 * commit where a run counts (src/domain/run-checkout.ts), removed afterwards whatever happened. A
 * producer's is the target's commit; a consumer's is its HEAD when HEAD's pinned files are the ones its
 * repin recorded (the newest code on the repinned state), else the repin commit itself.
 */
import { runCommitFor } from '../domain/run-checkout.js';
import { describeTarget, type ProgramState } from '../domain/state.js';
import { EvidenceRejectedError } from '../errors.js';
import type { PartyDefinition, TargetDefinition } from '../program/schema.js';
import { blobAt, headCommit, openRepo, run, type GitRepo } from './git.js';
import { inTemporaryWorktree } from './rollback-worktree.js';

/**
 * Run `work` at the commit where a run of `party` counts for `target`. When the domain names none (a
 * consumer with no accepted repin, one without a pin set), `work` runs at HEAD of a temporary worktree
 * all the same, and its own check refuses or accepts it there.
 */
export async function atEvidenceTarget<T>(repoPath: string, state: ProgramState, party: PartyDefinition, target: TargetDefinition, work: (dir: string) => Promise<T>): Promise<T> {
  const repo = await openRepo(repoPath, '--cwd');
  const at = runCommitFor(state, party, target);
  const head = await headCommit(repo);
  let commit: string | null;
  if (at === null) commit = head;
  else if (party.kind === 'consumer' && head !== null && (await unchangedAt(repo, head, at.pinned))) commit = head;
  else commit = (await hasCommit(repo, at.commit)) ? at.commit : null;
  if (commit === null) {
    throw new EvidenceRejectedError(`${party.id}'s run for ${describeTarget(target)} cannot be checked out in ${repo.path}`, [at === null ? `${repo.path} has no commits` : `${repo.path} has no commit ${at.commit}`], [
      `fetch it there first (git -C ${repo.path} fetch), or give --cwd the ${party.kind} repository that has it`,
    ]);
  }
  return inTemporaryWorktree(repo, commit, 'cutover-target-', `${party.id}-${target.tag}`, work);
}

async function unchangedAt(repo: GitRepo, commit: string, pinned: readonly { readonly path: string; readonly blob: string }[]): Promise<boolean> {
  for (const { path, blob } of pinned) if ((await blobAt(repo, commit, path)) !== blob) return false;
  return true;
}

async function hasCommit(repo: GitRepo, sha: string): Promise<boolean> {
  return (await run(repo.path, ['cat-file', '-e', `${sha}^{commit}`])).code === 0;
}
