/**
 * `cutover audit`: read the tracked records of git repositories at a revision (or at every commit
 * of a range), check every claim they make against git and against one another, and report what
 * is contradicted. No cutover.yaml, no ledger.
 *
 * Everything is cached by what cannot change during a run: a file's claims by its blob id, a
 * folder's listing by its tree id, git's answer by the claim. So auditing the next commit of a
 * range costs only what that commit changed.
 */
import { checkTarget } from '../evidence/git.js';
import { invalidInput } from '../errors.js';
import {
  contradictionFindings,
  durationFinding,
  endedClaims,
  fileFindings,
  findMirrorPairs,
  finish,
  mirrorFindings,
  pairKey,
  subjectStatus,
  windowSpan,
  type Answers,
  type AuditedFile,
  type CommitName,
  type PairAnswer,
} from './judge.js';
import { AuditRepo, type CommitSummary } from './repo.js';
import { AUDIT_REPORT_VERSION, FINDING_KINDS, type AuditReport, type CommitRef, type Finding } from './report.js';
import { parseRecord } from './record.js';
import { looksLikeReleaseTag, scanFile, type FileFacts } from './scan.js';
import { parseRevSpecs, type RepoSpec } from './specs.js';
import { suggestDefinition } from './suggest.js';

export interface AuditRequest {
  /** Repository folders (checkouts or bare), absolute, each with the name given to it, if any. */
  readonly repos: readonly RepoSpec[];
  /** The repository whose tags decide tag/SHA pairs when several have the tag. */
  readonly producer?: string;
  /** The revisions audited (the ends of the range with `since`): `REV` for every repository, `NAME=REV` for one; none: HEAD. */
  readonly rev: readonly string[];
  readonly since?: string;
  /** Explicit mirror pairs, `A=B`, each side `path` or `repo:path`. */
  readonly mirrors: readonly string[];
  /** Also draft a starting cutover.yaml from what the audit saw. */
  readonly suggest?: boolean;
}

export interface AuditResult {
  readonly report: AuditReport;
  /** The files as they stand at the end, for `--suggest`. */
  readonly files: readonly AuditedFile[];
  /** With `suggest`: a starting cutover.yaml. */
  readonly suggestion?: string;
}

