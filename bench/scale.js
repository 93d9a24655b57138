#!/usr/bin/env node
// Ledgers of any length: what each command costs as the ledger grows, and its peak memory.
//
//   node bench/scale.js                         # 1k, 10k, 100k, 1M events (npm run bench runs it)
//   BENCH_SIZES=1000,10000000 node bench/scale.js   # any sizes; 10M is about 9 GB on disk, deleted after
//   BENCH_COMMANDS=verify,verify1 node bench/scale.js  # only some columns (coldStatus, warmStatus, append, verify, verify1, tail)
//   BENCH_COMMANDS=verify,verifyOpenssl,verify1,verify1Openssl node bench/scale.js  # also verify with OpenSSL's check alone (CUTOVER_ED25519=openssl)
//   BENCH_SCALE_RUNS=3 node bench/scale.js        # rounds per size (default 3, and 1 from 1M events)
//
// For each size: status without a checkpoint (an empty cache) and with one, one append, verify on
// all threads and on one, and `log --json | tail -1`; each with its peak RSS (measured inside the
// process by a preloaded hook), the growth per 10× beside it, and ratios to `node -e 0` and to
// openssl measured in the same run: verify on every thread against `openssl speed -multi <cores>
// ed25519`, verify --threads 1 against `openssl speed ed25519` on one core, each sampled right after
// the run it is compared with (medians of interleaved samples), printed side by side with the load
// average; and the two checks `verify` can make, each alone in a tight loop, against the same
// openssl samples (bench/node-verify.js): Node's crypto.verify (OpenSSL) and libsodium's, which
// `verify` uses first (src/ledger/strict-ed25519.ts). Figures are printed, never asserted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generate } from './generate.js';
import { libsodiumVerifySample, nodeVerifySample } from './node-verify.js';
import { opensslVerifySample } from './openssl.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'cutover.js');
const EXAMPLE = join(ROOT, 'examples', 'memorykernel-service-v3');
const KEY = join(EXAMPLE, 'demo-keys', 'integration-program-owner.pem');
const PEAK_HOOK = pathToFileURL(join(ROOT, 'bench', 'peak-rss.mjs')).href;
const CORES = availableParallelism();
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000,1000000').split(',').map(Number);
const DEFAULT_COMMANDS = ['coldStatus', 'warmStatus', 'append', 'verify', 'verify1', 'tail'];
const COMMANDS = new Set(process.env.BENCH_COMMANDS?.split(',') ?? DEFAULT_COMMANDS);
/** The same `verify` with OpenSSL's check alone: what it was before libsodium, for comparison. */
const OPENSSL_ALONE = { CUTOVER_ED25519: 'openssl' };
const log = (text) => process.stderr.write(`  … ${text}\n`);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Run `command` in bash with the peak-RSS hook preloaded into every node it starts: wall ms and peak MiB. */
function measure(command, env = {}) {
  const rssFile = join(tmpdir(), `cutover-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const start = performance.now();
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', command], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env, NODE_OPTIONS: `--import=${PEAK_HOOK}`, CUTOVER_PEAK_RSS_FILE: rssFile },
  });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${command}: exit ${r.status ?? r.signal}\n${r.stderr}`);
  let mib = null;
  try {
    mib = Math.max(...readFileSync(rssFile, 'utf8').trim().split('\n').map(Number)) / 1024;
    rmSync(rssFile);
  } catch {
    // the command ran no node process
  }
  return { ms, mib };
}

const q = (s) => `'${s.replace(/'/g, "'\\''")}'`;

