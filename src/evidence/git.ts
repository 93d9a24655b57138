/**
 * Evidence from a party's git repository (a checkout or a bare repository), read with the real
 * `git` CLI, offline and read-only: does a release tag resolve to exactly the commit the documents
 * name, has it moved since it was published, and what did a commit change.
 *
 * Every call runs `git` with an argument array (never a shell string) and with `cwd` = the
 * repository, so user-supplied tags, revisions and paths can never become options or shell syntax.
 */
import { spawn } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GitCommandError, invalidInput } from '../errors.js';

export interface GitRepo {
  /** The folder as the user named it, made absolute; used in messages. */
  readonly path: string;
  readonly bare: boolean;
}

// ---------------------------------------------------------------------------------------------
// Running git

export interface GitResult {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/**
 * The environment git runs in: the caller's, minus every GIT_* variable (GIT_DIR, GIT_WORK_TREE,
 * GIT_INDEX_FILE… set by a hook or a CI step would silently point git at another repository).
 */
export function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('GIT_')) env[name] = value;
  return {
    ...env,
    GIT_TERMINAL_PROMPT: '0', // never wait for credentials
    GIT_NO_LAZY_FETCH: '1', // a partial clone must not fetch a missing object (git ≥ 2.45; ignored before)
    GIT_OPTIONAL_LOCKS: '0', // we only read: take no optional locks
  };
}

/**
 * Options before the command: no pager; `protocol.allow=never` refuses every transport, so nothing
 * can reach the network; `--no-replace-objects` makes `git replace` (and grafts) unable to show us
 * other objects than the ones the ids name — evidence must be about the real objects.
 */
export const GLOBAL_OPTIONS = ['--no-pager', '--no-replace-objects', '-c', 'protocol.allow=never'];

