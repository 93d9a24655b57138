#!/usr/bin/env node
// Benchmark for `cutover` (run with `npm run bench`, which builds dist/ first).
//
// Figures are measured and printed, never asserted: each is shown next to its budget (an aim),
// and ratios are taken against baselines measured in the same run (`node -e 0`, `openssl speed`).
// The last line of output is the same figures as one JSON object, for machines.
//
//   BENCH_EVENTS=5000 node bench/run.js   # a quick run (default 100000 events)
//
// 1. Generates a signed ledger of BENCH_EVENTS events in a temp directory with the built modules.
// 2. Times `status`, `verify` and `verify --threads 1` on it through the real CLI (median of 3).
// 3. Times CLI start-up (every read command on the 7-event example, bench/startup.js) against `node -e 0`
//    (median of 20, interleaved); the aim holds for the slowest of them.
// 4. Compares verify throughput with `openssl speed -multi <cores> ed25519` (and verify --threads 1 with
//    one core), sampled in the same rounds as the runs (bench/openssl.js).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { generate } from './generate.js';
import { libsodiumVerifySample, nodeVerifySample } from './node-verify.js';
import { OPENSSL_COMMAND, opensslVerifySample } from './openssl.js';
import { measureStartup, STARTUP_COMMANDS } from './startup.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'cutover.js');
const EXAMPLE = join(ROOT, 'examples', 'memorykernel-service-v3');
const NODE = process.execPath;

const EVENTS = parseEvents(process.env.BENCH_EVENTS);
const LEDGER_RUNS = 3;
const STARTUP_RUNS = 20;
const CORES = availableParallelism();
const BUDGET = { startupRatioMax: 1.6, verifyVsOpensslMin: 0.9 }; // issue 30's aims

function parseEvents(value) {
  if (value === undefined || value === '') return 100_000;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2) {
    console.error(`BENCH_EVENTS must be an integer ≥ 2 (the ledger needs program.defined and target.published), got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const hex = (text, chars = 64) => createHash('sha256').update(text).digest('hex').slice(0, chars);
const round = (x, digits) => (x === null || !Number.isFinite(x) ? null : Number(x.toFixed(digits)));
const fmtS = (ms) => `${(ms / 1000).toFixed(2)} s`;
const fmtMs = (ms) => `${ms.toFixed(0)} ms`;
const fmtInt = (x) => Math.round(x).toLocaleString('en-US').replace(/,/g, ' ');
const log = (text) => process.stderr.write(`  … ${text}\n`);

/** Run the CLI (or any node script) once; returns the wall time in ms. Throws on a non-zero exit. */
function timed(args, { label = args.join(' '), stdout = 'ignore' } = {}) {
  const start = performance.now();
  const r = spawnSync(NODE, args, { stdio: ['ignore', stdout, 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (r.error) throw new Error(`${label}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`${label}: exit ${r.status ?? r.signal}\n${r.stderr?.toString() ?? ''}`);
  }
  return { ms, stdout: r.stdout };
}


// ---------------------------------------------------------------------------------------------