/** Files larger than this are not records (generated data, dumps): skipped. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

type State = Map<AuditRepo, string>;

class Auditor {
  private readonly facts = new Map<string, FileFacts | null>();
  private readonly perFile = new Map<string, Finding[]>();
  private readonly objects = new Map<string, boolean>();
  private readonly suggestions = new Map<string, CommitName | null>();
  private readonly shorts = new Map<string, readonly CommitName[]>();
  private readonly pairs = new Map<string, PairAnswer>();
  private readonly durations = new Map<string, Promise<Finding[]>>();
  private knownTags = new Set<string>();

  constructor(
    readonly repos: readonly AuditRepo[],
    private readonly producer: AuditRepo | null,
    private readonly mirrorSpecs: readonly (readonly [string, string])[],
  ) {}

  async init(): Promise<void> {
    const lists = await Promise.all(this.repos.map((r) => r.tags()));
    this.knownTags = new Set(lists.flat().map((t) => t.name));
  }

  /** The files of every repository at the commits of `state`, with their claims. */
  async files(state: State): Promise<AuditedFile[]> {
    const perRepo = await Promise.all(
      [...state].map(async ([repo, commit]) => {
        const tree = await repo.filesAt(commit);
        const facts = await Promise.all(tree.map((t) => this.factsOf(repo, t.path, t.blob)));
        return tree.flatMap((t, i) => (facts[i] ? [{ repo: repo.name, path: t.path, blob: t.blob, facts: facts[i] as FileFacts }] : []));
      }),
    );
    return perRepo.flat();
  }

  private async factsOf(repo: AuditRepo, path: string, blob: string): Promise<FileFacts | null> {
    const key = `${blob}\0${path}`;
    if (this.facts.has(key)) return this.facts.get(key) ?? null;
    const info = await repo.batch.info(blob);
    let facts: FileFacts | null = null;
    if (info.found && info.size <= MAX_FILE_BYTES) {
      const object = await repo.batch.contents(blob);
      const data = object?.data ?? Buffer.alloc(0);
      if (!data.subarray(0, 8000).includes(0)) {
        facts = scanFile(path, data.toString('utf8'), {
          isTag: (t) => this.knownTags.has(t) || looksLikeReleaseTag(t),
          repoNames: this.repos.map((r) => r.name),
        });
      }
    }
    this.facts.set(key, facts);
    return facts;
  }

  /** Every finding at one state of the repositories. */
  async findings(files: readonly AuditedFile[], state: State): Promise<Finding[]> {
    await this.answer(files);
    const answers = this.answers();
    const found: Finding[] = [];
    for (const f of files) {
      const key = `${f.repo}\0${f.path}\0${f.blob}`;
      let list = this.perFile.get(key);
      if (list === undefined) {
        list = fileFindings(f, answers);
        this.perFile.set(key, list);
      }
      found.push(...list);
    }
    for (const pair of findMirrorPairs(files, this.explicitMirrors(files, false))) found.push(...mirrorFindings(pair));
    found.push(...contradictionFindings(files));
    const claiming = files.filter((f) => (f.facts.record?.durations.length ?? 0) > 0);
    for (const list of await Promise.all(claiming.map((f) => this.durationFindings(f, state)))) found.push(...list);
    return finish(found);
  }

  /**
   * The durations a record claims for a window it says has ended, against the dates of the commits
   * that opened and closed it (the file's own history). Read only for such records, once per blob.
   */
  private durationFindings(f: AuditedFile, state: State): Promise<Finding[]> {
    const record = f.facts.record;
    if (record === null) return Promise.resolve([]);
    const claims = endedClaims(record);
    if (claims.length === 0) return Promise.resolve([]);
    const key = `${f.repo}\0${f.path}\0${f.blob}`;
    let found = this.durations.get(key);
    if (found === undefined) {
      const repo = this.repos.find((r) => r.name === f.repo) as AuditRepo;
      found = repo.history(state.get(repo) as string, f.path).then((history) => {
        const versions = history.map((v) => ({ commit: v.commit, record: v.text === null ? null : parseRecord(f.path, v.text.split(/\r?\n/)) }));
        return claims.flatMap((claim) => {
          const span = windowSpan(versions.map((v) => ({ commit: v.commit, said: v.record === null ? null : subjectStatus(v.record, claim.phase) })));
          const finding = span === null ? null : durationFinding(f, claim, span);
          return finding === null ? [] : [finding];
        });
      });
      this.durations.set(key, found);
    }
    return found;
  }

  /** The `--mirror` pairs among these files; `strict`: a side that names no file is bad input. */
  explicitMirrors(files: readonly AuditedFile[], strict: boolean): [AuditedFile, AuditedFile][] {
    const pairs: [AuditedFile, AuditedFile][] = [];
    for (const [a, b] of this.mirrorSpecs) {
      const left = this.findFile(files, a, strict);
      const right = this.findFile(files, b, strict);
      if (left && right) pairs.push([left, right]);
    }
    return pairs;
  }

  private findFile(files: readonly AuditedFile[], spec: string, strict: boolean): AuditedFile | null {
    const colon = spec.indexOf(':');
    const repo = colon > 0 && this.repos.some((r) => r.name === spec.slice(0, colon)) ? spec.slice(0, colon) : null;
    const path = (repo === null ? spec : spec.slice(colon + 1)).replace(/^\.\//, '');
    const matches = files.filter((f) => f.path === path && (repo === null || f.repo === repo) && f.facts.record !== null);
    if (matches.length === 1) return matches[0] as AuditedFile;
    if (!strict) return null;
    throw invalidInput({
      source: '--mirror',
      field: '',
      expected: 'a record tracked in one of the repositories (markdown, or JSON/YAML with a title, blockers or phase statuses), as PATH or REPO:PATH',
      found: matches.length === 0 ? `"${spec}", which names no markdown file (or JSON/YAML record) at the audited revision` : `"${spec}", which is in ${matches.map((m) => m.repo).join(' and ')}: name one as REPO:PATH`,
    });
  }

  private answers(): Answers {
    return { objects: this.objects, suggestions: this.suggestions, shorts: this.shorts, pairs: this.pairs, repoNames: this.repos.map((r) => r.name) };
  }

  /** Ask git about every claim not asked about yet. */
  private async answer(files: readonly AuditedFile[]): Promise<void> {
    const full = new Set<string>();
    const short = new Set<string>();
    const pairs = new Map<string, { tag: string; sha: string }>();
    for (const f of files) {
      for (const m of f.facts.fullShas) if (!this.objects.has(m.hex)) full.add(m.hex);
      for (const m of f.facts.shortShas) if (!this.shorts.has(m.hex)) short.add(m.hex);
      for (const p of f.facts.pairs) {
        if (this.pairs.has(pairKey(p.tag, p.sha))) continue;
        pairs.set(pairKey(p.tag, p.sha), p);
        if (p.sha.length === 40) {
          if (!this.objects.has(p.sha)) full.add(p.sha);
        } else if (!this.shorts.has(p.sha)) short.add(p.sha);
      }
    }
    await Promise.all([...full].map((sha) => this.answerFull(sha)));
    await Promise.all([...short].map((hex) => this.answerShort(hex)));
    await Promise.all([...pairs.values()].map(async (p) => this.pairs.set(pairKey(p.tag, p.sha), await this.answerPair(p.tag, p.sha))));
  }

  private async answerFull(sha: string): Promise<void> {
    const found = await Promise.all(this.repos.map((r) => r.resolve(sha)));
    const exists = found.some((r) => r.found);
    this.objects.set(sha, exists);
    if (!exists) this.suggestions.set(sha, await this.nearest(sha));
  }

  /** The commit sharing the longest prefix (7 or more) with an id that exists nowhere. */
  private async nearest(sha: string): Promise<CommitName | null> {
    let best: { repo: AuditRepo; sha: string; shared: number } | null = null;
    for (const repo of this.repos) {
      for (let n = 39; n >= 7 && (best === null || n > best.shared); n--) {
        const candidates = await repo.commitsStartingWith(sha.slice(0, n));
        if (candidates.length > 0) {
          best = { repo, sha: candidates[0] as string, shared: n };
          break;
        }
      }
    }
    if (best === null) return null;
    const summary = await best.repo.summary(best.sha);
    return { repo: best.repo.name, sha: best.sha, subject: summary?.subject ?? '' };
  }

  private async answerShort(hex: string): Promise<void> {
    const matches: CommitName[] = [];
    for (const repo of this.repos) {
      for (const sha of await repo.commitsStartingWith(hex)) {
        if (matches.some((m) => m.sha === sha)) continue;
        matches.push({ repo: repo.name, sha, subject: (await repo.summary(sha))?.subject ?? '' });
      }
    }
    this.shorts.set(hex, matches);
  }

  private async answerPair(tag: string, given: string): Promise<PairAnswer> {
    // An id that names no commit is reported as such (unknown-sha, short-sha), not twice.
    const sha = given.length === 40 ? (this.objects.get(given) ? given : null) : this.shorts.get(given)?.length === 1 ? (this.shorts.get(given)?.[0]?.sha ?? null) : null;
    if (sha === null) return { refuted: false };
    const withTag = (await Promise.all(this.repos.map(async (r) => ({ r, tag: (await r.tags()).find((t) => t.name === tag) })))).filter((x) => x.tag !== undefined);
    const holders = await Promise.all(this.repos.map(async (r) => ({ r, has: (await r.resolve(`${sha}^{commit}`)).found })));
    const shaRepo = holders.find((h) => h.has)?.r ?? null;

    if (withTag.length === 0) {
      if (shaRepo === null) return { refuted: false };
      const carried = (await shaRepo.tags()).filter((t) => t.commit === sha).map((t) => t.name);
      return {
        refuted: true,
        repo: shaRepo.name,
        problems: [`no tag ${tag} in ${this.repos.map((r) => r.name).join(', ')}`, ...(carried.length > 0 ? [`the SHA given is tagged ${carried.join(', ')}`] : [])],
      };
    }
    const chosen =
      withTag.find((x) => x.r === this.producer) ?? withTag.find((x) => x.r === shaRepo) ?? (withTag[0] as { r: AuditRepo; tag: { commit: string | null } });
    if (chosen.tag?.commit === sha) return { refuted: false };
    const check = await checkTarget(chosen.r.git, tag, sha);
    return check.ok ? { refuted: false } : { refuted: true, repo: chosen.r.name, problems: check.problems };
  }
}