/** Run git in `cwd`; resolves with the exit code whatever it is (callers decide what a failure means). */
export function run(cwd: string, args: readonly string[], input?: string): Promise<GitResult> {
  return new Promise((done, fail) => {
    // spawn, not execFile: file contents can be many MB and we want no maxBuffer cut-off.
    const child = spawn('git', [...GLOBAL_OPTIONS, ...args], { cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e) => fail(new GitCommandError(gitCommand(args), cwd, null, e.message)));
    child.on('close', (code) =>
      done({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8').trim() }),
    );
    child.stdin.on('error', () => {}); // git may exit before reading all input; its exit code tells
    child.stdin.end(input ?? '');
  });
}

/** `git` and its arguments, as a message names the command (the fixed GLOBAL_OPTIONS left out). */
export function gitCommand(args: readonly string[]): string {
  return ['git', ...args].join(' ');
}

/** The typed failure of a git command that should have succeeded. */
export function gitFailed(cwd: string, args: readonly string[], r: GitResult): GitCommandError {
  return new GitCommandError(gitCommand(args), cwd, r.code, r.stderr);
}

/** Run git and return stdout as text; a non-zero exit here is unexpected (a broken repository). */
async function git(repo: GitRepo, args: readonly string[], input?: string): Promise<string> {
  const r = await run(repo.path, args, input);
  if (r.code !== 0) throw gitFailed(repo.path, args, r);
  return r.stdout.toString('utf8');
}

interface GitObject {
  readonly id: string;
  readonly type: 'commit' | 'tree' | 'blob' | 'tag';
}

/**
 * Look up many object names in one process (`cat-file --batch-check`), in order; null when a name
 * does not resolve. Names are read from stdin, so none can be taken for an option.
 */
async function lookup(repo: GitRepo, names: readonly string[]): Promise<(GitObject | null)[]> {
  if (names.length === 0) return [];
  const bad = names.find((n) => n.includes('\n'));
  if (bad !== undefined) throw invalidInput({ source: repo.path, field: '', expected: 'a git object name without a newline', found: JSON.stringify(bad) });
  const out = await git(repo, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], names.map((n) => `${n}\n`).join(''));
  const lines = out.split('\n');
  return names.map((_, i) => {
    // A missing name comes back as "<name> missing" (or "ambiguous"), which never matches this.
    const m = /^([0-9a-f]{40,64}) (commit|tree|blob|tag)$/.exec(lines[i] ?? '');
    return m ? { id: m[1] as string, type: m[2] as GitObject['type'] } : null;
  });
}

/** `git merge-base --is-ancestor a b`: exit 0 yes, 1 no, anything else is a real failure. */
async function isAncestor(repo: GitRepo, a: string, b: string): Promise<boolean> {
  const r = await run(repo.path, ['merge-base', '--is-ancestor', a, b]);
  if (r.code === 0 || r.code === 1) return r.code === 0;
  throw gitFailed(repo.path, ['merge-base', '--is-ancestor', a, b], r);
}

async function countBetween(repo: GitRepo, from: string, to: string): Promise<number> {
  return Number((await git(repo, ['rev-list', '--count', `${from}..${to}`])).trim());
}

// ---------------------------------------------------------------------------------------------
// Opening a repository

const EXPECTED_REPO = 'a git repository (a checkout or a bare repository)';

/**
 * Open a repository; throws InvalidInputError naming `flag` when `path` is not one. A folder inside a
 * checkout is refused too: git would happily use the enclosing repository, and evidence read from
 * the consumer's repo while the user meant a producer folder inside it would be wrong evidence.
 */
export async function openRepo(path: string, flag = '--repo'): Promise<GitRepo> {
  const abs = resolve(path);
  const refuse = (found: string) =>
    invalidInput({ source: flag, field: '', expected: EXPECTED_REPO, found: `${abs}, ${found}` });

  const info = await stat(abs).catch(() => null);
  if (info === null) throw refuse('which does not exist');
  if (!info.isDirectory()) throw refuse('which is a file, not a folder');

  const probe: GitRepo = { path: abs, bare: false };
  const r = await run(abs, ['rev-parse', '--is-bare-repository', '--is-inside-work-tree', '--absolute-git-dir']);
  if (r.code !== 0) {
    // Keep git's own reason when it is not the plain one (e.g. "detected dubious ownership").
    const reason = r.stderr.split('\n')[0]?.replace(/^fatal: /, '') ?? '';
    throw refuse(/not a git repository/.test(reason) || reason === '' ? 'which is not a git repository' : `which git refuses: ${reason}`);
  }
  const [bare, inWorkTree, gitDir = ''] = r.stdout.toString('utf8').trim().split('\n');
  const here = await realpath(abs);

  if (bare === 'true') {
    if (here !== (await realpath(gitDir))) throw refuse(`which is a folder inside the bare repository ${gitDir}`);
    return { path: abs, bare: true };
  }
  if (inWorkTree !== 'true') throw refuse(`which is inside the git folder ${gitDir}; give the checkout's folder instead`);
  const top = (await git(probe, ['rev-parse', '--show-toplevel'])).trim();
  if (here !== (await realpath(top))) throw refuse(`which is a folder inside the git repository ${top}`);
  return probe;
}

// ---------------------------------------------------------------------------------------------
// Release targets: a tag and the commit SHA documents name

/** What the repository says about a (tag, sha) pair claimed to be an immutable release target. */
export interface TargetFacts {
  readonly tag: string;
  /** As given. */
  readonly sha: string;
  /** Full 40-hex lowercase: documents must name the whole id, not an abbreviation that may become ambiguous. */
  readonly shaWellFormed: boolean;
  /** The object exists and is a commit (only looked up when well formed). */
  readonly shaIsCommit: boolean;
  readonly tagExists: boolean;
  /** The commit the tag resolves to, peeled through any chain of tag objects (tag^{commit}). */
  readonly tagCommit: string | null;
  /** null when the tag does not exist. */
  readonly annotated: boolean | null;
  /** The annotated tag object's id (recorded so a re-created tag is detected later); null for lightweight / missing. */
  readonly tagObject: string | null;
  /**
   * How tagCommit relates to the sha given, when both are commits and differ.
   * 'ancestor': the tag is `distance` commits BEFORE the sha; 'descendant': `distance` commits AFTER;
   * 'unrelated': neither contains the other (distance null).
   */
  readonly relation: { kind: 'ancestor' | 'descendant' | 'unrelated'; distance: number | null } | null;
  /** Other tags (sorted) whose peeled commit is exactly sha. */
  readonly tagsAtSha: readonly string[];
}

/** A verdict on TargetFacts: ok only when the sha is a well-formed existing commit, the tag exists and peels to exactly it. */
export interface TargetCheck {
  readonly ok: boolean;
  readonly facts: TargetFacts;
  readonly problems: readonly string[];
}

/** A target as recorded at publication, to compare with the repository later. */
export interface RecordedTarget {
  readonly tag: string;
  readonly sha: string;
  readonly annotated: boolean;
  readonly tagObject: string | null;
}

const FULL_SHA = /^[0-9a-f]{40}$/;
const TAGS = 'refs/tags/';

/** The facts, plus what the sentences need and TargetFacts does not carry. */
interface Gathered {
  readonly facts: TargetFacts;
  /** The type of the object the sha names, when it exists. */
  readonly shaType: GitObject['type'] | null;
  /** The type the tag points at after peeling tag objects, when it is not a commit. */
  readonly tagTarget: GitObject['type'] | null;
  /** For 'unrelated': the best common ancestor of two diverged lines, null when they share nothing. */
  readonly forkPoint: string | null;
  /** A shallow clone's history is cut off: "unrelated" may only mean "the common part was not fetched". */
  readonly shallow: boolean;
}

async function gather(repo: GitRepo, tag: string, sha: string): Promise<Gathered> {
  const shaWellFormed = FULL_SHA.test(sha);
  // The tag is never passed to git as an argument: we list every tag and compare names exactly, so a
  // branch of the same name, a glob character or a leading '-' cannot change what is read.
  const listing = await git(repo, ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(objecttype)', TAGS]);
  const refs = listing
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [ref = '', id = '', type = ''] = line.split('\0');
      return { name: ref.slice(TAGS.length), id, type };
    });
  // Peel every tag in one batch. `%(*objectname)` would peel one level only (a tag of a tag stays a tag).
  const names = refs.map((t) => `${t.id}^{commit}`);
  const [peeled, shaObject] = shaWellFormed
    ? await lookup(repo, [...names, sha]).then((all) => [all.slice(0, -1), all.at(-1) ?? null] as const)
    : [await lookup(repo, names), null];
  const shaType = shaObject?.type ?? null;
  const shaIsCommit = shaType === 'commit';

  const index = refs.findIndex((t) => t.name === tag);
  const ref = refs[index];
  const tagCommit = peeled[index]?.id ?? null;
  let tagTarget: GitObject['type'] | null = null;
  if (ref !== undefined && tagCommit === null) tagTarget = (await lookup(repo, [`${ref.id}^{}`]))[0]?.type ?? null;

  const tagsAtSha = shaIsCommit
    ? refs.filter((t, i) => t.name !== tag && peeled[i]?.id === sha).map((t) => t.name).sort()
    : [];

  let relation: TargetFacts['relation'] = null;
  let forkPoint: string | null = null;
  let shallow = false;
  if (shaIsCommit && tagCommit !== null && tagCommit !== sha) {
    if (await isAncestor(repo, tagCommit, sha)) relation = { kind: 'ancestor', distance: await countBetween(repo, tagCommit, sha) };
    else if (await isAncestor(repo, sha, tagCommit)) relation = { kind: 'descendant', distance: await countBetween(repo, sha, tagCommit) };
    else {
      relation = { kind: 'unrelated', distance: null };
      const base = await run(repo.path, ['merge-base', tagCommit, sha]); // exit 1: no common ancestor
      forkPoint = base.code === 0 ? base.stdout.toString('utf8').trim() : null;
      shallow = (await git(repo, ['rev-parse', '--is-shallow-repository'])).trim() === 'true';
    }
  }

  const facts: TargetFacts = {
    tag,
    sha,
    shaWellFormed,
    shaIsCommit,
    tagExists: ref !== undefined,
    tagCommit,
    annotated: ref === undefined ? null : ref.type === 'tag',
    tagObject: ref?.type === 'tag' ? ref.id : null,
    relation,
    tagsAtSha,
  };
  return { facts, shaType, tagTarget, forkPoint, shallow };
}

