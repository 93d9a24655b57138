/**
 * `evidence add --at-rollback-target`: the rollback target checked out for the length of one suite run,
 * in a temporary `git worktree add --detach` of the party's repository, removed afterwards whatever
 * happened. A producer's worktree is at the rollback target's commit; a consumer's at the newest commit
 * of its first-parent history whose pin set names the rollback target: HEAD, else the commit just before
 * each later change to the pin-set files (the state a rollback of the repin returns to).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinProblems, pinSetPaths } from '../domain/pins.js';
import { describeTarget } from '../domain/state.js';
import { EvidenceRejectedError } from '../errors.js';
import type { PartyDefinition, TargetDefinition } from '../program/schema.js';
import { pinFilesAt } from './collect.js';
import { gitFailed, headCommit, openRepo, run, type GitRepo } from './git.js';

/** How many changes to a consumer's pin set are looked through for one that pins the rollback target. */
const PIN_CHANGES_SEARCHED = 50;

/** Run `work` in a temporary worktree of `repoPath` at the rollback target, then remove the worktree. */
export async function atRollbackTarget<T>(repoPath: string, party: PartyDefinition, target: TargetDefinition, work: (dir: string) => Promise<T>): Promise<T> {
  const repo = await openRepo(repoPath, '--cwd');
  const commit = party.kind === 'producer' ? await producerCommit(repo, target) : await consumerCommit(repo, party, target);
  return inTemporaryWorktree(repo, commit, 'cutover-rollback-', `${party.id}-${target.tag}`, work);
}

/**
 * Run `work` in a temporary `git worktree add --detach` of `repo` at `commit`, and remove the worktree
 * afterwards whatever happened: the user's checkout is never touched.
 */
export async function inTemporaryWorktree<T>(repo: GitRepo, commit: string, prefix: string, name: string, work: (dir: string) => Promise<T>): Promise<T> {
  const parent = await mkdtemp(join(tmpdir(), prefix));
  const dir = join(parent, name.replace(/[^A-Za-z0-9._-]/g, '_'));
  try {
    const add = ['worktree', 'add', '--detach', '--quiet', dir, commit];
    const added = await run(repo.path, add);
    if (added.code !== 0) throw gitFailed(repo.path, add, added);
    return await work(dir);
  } finally {
    await run(repo.path, ['worktree', 'remove', '--force', dir]);
    await rm(parent, { recursive: true, force: true });
    await run(repo.path, ['worktree', 'prune']);
  }
}

async function producerCommit(repo: GitRepo, target: TargetDefinition): Promise<string> {
  const r = await run(repo.path, ['cat-file', '-e', `${target.sha}^{commit}`]);
  if (r.code === 0) return target.sha;
  throw new EvidenceRejectedError(`the rollback target ${describeTarget(target)} cannot be checked out in ${repo.path}`, [`${repo.path} has no commit ${target.sha}`], [
    `fetch it there first (git -C ${repo.path} fetch --tags), or give --cwd the producer repository that has it`,
  ]);
}

async function consumerCommit(repo: GitRepo, party: PartyDefinition, target: TargetDefinition): Promise<string> {
  const head = await headCommit(repo);
  if (head === null) throw new EvidenceRejectedError(`${repo.path} has no commits`, [`${party.id}'s pin set cannot name the rollback target ${describeTarget(target)} there`]);
  const revList = ['rev-list', '--first-parent', `--max-count=${PIN_CHANGES_SEARCHED}`, head, '--', ...pinSetPaths(party.pins ?? [])];
  const changes = await run(repo.path, revList);
  if (changes.code !== 0) throw gitFailed(repo.path, revList, changes);
  const befores: string[] = [];
  for (const change of changes.stdout.toString('utf8').split('\n').filter(Boolean)) {
    const parent = await run(repo.path, ['rev-parse', '--verify', '--quiet', `${change}^1^{commit}`]);
    if (parent.code === 0) befores.push(parent.stdout.toString('utf8').trim());
  }
  for (const commit of [head, ...befores]) {
    const files = await pinFilesAt(repo, commit, party);
    if (pinProblems(party.pins ?? [], target, commit, files).length === 0) return commit;
  }
  throw new EvidenceRejectedError(`no commit of ${repo.path} pins the rollback target ${describeTarget(target)}`, [
    `neither HEAD (${head}) nor the commit before any of the last ${PIN_CHANGES_SEARCHED} changes to ${party.id}'s pin set names it`,
  ], ['check out a commit whose pin set names the rollback target and give it with --cwd (without --at-rollback-target)']);
}
