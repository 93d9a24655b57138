/**
 * A repository as the audit reads it: through git only (never the work tree, so bare repositories
 * and mirrors work), with one `cat-file --batch-command` process for every object, plus a handful of
 * whole-repository listings (tags, commits, a range's log) that are one git call each.
 */
import { GitCommandError, invalidInput } from '../errors.js';
import { openRepo, run, type GitRepo } from '../evidence/git.js';
import { GitBatch, type Resolved } from './batch.js';
import { derivedName } from './specs.js';

/** One tracked file at a revision: its path and the blob holding its bytes. */
export interface TreeFile {
  readonly path: string;
  readonly blob: string;
}

export interface CommitSummary {
  readonly sha: string;
  /** Committer date, ISO 8601 as git prints it (%cI). */
  readonly date: string;
  /** Author date, ISO 8601 (%aI): when the change was written, which a rebase keeps. */
  readonly authored: string;
  readonly subject: string;
}

export interface TagInfo {
  readonly name: string;
  /** The commit the tag peels to; null when it points at no commit. */
  readonly commit: string | null;
}

/** Which files the audit reads: records meant for people and tools, not lock files. */
export function isAuditedPath(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (/(^|[-.])lock\.(json|ya?ml)$/.test(name) || name === 'package-lock.json' || name === 'npm-shrinkwrap.json') return false;
  return /\.(md|markdown|json|ya?ml)$/.test(name);
}

export class AuditRepo {
  readonly batch: GitBatch;
  private readonly trees = new Map<string, Promise<TreeFile[]>>();
  private tagList: Promise<TagInfo[]> | null = null;
  private commitList: Promise<string[]> | null = null;
  private readonly subjects = new Map<string, Promise<CommitSummary | null>>();

  private constructor(
    readonly git: GitRepo,
    /** The name findings and --producer use: given (`--repo NAME=DIR`), or the folder's name without `.git`. */
    readonly name: string,
  ) {
    this.batch = new GitBatch(git.path);
  }

  static async open(path: string, name?: string): Promise<AuditRepo> {
    const git = await openRepo(path, '--repo');
    return new AuditRepo(git, name ?? derivedName(git.path));
  }

  close(): void {
    this.batch.close();
  }

  /** The commit a revision names; InvalidInputError naming `flag` when it names none. */
  async commitOf(rev: string, flag: string): Promise<string> {
    const refuse = (found: string) => invalidInput({ source: flag, field: '', expected: `a commit in ${this.git.path}`, found });
    if (rev === '' || rev.startsWith('-') || /\s/.test(rev)) throw refuse(`"${rev}"`);
    const r = await this.batch.info(`${rev}^{commit}`);
    if (!r.found) throw refuse(`"${rev}", which ${r.why === 'ambiguous' ? 'is ambiguous' : 'is not a commit there'}`);
    return r.id;
  }

  /** The audited files of a commit's tree. Trees are read once each: commits that share a folder share its listing. */
  async filesAt(commit: string): Promise<TreeFile[]> {
    const object = await this.batch.contents(`${commit}^{tree}`);
    if (object === null) throw new GitCommandError(`git cat-file --batch (${commit}^{tree})`, this.git.path, 128, `no tree for commit ${commit}`);
    return this.tree(object.id, '');
  }

  private tree(id: string, prefix: string): Promise<TreeFile[]> {
    const key = `${id}\0${prefix}`;
    let listing = this.trees.get(key);
    if (listing === undefined) {
      listing = this.readTree(id, prefix);
      this.trees.set(key, listing);
    }
    return listing;
  }

  /** A tree object is a list of "<mode> <name>\0<20-byte id>". */
  private async readTree(id: string, prefix: string): Promise<TreeFile[]> {
    const object = await this.batch.contents(id);
    if (object === null) throw new GitCommandError(`git cat-file --batch (${id})`, this.git.path, 128, `missing tree ${id}`);
    const data = object.data;
    const idBytes = id.length / 2;
    const files: TreeFile[] = [];
    const subtrees: Promise<TreeFile[]>[] = [];
    for (let i = 0; i < data.length; ) {
      const space = data.indexOf(32, i);
      const nul = data.indexOf(0, space);
      const mode = data.subarray(i, space).toString('latin1');
      const name = data.subarray(space + 1, nul).toString('utf8');
      const child = data.subarray(nul + 1, nul + 1 + idBytes).toString('hex');
      i = nul + 1 + idBytes;
      const path = prefix + name;
      if (mode === '40000') subtrees.push(this.tree(child, `${path}/`));
      else if ((mode === '100644' || mode === '100755') && isAuditedPath(path)) files.push({ path, blob: child });
    }
    for (const sub of await Promise.all(subtrees)) files.push(...sub);
    return files;
  }