/** What the repository says about a (tag, sha) pair claimed to be an immutable release target. */
export async function targetFacts(repo: GitRepo, tag: string, sha: string): Promise<TargetFacts> {
  return (await gather(repo, tag, sha)).facts;
}

function commits(n: number | null): string {
  return n === 1 ? '1 commit' : `${n ?? '?'} commits`;
}

/** Problems with the SHA itself. Full ids everywhere: a release manager compares them with documents. */
function shaProblems(repo: GitRepo, g: Gathered): string[] {
  const { sha, shaWellFormed, shaIsCommit } = g.facts;
  if (!shaWellFormed) return [`${sha} is not a full 40-hex commit SHA`];
  if (!shaIsCommit) return [`no commit ${sha} in ${repo.path}${g.shaType === null ? '' : ` (it is a ${g.shaType})`}`];
  return [];
}

function shallowNote(g: Gathered): string {
  return g.shallow ? '; but this is a shallow clone, whose history is cut off: check in a full clone' : '';
}

/** When the tag peels to something that is not a commit at all. */
function notACommit(g: Gathered): string {
  return `tag ${g.facts.tag} does not point at a commit${g.tagTarget === null ? '' : ` (it points at a ${g.tagTarget})`}`;
}

/** "the SHA given is tagged v2.9.0, not v3.0.0": the usual copy-paste mix-up, named. */
function otherTags(g: Gathered, which: string): string[] {
  const { tag, tagsAtSha, tagCommit, sha } = g.facts;
  return tagsAtSha.length > 0 && tagCommit !== sha ? [`${which} is tagged ${tagsAtSha.join(', ')}, not ${tag}`] : [];
}

