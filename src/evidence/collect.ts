/**
 * Evidence collectors: the I/O that turns a repository, a suite or a file into the facts a
 * command carries into `decide`, which checks them against the program and the current target.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { TargetCheckFacts } from '../domain/decide.js';
import type { RunData } from '../domain/events.js';
import { pinSetPaths, producerCopies, type FileAtCommit, type RepinFacts } from '../domain/pins.js';
import type { PublishedTarget } from '../domain/state.js';
import { invalidInput } from '../errors.js';
import type { PartyDefinition } from '../program/schema.js';
import type { CheckoutFacts } from '../domain/rollback-checkout.js';
import { blobAt, checkTarget, commitInfo, fileAt, headCommit, openRepo, recheckTarget, type GitRepo, type TargetCheck } from './git.js';
import type { ProgressSink } from './progress.js';
import { runSuite } from './runner.js';

function factsOf(check: TargetCheck): TargetCheckFacts {
  const { facts } = check;
  return {
    ok: check.ok,
    facts: facts.annotated === null ? null : { annotated: facts.annotated, tagObject: facts.tagObject },
    problems: [...check.problems],
  };
}

/** Check a (tag, sha) pair in the producer's repository. */
export async function checkTargetInRepo(repoPath: string, tag: string, sha: string): Promise<TargetCheckFacts> {
  return factsOf(await checkTarget(await openRepo(repoPath, '--repo'), tag, sha));
}

/** Check the published target again: the tag must still point at its commit, with the same tag object. */
export async function recheckTargetInRepo(repoPath: string, target: PublishedTarget): Promise<TargetCheckFacts> {
  const repo = await openRepo(repoPath, '--repo');
  if (target.facts === null) return factsOf(await checkTarget(repo, target.tag, target.sha));
  return factsOf(await recheckTarget(repo, { tag: target.tag, sha: target.sha, annotated: target.facts.annotated, tagObject: target.facts.tagObject }));
}

/** What the consumer's repin commit changes, and the pin-set files as they are at it. */
export async function collectRepin(repoPath: string, rev: string, party: PartyDefinition, producer?: { readonly repoPath: string; readonly commit: string }): Promise<RepinFacts> {
  const repo = await openRepo(repoPath, '--repo');
  const commit = await commitInfo(repo, rev, '--commit');
  const files = await pinFilesAt(repo, commit.sha, party);
  if (producer === undefined) return { commit: commit.sha, changed: commit.files.map((f) => f.path), files };
  // Same as the producer's file: equal git blob ids are equal bytes.
  const producerRepo = await openRepo(producer.repoPath, '--producer-repo');
  const producerBlobs: Record<string, string | null> = {};
  for (const { producerPath } of producerCopies(party.pins ?? [])) producerBlobs[producerPath] = await blobAt(producerRepo, producer.commit, producerPath);
  return { commit: commit.sha, changed: commit.files.map((f) => f.path), files, producerBlobs };
}

/** Every file of the party's pin set as it is at `commit` (null: absent there). */
export async function pinFilesAt(repo: GitRepo, commit: string, party: PartyDefinition): Promise<Record<string, FileAtCommit | null>> {
  const files: Record<string, FileAtCommit | null> = {};
  for (const path of pinSetPaths(party.pins ?? [])) {
    const bytes = await fileAt(repo, commit, path);
    const blob = bytes === null ? null : await blobAt(repo, commit, path);
    files[path] = bytes === null || blob === null ? null : { blob, text: bytes.toString('utf8'), sha256: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
  }
  return files;
}

/** Where a suite is about to run: the commit checked out in `cwd` and the party's pin set there. */
export async function collectCheckout(cwd: string, party: PartyDefinition): Promise<CheckoutFacts> {
  const repo = await openRepo(cwd, '--cwd').catch(() => null);
  const commit = repo === null ? null : await headCommit(repo);
  return { path: cwd, commit, files: repo === null || commit === null ? {} : await pinFilesAt(repo, commit, party) };
}

export interface RunSuiteOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
  readonly progress?: ProgressSink;
}

/** Run one of a party's suites where it stands (`cwd`), and describe the run: host, HEAD, results. */
export async function collectRun(party: PartyDefinition, suiteId: string | undefined, options: RunSuiteOptions): Promise<RunData> {
  const suites = party.suites ?? [];
  const suite = suiteId === undefined ? suites[0] : suites.find((s) => s.id === suiteId);
  if (suite === undefined) {
    throw invalidInput({
      source: suiteId === undefined ? 'cutover.yaml' : '--suite',
      field: suiteId === undefined ? `parties[id=${party.id}].suites` : '',
      expected: suites.length === 0 ? `a suite declared for ${party.id} (suites: in cutover.yaml)` : `one of ${suites.map((s) => s.id).join(', ')}`,
      found: suiteId === undefined ? 'none' : JSON.stringify(suiteId),
    });
  }
  const result = await runSuite(
    suite.commands.map((c) => ({ id: c.id, run: c.run, timeoutSeconds: c.timeout_seconds })),
    { cwd: options.cwd, env: options.env, now: options.now, ...(options.progress === undefined ? {} : { progress: options.progress }) },
  );
  const head = await openRepo(options.cwd).then(headCommit, () => null);
  return {
    suite: suite.id,
    host: hostname(),
    head,
    startedAt: result.startedAt,
    durationMs: Math.round(result.durationMs),
    passed: result.passed,
    commands: result.commands.map((c) => ({
      id: c.id,
      run: c.run,
      exitCode: c.exitCode,
      signal: c.signal,
      timedOut: c.timedOut,
      durationMs: Math.round(c.durationMs),
      stdout: { sha256: c.stdout.sha256, bytes: c.stdout.bytes, tail: [...c.stdout.tail] },
      stderr: { sha256: c.stderr.sha256, bytes: c.stderr.bytes, tail: [...c.stderr.tail] },
      passed: c.passed,
    })),
    skipped: [...result.skipped],
  };
}
