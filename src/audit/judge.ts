/**
 * From claims to findings. Pure: what git said about each claim comes in as `Answers` (looked up
 * beforehand, in `audit.ts`), so the same file with the same answers always gives the same findings.
 */
import { formatHours, formatSpan } from './durations.js';
import { normalStatus, statusWord, type PhaseClaim, type RecordFacts, type TimeClaim } from './record.js';
import type { CommitSummary } from './repo.js';
import { FINDING_KINDS, type DiffRow, type Finding, type FindingLocation } from './report.js';
import type { FileFacts } from './scan.js';
import { matchItems, wordDiff } from './similar.js';

export interface CommitName {
  readonly repo: string;
  readonly sha: string;
  readonly subject: string;
}

/** What the repositories say about a tag/SHA pair: nothing to report, or the sentences that refute it. */
export type PairAnswer = { readonly refuted: false } | { readonly refuted: true; readonly repo: string; readonly problems: readonly string[] };

export interface Answers {
  /** 40-hex → is it an object in any of the repositories. */
  readonly objects: ReadonlyMap<string, boolean>;
  /** 40-hex that is no object → the commit sharing its longest prefix (7 or more), if any. */
  readonly suggestions: ReadonlyMap<string, CommitName | null>;
  /** short hex → the distinct commits it matches, across the repositories. */
  readonly shorts: ReadonlyMap<string, readonly CommitName[]>;
  /** pairKey(tag, sha) → the verdict. */
  readonly pairs: ReadonlyMap<string, PairAnswer>;
  /** The repository names, for messages. */
  readonly repoNames: readonly string[];
}

export const pairKey = (tag: string, sha: string) => `${tag}\0${sha}`;

export interface AuditedFile {
  readonly repo: string;
  readonly path: string;
  /** The blob id of the file's bytes: a file's own findings are cached by it. */
  readonly blob: string;
  readonly facts: FileFacts;
}