  /** Every tag with the commit it peels to (through any chain of tag objects). */
  tags(): Promise<TagInfo[]> {
    this.tagList ??= (async () => {
      const r = await run(this.git.path, ['for-each-ref', '--format=%(refname:strip=2)%00%(objectname)', 'refs/tags/']);
      const refs = r.stdout
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('\0') as [string, string]);
      const peeled = await Promise.all(refs.map(([, id]) => this.batch.info(`${id}^{commit}`)));
      return refs.map(([name], i) => ({ name, commit: peeled[i]?.found ? peeled[i].id : null }));
    })();
    return this.tagList;
  }

  /** Every commit reachable from any ref, for "did you mean" and the candidates of an ambiguous prefix. */
  commits(): Promise<string[]> {
    this.commitList ??= run(this.git.path, ['rev-list', '--all']).then((r) =>
      r.stdout.toString('utf8').split('\n').filter((l) => l !== '').sort(),
    );
    return this.commitList;
  }

  /** Every commit whose id starts with `prefix` (among those reachable from a ref). */
  async commitsStartingWith(prefix: string): Promise<string[]> {
    const all = await this.commits();
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((all[mid] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    const found: string[] = [];
    for (let i = lo; i < all.length && (all[i] as string).startsWith(prefix); i++) found.push(all[i] as string);
    return found;
  }

  resolve(name: string): Promise<Resolved> {
    return this.batch.info(name);
  }

  /** The commit's date and subject (like %s: the first paragraph of the message, on one line). */
  summary(sha: string): Promise<CommitSummary | null> {
    let s = this.subjects.get(sha);
    if (s === undefined) {
      s = this.batch.contents(sha).then((object) => (object === null || object.type !== 'commit' ? null : parseCommit(sha, object.data.toString('utf8'))));
      this.subjects.set(sha, s);
    }
    return s;
  }

  /** The commits up to `commit` that changed `path`, oldest first, each with the file's bytes there (null: deleted). */
  async history(commit: string, path: string): Promise<{ commit: CommitSummary; text: string | null }[]> {
    const r = await run(this.git.path, ['rev-list', '--reverse', commit, '--', path]);
    if (r.code !== 0) throw new GitCommandError(`git rev-list --reverse ${commit} -- ${path}`, this.git.path, r.code, r.stderr.toString().trim());
    const shas = r.stdout.toString('utf8').split('\n').filter((l) => l !== '');
    const versions = await Promise.all(
      shas.map(async (sha) => {
        const [summary, object] = await Promise.all([this.summary(sha), this.batch.contents(`${sha}:${path}`)]);
        return summary === null ? null : { commit: summary, text: object === null ? null : object.data.toString('utf8') };
      }),
    );
    return versions.filter((v) => v !== null);
  }

  /** The commits after `since` up to `until`, oldest first (every commit, merges included). */
  async range(since: string, until: string): Promise<CommitSummary[]> {
    const r = await run(this.git.path, ['rev-list', '--reverse', '--topo-order', until, `^${since}`]);
    if (r.code !== 0) throw new GitCommandError(`git rev-list --reverse --topo-order ${until} ^${since}`, this.git.path, r.code, r.stderr.toString().trim());
    const shas = r.stdout.toString('utf8').split('\n').filter((l) => l !== '');
    const summaries = await Promise.all(shas.map((sha) => this.summary(sha)));
    return summaries.filter((s): s is CommitSummary => s !== null);
  }
}

function parseCommit(sha: string, raw: string): CommitSummary {
  const split = raw.indexOf('\n\n');
  const headers = (split < 0 ? raw : raw.slice(0, split)).split('\n');
  const message = split < 0 ? '' : raw.slice(split + 2);
  const subject = (message.split(/\n\s*\n/)[0] ?? '').split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
  return { sha, date: identityDate(headers, 'committer'), authored: identityDate(headers, 'author'), subject };
}

/** The date of an `author` or `committer` header, ISO 8601 in its own offset, as %cI prints it. */
function identityDate(headers: readonly string[], who: 'author' | 'committer'): string {
  const m = /(\d+) ([+-])(\d\d)(\d\d)$/.exec(headers.find((h) => h.startsWith(`${who} `)) ?? '');
  if (m === null) return '';
  const offset = (m[2] === '-' ? -1 : 1) * (Number(m[3]) * 60 + Number(m[4]));
  const local = new Date((Number(m[1]) + offset * 60) * 1000).toISOString().slice(0, 19);
  return `${local}${offset === 0 ? 'Z' : `${m[2]}${m[3]}:${m[4]}`}`;
}
