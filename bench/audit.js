#!/usr/bin/env node
// Benchmark for `cutover audit` (run by `npm run bench` before bench/run.js; or alone after
// `npm run build`: node bench/audit.js). Figures are measured and printed, never asserted.
//
// 1. Generates a producer and a consumer repository with `git fast-import`: 1,000 audited files
//    (500 each: markdown records that mirror one another, and JSON pins) and 500 commits after
//    each repository's first commit (250 each), every one changing two files.
// 2. Times `cutover audit` at HEAD (files/s) and `cutover audit --since` over the 500 commits
//    (the cost per commit beyond the HEAD audit), median of BENCH_AUDIT_RUNS (default 3).
// 3. Times `git grep` for hex ids over the same files at HEAD, and over every commit of the same
//    range, in the same run, as the baseline beside each figure.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'cutover.js');
const RUNS = Number(process.env.BENCH_AUDIT_RUNS ?? 3);
const FILES_PER_REPO = 500;
const COMMITS_PER_REPO = 250;
const RELEASES = 10;
const GIT_ENV = { PATH: process.env.PATH ?? '', GIT_CONFIG_NOSYSTEM: '1' };

const hex = (text, n = 40) => createHash('sha256').update(String(text)).digest('hex').slice(0, n);
const uuid = (i) => {
  const h = hex(`uuid${i}`, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const log = (text) => process.stderr.write(`  … ${text}\n`);

function git(dir, args, input) {
  return execFileSync('git', args, { cwd: dir, env: { ...GIT_ENV, HOME: dir }, input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).trim();
}

/** A fast-import stream: one commit per entry, each `{ files: {path: text}, message, tag? }`. */
function fastImport(dir, commits, { from = null, startTime }) {
  const out = [];
  const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  commits.forEach((c, i) => {
    const mark = i + 1;
    out.push(`commit refs/heads/main\nmark :${mark}\ncommitter Bench <bench@example.invalid> ${startTime + i * 3600} +0000\n${data(c.message)}`);
    if (i === 0 && from !== null) out.push(`from ${from}\n`);
    for (const [path, text] of Object.entries(c.files)) out.push(`M 100644 inline ${path}\n${data(text)}`);
    if (c.tag) out.push(`reset refs/tags/${c.tag}\nfrom :${mark}\n\n`);
  });
  git(dir, ['fast-import', '--quiet'], out.join(''));
}

function record(i, side, releases, version) {
  const r = releases[(i + version) % releases.length];
  // One record in 50 names a tag with the previous release's SHA: the audit has something to find.
  const sha = i % 50 === 7 ? releases[(i + version + releases.length - 1) % releases.length].sha : r.sha;
  const blockers = ['Immutable runtime release tag + SHA are not yet published.', 'Bilateral GO is not yet recorded.', 'Evidence bundle is not yet captured.', 'Rollback evidence is not yet logged.'];
  return `# Decision Record ${i}${side === 'producer' ? ' (Producer Mirror)' : ''}

Updated: 2026-02-${String(1 + (i % 27)).padStart(2, '0')}
Owner: MemoryKernel + AssistSupport (bilateral)

## Decision Scope
Mirror record for decision ${i}, revision ${version}. Request id ${uuid(i)}, colour #${hex(i, 6)}.

## Decision Outcome
1. Rehearsal continuation: **GO**
2. Runtime cutover execution: **${version % 2 === 0 ? 'NO-GO' : 'GO'}**

## Runtime Cutover Window
- Status: **Not approved**

## Runtime Target
- ${r.tag} at commit ${sha}
- The fix landed in commit ${r.sha.slice(0, 9)}.
- Artifact digest sha256:${hex(`artifact${i}`, 64)}

## Remaining Blockers Before Phase 8 Start
${blockers.slice(0, side === 'consumer' && i % 40 === 3 ? 3 : 4).map((b, k) => `${k + 1}. ${b}`).join('\n')}

## Phase Status Mapping
- Phase 7: **Closed** (decision recorded)
- Phase 8: **Not Started** (blocked by explicit NO-GO)
`;
}

function pin(i, releases, version) {
  const r = releases[(i + version) % releases.length];
  return JSON.stringify({ release_tag: r.tag, commit_sha: r.sha, manifest_sha256: hex(`m${i}${version}`, 64), request_id: uuid(i), colour: `#${hex(i, 6)}` }, null, 2) + '\n';
}

function fileAt(i, side, releases, version) {
  return i % 10 < 7 ? [`docs/records/DECISION_${i}.md`, record(i, side, releases, version)] : [`config/pins/pin_${i}.json`, pin(i, releases, version)];
}

function generate(work) {
  const producer = join(work, 'MemoryKernel');
  const consumer = join(work, 'AssistSupport');
  for (const dir of [producer, consumer]) git(work, ['init', '-q', '-b', 'main', dir]);
  const t0 = 1_767_225_600;

  // The producer's first commit, then its releases (tags v1.0.0…v1.9.0), so records can name real SHAs.
  fastImport(producer, [{ message: 'start', files: { VERSION: '0\n' } }, ...Array.from({ length: RELEASES }, (_, k) => ({ message: `release ${k}`, files: { VERSION: `${k}\n` }, tag: `v1.${k}.0` }))], { startTime: t0 });
  const releases = Array.from({ length: RELEASES }, (_, k) => ({ tag: `v1.${k}.0`, sha: git(producer, ['rev-parse', `v1.${k}.0^{commit}`]) }));
  fastImport(consumer, [{ message: 'start', files: { README: 'AssistSupport\n' } }], { startTime: t0 });

  const history = (side, count) => {
    const all = Object.fromEntries(Array.from({ length: FILES_PER_REPO }, (_, i) => fileAt(i, side, releases, 0)));
    const commits = [{ message: `${side}: records`, files: all }];
    for (let n = 1; n < count; n++) {
      const files = Object.fromEntries([(n * 7) % FILES_PER_REPO, (n * 13 + 1) % FILES_PER_REPO].map((i) => fileAt(i, side, releases, n)));
      commits.push({ message: `${side}: update ${n}`, files });
    }
    return commits;
  };
  fastImport(producer, history('producer', COMMITS_PER_REPO - RELEASES), { from: 'refs/heads/main^0', startTime: t0 + 100 * 3600 });
  fastImport(consumer, history('consumer', COMMITS_PER_REPO), { from: 'refs/heads/main^0', startTime: t0 + 100 * 3600 });
  for (const dir of [producer, consumer]) {
    git(dir, ['branch', 'bench-start', git(dir, ['rev-list', '--max-parents=0', 'HEAD'])]);
    git(dir, ['gc', '-q']);
  }
  return { producer, consumer };
}

/** Wall time of a command, in ms; exit codes in `ok` are expected (audit exits 1 when it finds something). */
function timed(cmd, args, { cwd = ROOT, ok = [0] } = {}) {
  const start = performance.now();
  const r = spawnSync(cmd, args, { cwd, env: { ...GIT_ENV, HOME: cwd }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (!ok.includes(r.status)) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return { ms, stdout: r.stdout.toString('utf8') };
}

const HEX = '[0-9a-f]{7,40}';
const PATHS = ['--', '*.md', '*.json', '*.yaml', '*.yml'];

function main() {
  const work = mkdtempSync(join(tmpdir(), 'cutover-bench-audit-'));
  try {
    log(`generating 2 repositories: ${2 * FILES_PER_REPO} files, ${2 * COMMITS_PER_REPO} commits`);
    const gen = performance.now();
    const { producer, consumer } = generate(work);
    const genMs = performance.now() - gen;
    const repos = ['--repo', producer, '--repo', consumer, '--producer', 'MemoryKernel'];
    const range = [producer, consumer].map((dir) => git(dir, ['rev-list', 'bench-start..HEAD']).split('\n'));
    const commits = range[0].length + range[1].length;

    const head = [], since = [], grepHead = [], grepRange = [];
    let report = null;
    for (let run = 0; run < RUNS; run++) {
      log(`run ${run + 1} of ${RUNS}`);
      const h = timed(process.execPath, [CLI, 'audit', ...repos, '--json'], { ok: [0, 1] });
      head.push(h.ms);
      report = JSON.parse(h.stdout);
      since.push(timed(process.execPath, [CLI, 'audit', ...repos, '--since', 'bench-start', '--json'], { ok: [0, 1] }).ms);
      grepHead.push([producer, consumer].reduce((ms, dir) => ms + timed('git', ['grep', '-c', '-E', HEX, 'HEAD', ...PATHS], { cwd: dir }).ms, 0));
      grepRange.push([producer, consumer].reduce((ms, dir, k) => ms + timed('git', ['grep', '-c', '-E', HEX, ...range[k], ...PATHS], { cwd: dir }).ms, 0));
    }
    const files = report.repos.reduce((n, r) => n + r.files, 0);
    const [headMs, sinceMs, grepHeadMs, grepRangeMs] = [head, since, grepHead, grepRange].map(median);
    const perCommit = (sinceMs - headMs) / commits;
    const grepPerCommit = grepRangeMs / commits;
    const rows = [
      ['generate (git fast-import)', `${(genMs / 1000).toFixed(1)} s`, `${files} audited files, ${commits} commits after bench-start`],
      ['audit at HEAD', `${headMs.toFixed(0)} ms`, `${Math.round(files / (headMs / 1000))} files/s (CLI start-up included), ${report.findings.length} findings`],
      ['git grep at HEAD, same files', `${grepHeadMs.toFixed(0)} ms`, `${Math.round(files / (grepHeadMs / 1000))} files/s; audit / git grep = ${(headMs / grepHeadMs).toFixed(1)}×`],
      [`audit --since, ${commits} commits`, `${(sinceMs / 1000).toFixed(2)} s`, `${perCommit.toFixed(2)} ms a commit beyond the HEAD audit`],
      [`git grep over the ${commits} commits`, `${(grepRangeMs / 1000).toFixed(2)} s`, `${grepPerCommit.toFixed(2)} ms a commit; audit / git grep = ${(perCommit / grepPerCommit).toFixed(2)}×`],
    ];
    const w0 = Math.max(...rows.map((r) => r[0].length)) + 2;
    const w1 = Math.max(...rows.map((r) => r[1].length));
    console.log(`cutover audit bench (node ${process.version}; medians of ${RUNS} runs)`);
    for (const [name, figure, note] of rows) console.log(`${name.padEnd(w0)}${figure.padStart(w1)}   ${note}`);
    console.log(
      JSON.stringify({
        bench: 'cutover-audit',
        files,
        commits,
        findings: report.findings.length,
        auditHeadMs: Math.round(headMs),
        auditFilesPerSecond: Math.round(files / (headMs / 1000)),
        gitGrepHeadMs: Math.round(grepHeadMs),
        auditSinceMs: Math.round(sinceMs),
        auditSinceMsPerCommit: Number(perCommit.toFixed(3)),
        gitGrepRangeMsPerCommit: Number(grepPerCommit.toFixed(3)),
        runsMs: { head: head.map(Math.round), since: since.map(Math.round), grepHead: grepHead.map(Math.round), grepRange: grepRange.map(Math.round) },
      }),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