async function main() {
  const node = [];
  for (let i = 0; i < 9; i++) node.push(measure(`${q(process.execPath)} -e 0`).ms);
  const nodeMs = median(node);
  const rows = [];
  let appendAt = Date.parse('2026-10-01T00:00:00Z'); // after the last event of a 10M ledger, before now
  const openssl = [];
  const openssl1 = [];
  for (const size of SIZES) {
    const dir = mkdtempSync(join(tmpdir(), `cutover-scale-${size}-`));
    const cache = mkdtempSync(join(tmpdir(), 'cutover-scale-cache-'));
    try {
      log(`${size} events: generating`);
      const gen = await generate(dir, size);
      const bytes = statSync(join(dir, '.cutover', 'ledger.jsonl')).size;
      const runs = Number(process.env.BENCH_SCALE_RUNS ?? (size >= 1_000_000 ? 1 : 3));
      const cli = (args) => `${q(process.execPath)} ${q(CLI)} -C ${q(dir)} ${args}`;
      const figures = { coldStatus: [], warmStatus: [], append: [], verify: [], verifyOpenssl: [], verify1: [], verify1Openssl: [], tail: [] };
      const osslRuns = [];
      const osslRuns1 = [];
      const nodeRuns = [];
      const nodeRuns1 = [];
      const sodiumRuns = [];
      const sodiumRuns1 = [];
      const sample = () => {
        osslRuns.push(opensslVerifySample(CORES));
        nodeRuns.push(nodeVerifySample(CORES));
        sodiumRuns.push(libsodiumVerifySample(CORES));
      };
      const sample1 = () => {
        osslRuns1.push(opensslVerifySample(1));
        nodeRuns1.push(nodeVerifySample(1));
        sodiumRuns1.push(libsodiumVerifySample(1));
      };
      const loads = [load()];
      for (let run = 0; run < runs; run++) {
        log(`${size} events: round ${run + 1} of ${runs} (load average ${load()})`);
        const empty = mkdtempSync(join(tmpdir(), 'cutover-scale-nocache-'));
        if (COMMANDS.has('coldStatus')) figures.coldStatus.push(measure(cli('status'), { CUTOVER_CACHE: empty }));
        rmSync(empty, { recursive: true, force: true });
        if (COMMANDS.has('warmStatus') || COMMANDS.has('append')) measure(cli('status'), { CUTOVER_CACHE: cache }); // makes the checkpoint
        if (COMMANDS.has('warmStatus')) figures.warmStatus.push(measure(cli('status'), { CUTOVER_CACHE: cache }));
        appendAt += 60_000;
        const at = new Date(appendAt).toISOString();
        if (COMMANDS.has('append')) {
          figures.append.push(
            measure(cli(`blocker raise --id BENCH-${size}-${run} --text 'bench append' --owner integration-program-owner --due 2026-12-31 --as integration-program-owner --key ${q(KEY)} --at ${at}`), { CUTOVER_CACHE: cache }),
          );
        }
        if (COMMANDS.has('verify')) {
          figures.verify.push(measure(cli('verify'), { CUTOVER_CACHE: cache }));
          sample(); // interleaved: the limit as the machine was for this verify
        }
        if (COMMANDS.has('verifyOpenssl')) figures.verifyOpenssl.push(measure(cli('verify'), { CUTOVER_CACHE: cache, ...OPENSSL_ALONE }));
        if (COMMANDS.has('verify1')) {
          figures.verify1.push(measure(cli('verify --threads 1'), { CUTOVER_CACHE: cache }));
          sample1(); // and one core, right after verify on one thread
        }
        if (COMMANDS.has('verify1Openssl')) figures.verify1Openssl.push(measure(cli('verify --threads 1'), { CUTOVER_CACHE: cache, ...OPENSSL_ALONE }));
        if (COMMANDS.has('tail')) figures.tail.push(measure(`${cli('log --json')} | tail -1`, { CUTOVER_CACHE: cache }));
      }
      // At least three samples for a size, however few its runs: one sample moves by a few per cent.
      while (osslRuns.length < 3) sample();
      while (osslRuns1.length < 3) sample1();
      const medianOf = (xs) => (xs.every((x) => x === null) ? null : median(xs.filter((x) => x !== null)));
      loads.push(load());
      const rates = osslRuns.filter((x) => x !== null);
      const rates1 = osslRuns1.filter((x) => x !== null);
      const ossl = rates.length === 0 ? null : { perSecond: median(rates), runs: rates };
      const ossl1 = rates1.length === 0 ? null : { perSecond: median(rates1), runs: rates1 };
      if (ossl !== null) openssl.push(...ossl.runs);
      if (ossl1 !== null) openssl1.push(...ossl1.runs);
      const pick = (xs) => (xs.length === 0 ? null : { ms: median(xs.map((x) => x.ms)), mib: Math.max(...xs.map((x) => x.mib ?? 0)) });
      rows.push({ size, bytes, generateMs: gen.ms, ...Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, pick(v)])), opensslPerSecond: ossl?.perSecond ?? null, openssl1PerSecond: ossl1?.perSecond ?? null, nodeVerifyPerSecond: medianOf(nodeRuns), nodeVerify1PerSecond: medianOf(nodeRuns1), libsodiumVerifyPerSecond: medianOf(sodiumRuns), libsodiumVerify1PerSecond: medianOf(sodiumRuns1), loads, runs });
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
    }
  }
  report(rows, nodeMs, openssl.length === 0 ? null : median(openssl), openssl1.length === 0 ? null : median(openssl1));
}