/** Open every repository; bad input (exit 2) names the flag and what was found. */
async function openAll(request: AuditRequest): Promise<{ repos: AuditRepo[]; producer: AuditRepo | null }> {
  if (request.repos.length === 0) throw invalidInput({ source: '--repo', field: '', expected: 'at least one git repository', found: 'none' });
  const repos: AuditRepo[] = [];
  try {
    for (const spec of request.repos) repos.push(await AuditRepo.open(spec.path, spec.name));
  } catch (e) {
    for (const r of repos) r.close();
    throw e;
  }
  const names = repos.map((r) => r.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  const refuse = (field: string, expected: string, found: string) => {
    for (const r of repos) r.close();
    return invalidInput({ source: field, field: '', expected, found });
  };
  if (twice !== undefined) {
    const folders = repos.filter((r) => r.name === twice).map((r) => r.git.path);
    throw refuse('--repo', 'repositories with different names (findings are named by them): name one with --repo NAME=DIR', `${twice} twice (${folders.join(' and ')})`);
  }
  let producer: AuditRepo | null = null;
  if (request.producer !== undefined) {
    producer = repos.find((r) => r.name === request.producer) ?? null;
    if (producer === null) throw refuse('--producer', `the name of one of the repositories (${names.join(', ')})`, `"${request.producer}"`);
  }
  for (const m of request.mirrors) if (!/^[^=]+=[^=]+$/.test(m)) throw refuse('--mirror', 'A=B, two record paths (PATH or REPO:PATH)', `"${m}"`);
  return { repos, producer };
}

/** Merge the repositories' ranges into one timeline by commit date, keeping each one's own order. */
function timeline(ranges: readonly (readonly [AuditRepo, readonly CommitSummary[]])[]): { repo: AuditRepo; commit: CommitSummary }[] {
  const next = ranges.map(() => 0);
  const out: { repo: AuditRepo; commit: CommitSummary }[] = [];
  for (;;) {
    let pick = -1;
    ranges.forEach(([, commits], i) => {
      const c = commits[next[i] as number];
      if (c === undefined) return;
      const current = pick < 0 ? undefined : ranges[pick]?.[1][next[pick] as number];
      if (current === undefined || Date.parse(c.date) < Date.parse(current.date)) pick = i;
    });
    if (pick < 0) return out;
    const [repo, commits] = ranges[pick] as readonly [AuditRepo, readonly CommitSummary[]];
    out.push({ repo, commit: commits[next[pick] as number] as CommitSummary });
    next[pick] = (next[pick] as number) + 1;
  }
}

interface Tracked {
  finding: Finding;
  firstSeen: CommitRef | null;
  goneAt: CommitRef | null;
}

export async function audit(request: AuditRequest): Promise<AuditResult> {
  const { repos, producer } = await openAll(request);
  try {
    const mirrorSpecs = request.mirrors.map((m) => m.split('=') as [string, string]);
    const auditor = new Auditor(repos, producer, mirrorSpecs);
    await auditor.init();
    const revs = parseRevSpecs('--rev', request.rev, repos.map((r) => r.name));
    const end: State = new Map();
    for (const r of repos) end.set(r, await r.commitOf(revs.byRepo.get(r.name) ?? revs.all, '--rev'));
    const endFiles = await auditor.files(end);
    auditor.explicitMirrors(endFiles, true); // a --mirror that names no file is bad input, before any work

    const counts = (findings: readonly Finding[]) => Object.fromEntries(FINDING_KINDS.map((k) => [k, findings.filter((f) => f.kind === k).length]));
    const repoInfo = (r: AuditRepo, extra: { since?: string; commits?: number }) => ({
      name: r.name,
      path: r.git.path,
      rev: end.get(r) as string,
      ...extra,
      files: endFiles.filter((f) => f.repo === r.name).length,
    });

    const suggestion = request.suggest ? { suggestion: await suggestDefinition(repos, endFiles, request.producer) } : {};

    if (request.since === undefined) {
      const findings = await auditor.findings(endFiles, end);
      return { report: { version: AUDIT_REPORT_VERSION, repos: repos.map((r) => repoInfo(r, {})), counts: counts(findings), findings }, files: endFiles, ...suggestion };
    }

    const start: State = new Map();
    for (const r of repos) start.set(r, await r.commitOf(request.since, '--since'));
    const state: State = new Map(start);
    const ranges = await Promise.all(repos.map(async (r) => [r, await r.range(state.get(r) as string, end.get(r) as string)] as const));
    const tracked = new Map<string, Tracked>();
    const observe = (findings: readonly Finding[], at: CommitRef | null) => {
      const present = new Set<string>();
      for (const f of findings) {
        present.add(f.key);
        const t = tracked.get(f.key);
        if (t === undefined) tracked.set(f.key, { finding: f, firstSeen: at, goneAt: null });
        else {
          t.finding = f;
          t.goneAt = null;
        }
      }
      for (const [key, t] of tracked) if (!present.has(key) && t.goneAt === null && at !== null) t.goneAt = at;
      return present;
    };
    let present = observe(await auditor.findings(await auditor.files(state), state), null);
    for (const step of timeline(ranges)) {
      state.set(step.repo, step.commit.sha);
      const ref = { repo: step.repo.name, commit: step.commit.sha, date: step.commit.date, subject: step.commit.subject };
      present = observe(await auditor.findings(await auditor.files(state), state), ref);
    }
    const findings = finish(
      [...tracked.values()].map((t) => ({ ...t.finding, history: { firstSeen: t.firstSeen, present: present.has(t.finding.key), goneAt: present.has(t.finding.key) ? null : t.goneAt } })),
    );
    return {
      report: {
        version: AUDIT_REPORT_VERSION,
        repos: ranges.map(([r, commits]) => repoInfo(r, { since: start.get(r) as string, commits: commits.length })),
        counts: counts(findings.filter((f) => f.history?.present)),
        findings,
      },
      files: endFiles,
      ...suggestion,
    };
  } finally {
    for (const r of repos) r.close();
  }
}