async function main() {
  const benchStart = performance.now();
  const tmp = mkdtempSync(join(tmpdir(), 'cutover-bench-'));
  const cleanup = () => rmSync(tmp, { recursive: true, force: true });
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      cleanup();
      process.exit(130);
    });
  }

  try {
    process.stderr.write(`cutover bench: ${EVENTS} events in ${tmp}\n`);

    // 1. Generate.
    log(`generating ${EVENTS} signed events with dist/ modules`);
    const gen = await generate(tmp, EVENTS);

    // Sanity check (also warms the page cache): the CLI must accept the ledger.
    log('sanity check: cutover verify');
    const sanity = spawnSync(NODE, [CLI, '-C', tmp, 'verify'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (sanity.status !== 0) {
      process.stderr.write(`\nthe generated ledger does not verify (exit ${sanity.status ?? sanity.signal}):\n${sanity.stderr}\n${sanity.stdout}\n`);
      process.exitCode = 1;
      return;
    }

    // 2. status / verify / verify --threads 1, interleaved rounds, median of each.
    // openssl's limit is sampled in the same rounds (on every core after verify, on one after
    // verify --threads 1), so each ratio rests on the median of several samples, not one.
    const runs = { status: [], verify: [], verify1: [], opensslAll: [], openssl1: [], nodeAll: [], node1: [], sodiumAll: [], sodium1: [] };
    for (let round = 1; round <= LEDGER_RUNS; round++) {
      log(`ledger round ${round}/${LEDGER_RUNS}: status, verify, openssl on ${CORES} cores, verify --threads 1, openssl on 1`);
      runs.status.push(timed([CLI, '-C', tmp, 'status'], { label: 'cutover status' }).ms);
      runs.verify.push(timed([CLI, '-C', tmp, 'verify'], { label: 'cutover verify' }).ms);
      runs.opensslAll.push(opensslVerifySample(CORES));
      runs.nodeAll.push(nodeVerifySample(CORES));
      runs.sodiumAll.push(libsodiumVerifySample(CORES));
      runs.verify1.push(timed([CLI, '-C', tmp, 'verify', '--threads', '1'], { label: 'cutover verify --threads 1' }).ms);
      runs.openssl1.push(opensslVerifySample(1));
      runs.node1.push(nodeVerifySample(1));
      runs.sodium1.push(libsodiumVerifySample(1));
    }
    const statusMs = median(runs.status);
    const verifyMs = median(runs.verify);
    const verify1Ms = median(runs.verify1);
    const verifyRate = EVENTS / (verifyMs / 1000);
    const verify1Rate = EVENTS / (verify1Ms / 1000);

    // 3. Start-up: node -e 0 vs every read command on the 7-event example, interleaved after a warm-up.
    log(`start-up: ${STARTUP_RUNS} × (node -e 0, ${STARTUP_COMMANDS.map((c) => c.name).join(', ')}) on the example`);
    const startup = measureStartup(STARTUP_RUNS);
    const nodeMs = startup.nodeMs;
    const statusStartup = startup.commands.find((c) => c.name === 'status');
    const exampleMs = statusStartup.ms;
    const startupRatio = Math.max(...startup.commands.filter((c) => c.read).map((c) => c.ratio));

    // 4. openssl baseline.
    const sampled = (xs) => (xs.every((x) => x !== null) ? median(xs) : null);
    const opensslLimit = sampled(runs.opensslAll);
    const ossl = { perSecond: sampled(runs.openssl1), why: opensslLimit === null ? 'could not run or parse `openssl speed ed25519`' : null, command: OPENSSL_COMMAND(CORES) };
    const verifyVsOpenssl = opensslLimit === null ? null : verifyRate / opensslLimit;
    const verify1VsOpenssl = ossl.perSecond === null ? null : verify1Rate / ossl.perSecond;
    // Each check `verify` can make, alone in a tight loop, against the same samples: Node's call
    // (OpenSSL's verdict) and libsodium's (made first, src/ledger/strict-ed25519.ts).
    const against = (rate, limit) => (rate === null || limit === null ? null : rate / limit);
    const nodeVsOpenssl = against(sampled(runs.nodeAll), opensslLimit);
    const node1VsOpenssl = against(sampled(runs.node1), ossl.perSecond);
    const sodiumVsOpenssl = against(sampled(runs.sodiumAll), opensslLimit);
    const sodium1VsOpenssl = against(sampled(runs.sodium1), ossl.perSecond);

    // 5. Report.
    const cpu = cpus()[0]?.model?.trim() ?? 'unknown cpu';
    const mark = (ok) => (ok ? 'met' : 'MISSED');
    const rows = [
      [`generate ${EVENTS} events`, `${(gen.ms / 1000).toFixed(1)} s`, `${fmtInt(EVENTS / (gen.ms / 1000))} events/s, ${(gen.bytes / 1e6).toFixed(1)} MB (not budgeted)`],
      [`status, ${EVENTS} events`, fmtS(statusMs), `median of ${LEDGER_RUNS} (not budgeted)`],
      [`verify, ${EVENTS} events`, fmtS(verifyMs), `${fmtInt(verifyRate)} events/s on ${CORES} thread${CORES === 1 ? '' : 's'}, median of ${LEDGER_RUNS}`],
      [`verify --threads 1, ${EVENTS}`, fmtS(verify1Ms), `${fmtInt(verify1Rate)} events/s, median of ${LEDGER_RUNS}`],
      ['parallel speed-up', `${(verify1Ms / verifyMs).toFixed(2)}×`, `verify --threads 1 / verify (${CORES} cores)`],
      ossl.perSecond === null
        ? ['openssl ed25519 verify', 'skipped', ossl.why]
        : ['openssl ed25519 verify', `${fmtInt(ossl.perSecond)} /s on 1 core`, `${fmtInt(opensslLimit)} /s on ${CORES} (-multi ${CORES}), medians of ${LEDGER_RUNS} samples interleaved with the runs`],
      verifyVsOpenssl === null
        ? ['verify / openssl limit', 'n/a', `(aim ≥ ${BUDGET.verifyVsOpensslMin})`]
        : ['verify / openssl limit', verifyVsOpenssl.toFixed(2), `(aim ≥ ${BUDGET.verifyVsOpensslMin}: ${mark(verifyVsOpenssl >= BUDGET.verifyVsOpensslMin)})`],
      verify1VsOpenssl === null
        ? ['verify -t1 / openssl 1 core', 'n/a', '']
        : ['verify -t1 / openssl 1 core', verify1VsOpenssl.toFixed(2), `(aim ≥ ${BUDGET.verifyVsOpensslMin}: ${mark(verify1VsOpenssl >= BUDGET.verifyVsOpensslMin)})`],
      nodeVsOpenssl === null || node1VsOpenssl === null
        ? ['crypto.verify alone / openssl', 'n/a', '']
        : ['crypto.verify alone / openssl', `${nodeVsOpenssl.toFixed(2)} / ${node1VsOpenssl.toFixed(2)}`, `Node's call (OpenSSL) in a tight loop (bench/node-verify.js) on ${CORES} / 1 thread`],
      sodiumVsOpenssl === null || sodium1VsOpenssl === null
        ? ['libsodium alone / openssl', 'n/a', '']
        : ['libsodium alone / openssl', `${sodiumVsOpenssl.toFixed(2)} / ${sodium1VsOpenssl.toFixed(2)}`, `libsodium's call, the check verify makes first, the same way: the ceiling of the two ratios above`],
      [`node -e 0 (median of ${STARTUP_RUNS})`, fmtMs(nodeMs), ''],
      ...startup.commands.map((c) => [
        `cutover ${c.name}, example`,
        `${fmtMs(c.ms)} ${c.ratio.toFixed(2)}×`,
        c.read ? `/ node -e 0 (aim ≤ ${BUDGET.startupRatioMax}×: ${mark(c.ratio <= BUDGET.startupRatioMax)})` : '/ node -e 0 (not a read command; not budgeted)',
      ]),
    ];
    const w0 = Math.max(...rows.map((r) => r[0].length)) + 2;
    const w1 = Math.max(...rows.map((r) => r[1].length));
    const totalMs = performance.now() - benchStart;
    console.log(`cutover bench (node ${process.version}, ${CORES} cores, ${cpu})`);
    for (const [name, figure, note] of rows) console.log(`${name.padEnd(w0)}${figure.padStart(w1)}   ${note}`.trimEnd());
    console.log(`bench total ${(totalMs / 1000).toFixed(1)} s`);

    const json = {
      bench: 'cutover',
      node: process.version,
      cores: CORES,
      cpu,
      events: EVENTS,
      eventTypes: gen.counts,
      ledgerBytes: gen.bytes,
      generateSeconds: round(gen.ms / 1000, 3),
      statusSeconds: round(statusMs / 1000, 3),
      verifySeconds: round(verifyMs / 1000, 3),
      verifyEventsPerSecond: round(verifyRate, 0),
      verifyThreads1Seconds: round(verify1Ms / 1000, 3),
      verifyThreads1EventsPerSecond: round(verify1Rate, 0),
      parallelSpeedup: round(verify1Ms / verifyMs, 3),
      opensslCommand: ossl.command,
      opensslVerifyPerSecondPerCore: round(ossl.perSecond, 1),
      opensslVerifyLimit: round(opensslLimit, 1),
      verifyVsOpenssl: round(verifyVsOpenssl, 3),
      verifyThreads1VsOpensslOneCore: round(verify1VsOpenssl, 3),
      nodeVerifyVsOpenssl: round(nodeVsOpenssl, 3),
      nodeVerifyThreads1VsOpensslOneCore: round(node1VsOpenssl, 3),
      libsodiumVerifyVsOpenssl: round(sodiumVsOpenssl, 3),
      libsodiumVerifyThreads1VsOpensslOneCore: round(sodium1VsOpenssl, 3),
      nodeStartupMs: round(nodeMs, 1),
      statusExampleMs: round(exampleMs, 1),
      startupRatio: round(startupRatio, 3),
      startupRatios: Object.fromEntries(startup.commands.map((c) => [c.name, round(c.ratio, 3)])),
      budgets: { startupRatioMax: BUDGET.startupRatioMax, verifyVsOpensslMin: BUDGET.verifyVsOpensslMin },
      budgetsMet: {
        startupRatio: startupRatio <= BUDGET.startupRatioMax,
        verifyVsOpenssl: verifyVsOpenssl === null ? null : verifyVsOpenssl >= BUDGET.verifyVsOpensslMin,
        verifyThreads1VsOpenssl: verify1VsOpenssl === null ? null : verify1VsOpenssl >= BUDGET.verifyVsOpensslMin,
      },
      runsMs: {
        status: runs.status.map((x) => round(x, 1)),
        verify: runs.verify.map((x) => round(x, 1)),
        verifyThreads1: runs.verify1.map((x) => round(x, 1)),
        nodeStartup: startup.nodeRunsMs.map((x) => round(x, 1)),
        statusExample: statusStartup.runsMs.map((x) => round(x, 1)),
        startup: Object.fromEntries(startup.commands.map((c) => [c.name, c.runsMs.map((x) => round(x, 1))])),
      },
      totalSeconds: round(totalMs / 1000, 1),
    };
    console.log(JSON.stringify(json));
  } finally {
    cleanup();
  }
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