/** A verdict on the facts, with sentences a release manager understands. */
export async function checkTarget(repo: GitRepo, tag: string, sha: string): Promise<TargetCheck> {
  const g = await gather(repo, tag, sha);
  const { tagExists, tagCommit, relation } = g.facts;
  const problems = shaProblems(repo, g);
  if (!tagExists) problems.push(`no tag ${tag} in ${repo.path}`);
  else if (tagCommit === null) problems.push(notACommit(g));
  else if (tagCommit !== sha) {
    const at = `tag ${tag} points at ${tagCommit}`;
    if (relation === null) problems.push(at); // the sha is no commit: still say where the tag is
    else if (relation.kind === 'descendant') problems.push(`${at} — ${commits(relation.distance)} after the SHA given (${sha})`);
    else if (relation.kind === 'ancestor') problems.push(`${at} — ${commits(relation.distance)} before the SHA given (${sha})`);
    else if (g.forkPoint === null) problems.push(`${at}, which is unrelated to the SHA given (no common line of history)${shallowNote(g)}`);
    else problems.push(`${at}, which is neither before nor after the SHA given (${sha}): the two lines of history split after ${g.forkPoint}`);
  }
  problems.push(...otherTags(g, 'the SHA given'));
  return { ok: problems.length === 0, facts: g.facts, problems };
}

/**
 * Compare a target recorded at publication with the repository now. A tag deleted and re-created
 * is caught by its commit (moved) or, for annotated tags, by its tag object id even on the same
 * commit. A lightweight tag re-created on the same commit cannot be told apart: nothing changed.
 */
export async function recheckTarget(repo: GitRepo, recorded: RecordedTarget): Promise<TargetCheck> {
  const { tag, sha } = recorded;
  const g = await gather(repo, tag, sha);
  const { tagExists, tagCommit, relation, annotated, tagObject } = g.facts;
  const problems = shaProblems(repo, g);
  if (!tagExists) problems.push(`tag ${tag} was deleted`);
  else if (tagCommit === null) problems.push(notACommit(g));
  else {
    if (tagCommit !== sha) {
      const how =
        relation === null ? ''
        : relation.kind === 'descendant' ? ` (${commits(relation.distance)} after it)`
        : relation.kind === 'ancestor' ? ` (${commits(relation.distance)} before it)`
        : g.forkPoint === null ? ` (unrelated history)${shallowNote(g)}`
        : ` (another line of history, split after ${g.forkPoint})`;
      problems.push(`tag ${tag} moved: it pointed at ${sha} when published, now at ${tagCommit}${how}`);
    }
    if (recorded.annotated && annotated === false) problems.push(`tag ${tag} was annotated when published and is now lightweight`);
    else if (!recorded.annotated && annotated === true) problems.push(`tag ${tag} was lightweight when published and is now annotated (tag object ${tagObject})`);
    else if (recorded.annotated && recorded.tagObject !== null && tagObject !== recorded.tagObject)
      problems.push(`tag ${tag} was re-created: its tag object is now ${tagObject}, it was ${recorded.tagObject} when published`);
  }
  problems.push(...otherTags(g, 'the SHA published'));
  return { ok: problems.length === 0, facts: g.facts, problems };
}

// ---------------------------------------------------------------------------------------------
// Commits and files (the consumer's atomic repin)

/** One path a commit changes. `blob` is the new blob id (for a submodule, the gitlink's commit id); null when deleted. */
export interface ChangedFile {
  readonly path: string;
  /** As diff-tree prints it: A, M, D, T (type change)… No rename detection: a rename is a D and an A. */
  readonly status: string;
  readonly blob: string | null;
}