function report(rows, nodeMs, opensslPerSecond, openssl1PerSecond) {
  const cpu = cpus()[0]?.model?.trim() ?? 'unknown cpu';
  const cols = ([
    ['coldStatus', 'status, no checkpoint'],
    ['warmStatus', 'status, checkpoint'],
    ['append', 'one append'],
    ['verify', `verify (${CORES} threads)`],
    ['verifyOpenssl', `verify, OpenSSL alone (${CORES} threads)`],
    ['verify1', 'verify (1 thread)'],
    ['verify1Openssl', 'verify, OpenSSL alone (1 thread)'],
    ['tail', 'log --json | tail -1'],
  ]).filter(([key]) => COMMANDS.has(key));
  const fmt = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
  console.log(`cutover scale bench (node ${process.version}, ${CORES} cores, ${cpu}); node -e 0: ${nodeMs.toFixed(0)} ms; openssl ed25519 verify on ${CORES} cores: ${opensslPerSecond === null ? 'n/a' : `${Math.round(opensslPerSecond)}/s`}`);
  console.log(['events', 'MB', ...cols.map(([, name]) => name)].join(' | '));
  rows.forEach((row, i) => {
    const prev = rows[i - 1];
    const growth = (key) => (prev === undefined ? '' : ` ×${(row[key].ms / prev[key].ms).toFixed(1)}/${(row.size / prev.size).toFixed(0)}×`);
    const cells = cols.map(([key]) => `${fmt(row[key].ms)} (${(row[key].ms / nodeMs).toFixed(1)}× node) ${row[key].mib.toFixed(0)} MiB${growth(key)}`);
    console.log([row.size, (row.bytes / 1e6).toFixed(1), ...cells].join(' | '));
  });
  // Against openssl sampled right after this size's runs: this machine's load changes by the minute.
  const ratio = (rate, limit) => (limit === null ? 'n/a' : `${(rate / limit).toFixed(2)} of openssl (${Math.round(limit)}/s)`);
  console.log(`verify against openssl, side by side (aim ≥ 0.90 each), with peak RSS: ${CORES} threads vs \`openssl speed -multi ${CORES} ed25519\` | 1 thread vs \`openssl speed ed25519\` | load average during the size`);
  for (const row of rows) {
    const side = (key, limit, label) => {
      if (row[key] === null) return `${label} not measured`;
      const rate = row.size / (row[key].ms / 1000);
      return `${label} ${Math.round(rate)}/s = ${ratio(rate, limit)}, ${row[key].mib.toFixed(0)} MiB`;
    };
    const limit = row.opensslPerSecond ?? opensslPerSecond;
    const limit1 = row.openssl1PerSecond ?? openssl1PerSecond;
    const alone = COMMANDS.has('verifyOpenssl') || COMMANDS.has('verify1Openssl') ? ` | OpenSSL alone: ${side('verifyOpenssl', limit, `${CORES} threads`)}, ${side('verify1Openssl', limit1, '1 thread')}` : '';
    console.log(`${row.size} events: ${side('verify', limit, `${CORES} threads`)} | ${side('verify1', limit1, '1 thread')}${alone} | load ${row.loads.join(' → ')} (runs: ${row.runs})`);
  }
  // What each signature call alone reaches, against the same openssl samples: `verify` comes no closer than the one it makes.
  console.log(`each check alone (bench/node-verify.js, tight loop, cached key), against the same openssl samples: Node's crypto.verify (OpenSSL) and libsodium's, ${CORES} threads | 1 thread`);
  for (const row of rows) {
    const alone = (rate, limit) => (rate === null || limit === null ? 'n/a' : `${Math.round(rate)}/s = ${(rate / limit).toFixed(2)} of openssl`);
    console.log(
      `${row.size} events: Node ${alone(row.nodeVerifyPerSecond, row.opensslPerSecond)}, libsodium ${alone(row.libsodiumVerifyPerSecond, row.opensslPerSecond)} | Node ${alone(row.nodeVerify1PerSecond, row.openssl1PerSecond)}, libsodium ${alone(row.libsodiumVerify1PerSecond, row.openssl1PerSecond)}`,
    );
  }
  console.log(JSON.stringify({ bench: 'cutover-scale', node: process.version, cores: CORES, cpu, nodeMs, opensslPerSecond, openssl1PerSecond, rows }));
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