const at = (f: AuditedFile, line: number): FindingLocation => ({ repo: f.repo, file: f.path, line });
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Findings about one file alone: pairs, ids, paths. */
export function fileFindings(f: AuditedFile, answers: Answers): Finding[] {
  const findings: Finding[] = [];
  const base = (line: number) => ({ location: at(f, line), related: [] });
  const where = answers.repoNames.join(', ');

  for (const p of f.facts.pairs) {
    const answer = answers.pairs.get(pairKey(p.tag, p.sha));
    if (answer === undefined || !answer.refuted) continue;
    findings.push({
      kind: 'tag-sha-pair',
      ...base(p.line),
      message: `${p.tag} and ${p.sha} are not a real pair in ${answer.repo}`,
      evidence: [...answer.problems],
      key: `tag-sha-pair:${f.repo}:${f.path}:${p.tag}@${p.sha}`,
    });
  }
  for (const m of f.facts.fullShas) {
    if (answers.objects.get(m.hex) !== false) continue;
    const near = answers.suggestions.get(m.hex) ?? null;
    findings.push({
      kind: 'unknown-sha',
      ...base(m.line),
      message: `${m.hex} is no object in ${where}`,
      evidence: near === null ? ['no commit shares its first 7 characters'] : [`did you mean ${near.sha} (${near.subject})${answers.repoNames.length > 1 ? ` in ${near.repo}` : ''}?`],
      key: `unknown-sha:${f.repo}:${f.path}:${m.hex}`,
    });
  }
  for (const m of f.facts.shortShas) {
    const matches = answers.shorts.get(m.hex) ?? [];
    if (matches.length === 1) continue;
    findings.push({
      kind: 'short-sha',
      ...base(m.line),
      message: matches.length === 0 ? `short SHA ${m.hex} matches no commit in ${where}` : `short SHA ${m.hex} is ambiguous: it matches ${matches.length} commits`,
      evidence: matches.map((c) => `${c.sha} (${c.subject})${answers.repoNames.length > 1 ? ` in ${c.repo}` : ''}`),
      key: `short-sha:${f.repo}:${f.path}:${m.hex}`,
    });
  }
  if (f.facts.paths.length > 0) {
    const first = f.facts.paths[0];
    findings.push({
      kind: 'absolute-path',
      ...base(first?.line ?? 1),
      message: `${plural(f.facts.paths.length, 'absolute machine path')} in a shared record`,
      evidence: f.facts.paths.map((p) => `line ${p.line}: ${p.path}`),
      key: `absolute-path:${f.repo}:${f.path}`,
    });
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------
// Mirrors

export interface MirrorPair {
  readonly left: AuditedFile & { readonly facts: FileFacts & { readonly record: RecordFacts } };
  readonly right: AuditedFile & { readonly facts: FileFacts & { readonly record: RecordFacts } };
}

type Recorded = MirrorPair['left'];

/** A title with what distinguishes the two sides removed: "(Producer Mirror)", dates, case. */
export function mirrorTitle(title: string): string {
  return title
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\bmirror\b/gi, ' ')
    .replace(/\d{4}-\d{2}-\d{2}/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

const fileName = (path: string) => path.slice(path.lastIndexOf('/') + 1).replace(/_?(producer|consumer|mirror)/gi, '').toLowerCase();

/**
 * Records that say they mirror another ("Mirror" in the title, "mirror record" in the text), each
 * paired with the record of the same title elsewhere (another repository first, then the same file
 * name, then the same date), plus the pairs given explicitly.
 */
export function findMirrorPairs(files: readonly AuditedFile[], explicit: readonly (readonly [AuditedFile, AuditedFile])[]): MirrorPair[] {
  const records = files.filter((f): f is Recorded => f.facts.record !== null && f.facts.record.title !== null);
  const pairs: MirrorPair[] = [];
  const seen = new Set<string>();
  const add = (a: AuditedFile, b: AuditedFile) => {
    const id = [`${a.repo}:${a.path}`, `${b.repo}:${b.path}`].sort().join('\0');
    if (seen.has(id) || a.facts.record === null || b.facts.record === null) return;
    seen.add(id);
    // The record that says it is the mirror goes on the left.
    const [left, right] = !a.facts.record.mirror && b.facts.record.mirror ? [b, a] : [a, b];
    pairs.push({ left: left as Recorded, right: right as Recorded });
  };
  for (const [a, b] of explicit) add(a, b);
  const byTitle = new Map<string, Recorded[]>();
  for (const r of records) {
    const title = mirrorTitle(r.facts.record.title ?? '');
    const group = byTitle.get(title);
    if (group === undefined) byTitle.set(title, [r]);
    else group.push(r);
  }
  for (const m of records) {
    if (!m.facts.record.mirror) continue;
    const candidates = (byTitle.get(mirrorTitle(m.facts.record.title ?? '')) ?? []).filter((r) => r !== m);
    const score = (r: Recorded) =>
      (r.repo !== m.repo ? 4 : 0) + (fileName(r.path) === fileName(m.path) ? 2 : 0) + (r.facts.record.date === m.facts.record.date ? 1 : 0);
    const best = candidates.sort((x, y) => score(y) - score(x))[0];
    if (best !== undefined) add(m, best);
  }
  return pairs;
}

interface PartDiff {
  readonly part: string;
  readonly rows: DiffRow[];
  readonly leftLine: number;
  readonly rightLine: number;
  readonly summary: string;
}

function firstLine(...candidates: (number | undefined)[]): number {
  return candidates.find((n): n is number => n !== undefined) ?? 1;
}

function compareOutcomes(l: RecordFacts, r: RecordFacts): PartDiff | null {
  const labels = [...new Set([...l.outcomes.keys(), ...r.outcomes.keys()])];
  const differing = labels.filter((k) => l.outcomes.get(k)?.value !== r.outcomes.get(k)?.value);
  if (differing.length === 0) return null;
  const k = differing[0] as string;
  return {
    part: 'decision outcomes',
    rows: differing.map((d) => ({ item: l.outcomes.get(d)?.label ?? r.outcomes.get(d)?.label ?? d, left: l.outcomes.get(d)?.value ?? null, right: r.outcomes.get(d)?.value ?? null })),
    leftLine: firstLine(l.outcomes.get(k)?.line, l.sections.outcomes),
    rightLine: firstLine(r.outcomes.get(k)?.line, r.sections.outcomes),
    summary: `${plural(differing.length, 'decision outcome')} differ`,
  };
}

/** Blockers as sets: the same text on both sides agrees; the same blocker in other words is a reworded row with its word diff. */
function compareBlockers(l: RecordFacts, r: RecordFacts): PartDiff | null {
  const { reworded, onlyLeft, onlyRight } = matchItems(l.blockers, r.blockers, (b) => b.value);
  if (onlyLeft.length === 0 && onlyRight.length === 0 && reworded.length === 0) return null;
  return {
    part: 'blockers',
    rows: [
      ...reworded.map(([a, b]) => ({ item: 'blocker', left: a.value, right: b.value, words: wordDiff(a.value, b.value) })),
      ...onlyLeft.map((b) => ({ item: 'blocker', left: b.value, right: null })),
      ...onlyRight.map((b) => ({ item: 'blocker', left: null, right: b.value })),
    ],
    leftLine: firstLine(onlyLeft[0]?.line, reworded[0]?.[0].line, l.sections.blockers),
    rightLine: firstLine(onlyRight[0]?.line, reworded[0]?.[1].line, r.sections.blockers),
    summary: `${plural(l.blockers.length, 'blocker')} against ${r.blockers.length}; ${onlyLeft.length} only on the left, ${onlyRight.length} only on the right${reworded.length > 0 ? `, ${reworded.length} in other words` : ''}`,
  };
}

function comparePhases(l: RecordFacts, r: RecordFacts): PartDiff | null {
  const first = (claims: readonly PhaseClaim[]) => {
    const map = new Map<string, PhaseClaim>();
    for (const c of claims) if (!map.has(c.phase)) map.set(c.phase, c);
    return map;
  };
  const lp = first(l.phases);
  const rp = first(r.phases);
  if (lp.size === 0 || rp.size === 0) return null; // one side keeps no phase table: nothing to compare
  const phases = [...new Set([...lp.keys(), ...rp.keys()])].sort((a, b) => parseInt(a) - parseInt(b));
  const differing = phases.filter((p) => lp.get(p)?.status !== rp.get(p)?.status);
  if (differing.length === 0) return null;
  const p = differing[0] as string;
  return {
    part: 'phase statuses',
    rows: differing.map((d) => ({ item: `Phase ${d}`, left: lp.get(d)?.word ?? null, right: rp.get(d)?.word ?? null })),
    leftLine: firstLine(lp.get(p)?.line, l.sections.phases),
    rightLine: firstLine(rp.get(p)?.line, r.sections.phases),
    summary: `${differing.length} phase status${differing.length === 1 ? '' : 'es'} differ`,
  };
}

function compareWindow(l: RecordFacts, r: RecordFacts): PartDiff | null {
  if (l.window === null && r.window === null) return null;
  if (l.window?.value.toLowerCase() === r.window?.value.toLowerCase()) return null;
  return {
    part: 'window',
    rows: [{ item: 'window status', left: l.window?.value ?? null, right: r.window?.value ?? null }],
    leftLine: firstLine(l.window?.line, l.sections.window),
    rightLine: firstLine(r.window?.line, r.sections.window),
    summary: 'the window status differs',
  };
}

export function mirrorFindings(pair: MirrorPair): Finding[] {
  const l = pair.left.facts.record;
  const r = pair.right.facts.record;
  const parts = [compareOutcomes(l, r), compareBlockers(l, r), comparePhases(l, r), compareWindow(l, r)].filter((d): d is PartDiff => d !== null);
  const other = `${pair.right.repo}:${pair.right.path}`;
  return parts.map((d) => ({
    kind: 'mirror-disagreement',
    location: at(pair.left, d.leftLine),
    related: [at(pair.right, d.rightLine)],
    message: `${d.part} disagree with its mirror ${other}: ${d.summary}`,
    evidence: d.rows.map((row) => `${row.item}: ${row.left ?? '(not listed)'} | ${row.right ?? '(not listed)'}${row.words === undefined ? '' : ` (reworded: ${row.words})`}`),
    diff: d.rows,
    key: `mirror-disagreement:${pair.left.repo}:${pair.left.path}:${pair.right.repo}:${pair.right.path}:${d.part}`,
  }));
}

// ---------------------------------------------------------------------------------------------
// Phase statuses within one repository

const RANK: Record<string, number> = { 'not-started': 0, active: 1, closed: 2, complete: 2 };
/** An undated file speaks for now: later than any dated one. */
const dateOf = (f: AuditedFile) => f.facts.date ?? '9999-99-99';

interface Claim {
  readonly f: AuditedFile;
  readonly c: PhaseClaim;
  readonly rank: number;
  readonly date: string;
}

/**
 * One phase given two statuses in one repository: a claim is stale when another file of the same
 * date or earlier gives the phase a later status ("Active" on or after the day a closure record
 * says "Complete"). An undated file speaks for now. Each stale claim is reported once, against the
 * latest file that contradicts it.
 */
export function contradictionFindings(files: readonly AuditedFile[]): Finding[] {
  const groups = new Map<string, Claim[]>();
  for (const f of files)
    for (const c of f.facts.phases) {
      const rank = RANK[c.status];
      if (rank === undefined) continue;
      const key = `${f.repo}\0${c.phase}`;
      const group = groups.get(key) ?? [];
      group.push({ f, c, rank, date: dateOf(f) });
      groups.set(key, group);
    }
  const findings: Finding[] = [];
  for (const group of groups.values()) {
    group.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
    // By rank, the latest claims so far from two different files (one of them is not t's own file).
    const latest: Claim[][] = [[], [], []];
    for (let i = 0; i < group.length; ) {
      let j = i;
      while (j < group.length && (group[j] as Claim).date === (group[i] as Claim).date) j++;
      const day = group.slice(i, j);
      for (const claim of day) {
        const list = latest[claim.rank] as Claim[];
        latest[claim.rank] = [claim, ...list.filter((x) => x.f !== claim.f)].slice(0, 2);
      }
      for (const t of day) {
        const against = latest
          .slice(t.rank + 1)
          .flatMap((list) => list.filter((x) => x.f !== t.f).slice(0, 1))
          .sort((x, y) => (x.date > y.date ? -1 : x.date < y.date ? 1 : y.rank - x.rank))[0];
        if (against !== undefined) findings.push(contradiction(t, against));
      }
      i = j;
    }
  }
  return findings;
}

function contradiction(t: Claim, s: Claim): Finding {
  const dated = (f: AuditedFile) => (f.facts.date === null ? 'undated, so current' : `dated ${f.facts.date}`);
  return {
    kind: 'status-contradiction',
    location: at(t.f, t.c.line),
    related: [at(s.f, s.c.line)],
    message: `Phase ${t.c.phase} is "${t.c.word}" here (${dated(t.f)}), but "${s.c.word}" in ${s.f.path} (${dated(s.f)})`,
    evidence: [`${t.f.path}:${t.c.line}: Phase ${t.c.phase}: ${t.c.word}`, `${s.f.path}:${s.c.line}: Phase ${s.c.phase}: ${s.c.word}`],
    key: `status-contradiction:${t.f.repo}:${t.f.path}:phase-${t.c.phase}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Claimed durations against the dates of the commits that opened and closed the window

const ENDED = new Set(['closed', 'complete']);

/** What a record says of a phase (its first status line) or of its window ("Open" counts as active). */
export function subjectStatus(record: RecordFacts, phase: string | null): { word: string; status: string } | null {
  if (phase !== null) {
    const c = record.phases.find((p) => p.phase === phase);
    return c === undefined ? null : { word: c.word, status: c.status };
  }
  const value = record.window?.value ?? '';
  const word = statusWord(value) ?? /^[^A-Za-z]*(open(?:ed)?)\b/i.exec(value)?.[1] ?? null;
  return word === null ? null : { word, status: /^open/i.test(word) ? 'active' : normalStatus(word) };
}

/** The durations a record claims for a phase or window it now says has ended: the ones the dates can check. */
export function endedClaims(record: RecordFacts): TimeClaim[] {
  return record.durations.filter((c) => ENDED.has(subjectStatus(record, c.phase)?.status ?? ''));
}

/** One version of a record in its history: the commit and what it said of the subject then (null: nothing). */
export interface SubjectVersion {
  readonly commit: CommitSummary;
  readonly said: { readonly word: string; readonly status: string } | null;
}

export interface WindowSpan {
  readonly opened: SubjectVersion;
  readonly closed: SubjectVersion;
  readonly ms: number;
}

/**
 * When the window the record now calls ended was opened and closed: the commit that began the
 * last run of "ended" versions, and the one that began the run of "active" versions just before it.
 * Null when the history shows no such change (the record was written after the fact).
 */
export function windowSpan(versions: readonly SubjectVersion[]): WindowSpan | null {
  let i = versions.length - 1;
  if (i < 0 || !ENDED.has(versions[i]?.said?.status ?? '')) return null;
  while (i > 0 && ENDED.has(versions[i - 1]?.said?.status ?? '')) i--;
  let j = i - 1;
  if (j < 0 || versions[j]?.said?.status !== 'active') return null;
  while (j > 0 && versions[j - 1]?.said?.status === 'active') j--;
  const opened = versions[j] as SubjectVersion;
  const closed = versions[i] as SubjectVersion;
  return { opened, closed, ms: Date.parse(closed.commit.authored) - Date.parse(opened.commit.authored) };
}

/** A duration claimed for a window that the dates of its opening and closing commits contradict (under half of it). */
export function durationFinding(f: AuditedFile, claim: TimeClaim, span: WindowSpan): Finding | null {
  if (span.ms >= (claim.hours * 3_600_000) / 2) return null;
  const subject = claim.phase === null ? 'the window' : `Phase ${claim.phase}`;
  const ref = (v: SubjectVersion, what: string) => `${what} ${v.commit.sha} ${v.commit.authored} "${v.commit.subject}" (${subject}: ${v.said?.word ?? ''})`;
  return {
    kind: 'duration-claim',
    location: at(f, claim.line),
    related: [],
    message: `"${claim.phrase}" (${formatHours(claim.hours)}) is claimed for ${subject}, but it was open ${formatSpan(span.ms)}: from ${span.opened.commit.sha.slice(0, 10)} to ${span.closed.commit.sha.slice(0, 10)}`,
    evidence: [ref(span.opened, 'opened in'), ref(span.closed, 'closed in'), `real span: ${formatSpan(span.ms)}, under half of ${formatHours(claim.hours)}`],
    key: `duration-claim:${f.repo}:${f.path}:${claim.phase === null ? 'window' : `phase-${claim.phase}`}:${claim.phrase.toLowerCase()}`,
  };
}

/** Make keys unique (the same id twice in a file is two findings) and sort for stable output. */
export function finish(findings: Finding[]): Finding[] {
  const sorted = [...findings].sort(
    (a, b) =>
      FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind) ||
      a.location.repo.localeCompare(b.location.repo) ||
      a.location.file.localeCompare(b.location.file) ||
      a.location.line - b.location.line,
  );
  const count = new Map<string, number>();
  return sorted.map((f) => {
    const n = (count.get(f.key) ?? 0) + 1;
    count.set(f.key, n);
    return n === 1 ? f : { ...f, key: `${f.key}#${n}` };
  });
}