export interface CommitInfo {
  readonly sha: string;
  readonly parents: readonly string[];
  readonly subject: string;
  readonly files: readonly ChangedFile[];
}

/**
 * The commit (full sha resolved from any rev the user gives) and the files it changes against its
 * first parent (all files for a root commit). Throws InvalidInputError naming `flag` when the rev
 * is not a commit.
 */
export async function commitInfo(repo: GitRepo, rev: string, flag = '--commit'): Promise<CommitInfo> {
  const refuse = (found: string) => invalidInput({ source: flag, field: '', expected: `a commit in ${repo.path}`, found });
  // Nothing git accepts as a revision starts with '-'; refusing it keeps the rev from being an option.
  if (rev === '' || rev.startsWith('-') || rev.includes('\n')) throw refuse(`"${rev}"`);
  const [commit, object] = await lookup(repo, [`${rev}^{commit}`, rev]);
  if (!commit) throw refuse(object ? `"${rev}", which is a ${object.type}` : `"${rev}", which is not a commit there`);
  const sha = commit.id;

  // The raw commit, not `git log --format`: porcelain output follows user config (log.showSignature…).
  const raw = await git(repo, ['cat-file', 'commit', sha]);
  const split = raw.indexOf('\n\n');
  const headers = (split < 0 ? raw : raw.slice(0, split)).split('\n');
  const message = split < 0 ? '' : raw.slice(split + 2);
  const parents = headers.filter((h) => h.startsWith('parent ')).map((h) => h.slice('parent '.length));
  // Like git's %s: the first paragraph, lines joined by spaces.
  const subject = (message.split(/\n\s*\n/)[0] ?? '').split('\n').map((l) => l.trim()).filter(Boolean).join(' ');

  // Against the first parent explicitly: `diff-tree <merge>` alone prints nothing for a merge commit.
  const first = parents[0];
  const diffArgs = first === undefined ? ['--root', sha] : [first, sha];
  const out = await git(repo, ['diff-tree', '-r', '-z', '--no-commit-id', ...diffArgs]);
  return { sha, parents, subject, files: parseDiffTree(out) };
}

/** `diff-tree -z` records: ":<mode> <mode> <old> <new> <status>\0<path>\0" (two paths for R/C). */
function parseDiffTree(out: string): ChangedFile[] {
  const fields = out.split('\0');
  const files: ChangedFile[] = [];
  for (let i = 0; i < fields.length; ) {
    const meta = fields[i++] ?? '';
    if (!meta.startsWith(':')) continue; // the empty field after the final NUL
    const [, , , newId = '', status = ''] = meta.slice(1).split(' ');
    if (/^[RC]/.test(status)) i++; // copies and renames name the source first; we report the destination
    const path = fields[i++] ?? '';
    files.push({ path, status: status.replace(/\d+$/, ''), blob: status === 'D' || /^0+$/.test(newId) ? null : newId });
  }
  return files;
}

/** Paths are repo-relative with '/': `<commit>:./x` would be read relative to the cwd, `..` leave the tree. */
function objectPath(commit: string, path: string): string {
  if (path === '' || path.includes('\n') || path.split('/').some((s) => s === '' || s === '.' || s === '..'))
    throw invalidInput({ source: 'cutover.yaml', field: 'pins', expected: 'a path inside the repository, with / and no "." or ".." segment', found: JSON.stringify(path) });
  return `${commit}:${path}`;
}

/** The blob id of `path` at `commit`, or null (no such file there, or it is a folder). */
export async function blobAt(repo: GitRepo, commit: string, path: string): Promise<string | null> {
  const [object] = await lookup(repo, [objectPath(commit, path)]);
  return object?.type === 'blob' ? object.id : null;
}

/** The bytes of `path` at `commit`, or null when the file does not exist there. */
export async function fileAt(repo: GitRepo, commit: string, path: string): Promise<Buffer | null> {
  const blob = await blobAt(repo, commit, path);
  if (blob === null) return null;
  const r = await run(repo.path, ['cat-file', 'blob', blob]);
  if (r.code !== 0) throw gitFailed(repo.path, ['cat-file', 'blob', blob], r);
  return r.stdout;
}

/** HEAD's commit, or null (an empty repository, or a bare one whose HEAD names no existing branch). */
export async function headCommit(repo: GitRepo): Promise<string | null> {
  return (await lookup(repo, ['HEAD^{commit}']))[0]?.id ?? null;
}
