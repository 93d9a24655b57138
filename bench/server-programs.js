#!/usr/bin/env node
// Many programs on one `cutover serve` (issue 26): the list from summaries, restarts, memory, stop time.
// Called from bench/server.js (one line), or alone: `npm run build && nice -n 10 node bench/server-programs.js`.
// Figures are printed, never asserted, each with the load average beside it; the machine is shared.
//
//   BENCH_PROGRAMS=10000 BENCH_EVENTS=10 BENCH_DATA_PROGRAMS=10000 node bench/server-programs.js
//
// Generating 100,000 programs takes minutes: BENCH_KEEP_DB=1 keeps the generated database (its URL
// is printed) and BENCH_PROGRAMS_DB=<that URL> measures it again without generating (PostgreSQL only).
//
// 1. Generates BENCH_PROGRAMS programs of BENCH_EVENTS signed events each (decided by the domain,
//    signed with the example's demo key) and writes their lines straight into PostgreSQL (a
//    multi-row INSERT per batch of programs), with the summary the server would have kept (made by
//    the same code), except for the last BENCH_MISSING programs: no server verifies them on the way in.
// 2. Starts `cutover serve --database`: the first list makes the missing summaries (BENCH_MISSING
//    programs loaded, verified, evaluated); then the overview's first page and
//    `/v1/programs?limit=100`, p50/p99 warm.
// 3. Reads 1,000 programs' status (they are then loaded), takes the server's RSS, and times a
//    graceful stop (SIGTERM to exit).
// 4. Starts again: the first overview page and the first `/v1/programs?limit=100` after the restart,
//    then p99 warm.
// 5. The program page vs `/status` of one program, 32 connections (autocannon), medians of BENCH_RUNS.
// 6. `--data` with BENCH_DATA_PROGRAMS programs (files written straight into the folder): overview
//    first page warm.
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { createDatabase } from './database.js';

import { decide } from '../dist/domain/decide.js';
import { evolve, initialState } from '../dist/domain/state.js';
import { seal, serialize } from '../dist/ledger/chain.js';
import { digestOf } from '../dist/ledger/canonical.js';
import { signerFromPem } from '../dist/ledger/keys.js';
import { loadDefinition } from '../dist/program/load.js';
import { summaryRecordOf } from '../dist/app/program-summary.js';
import { PostgresLedgerStore } from '../dist/store/postgres/postgres-store.js';
import { ServedFileStore } from '../dist/store/served-file-store.js';
import { startCluster } from '../dist/store/postgres/throwaway-cluster.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = join(ROOT, 'examples', 'memorykernel-service-v3');
const OWNER = 'integration-program-owner';
const BUDGET = { firstPageWarmP99Ms: 50, firstPageRestartMs: 1000, rssMiB: 1024, stopMs: 5000, pageVsStatus: 0.5, dataFirstPageMs: 200 };

/** The build `cutover serve` runs as (bin/cutover.js, the bundle): its fold, as scripts/bundle.js computes it from src/domain. */
function serverBuild() {
  const domain = join(ROOT, 'src', 'domain');
  const fold = createHash('sha256');
  for (const name of readdirSync(domain).sort()) fold.update(name).update(readFileSync(join(domain, name)));
  return fold.digest('hex').slice(0, 16);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const load = () => `load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;

/** `count` programs of `events` signed events each: a definition, then blockers raised and resolved (some overdue, some not). */
function* programs(count, events) {
  const signer = signerFromPem(readFileSync(join(EXAMPLE, 'demo-keys', `${OWNER}.pem`), 'utf8'));
  const loaded = programs.loaded;
  for (let p = 0; p < count; p++) {
    const id = `bench-${String(p).padStart(6, '0')}`;
    const definition = { ...loaded.definition, program: { ...loaded.definition.program, id } };
    let state = initialState();
    const lines = [];
    for (let n = 1; n <= events; n++) {
      const at = new Date(Date.parse('2026-01-01T00:00:00Z') + n * 1000).toISOString();
      // A program in four has its last blocker overdue (due 2026-03-01); the others' fall due in 2027.
      const due = p % 4 === 0 ? '2026-03-01' : '2027-06-01';
      const command =
        n === 1
          ? { type: 'define-program', definition, digest: digestOf(definition), fileDigest: loaded.fileDigest }
          : n % 2 === 0 || n === events
            ? { type: 'raise-blocker', id: `B-${n}`, text: `bench blocker ${n}`, owner: OWNER, due }
            : { type: 'resolve-blocker', id: `B-${n - 1}`, note: 'cleared' };
      const decided = decide(state, { ...command, actor: OWNER, at });
      if (!decided.ok) throw decided.error;
      const event = seal(decided.events[0], { program: id, seq: state.seq + 1, at, prev: state.head }, signer);
      state = evolve(state, event);
      lines.push({ seq: event.seq, hash: event.hash, line: serialize(event) });
    }
    // The summary the server would have kept, had the lines been appended through it (the same code).
    yield { id, lines, summary: summaryRecordOf(state, new Date(), programs.build) };
  }
}

async function startServe(args, env = {}) {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'cutover.js'), 'serve', ...args, '--port', '0', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const url = await new Promise((res) => createInterface({ input: child.stdout }).once('line', res));
  const exited = new Promise((res) => child.once('exit', res));
  return {
    url,
    pid: child.pid,
    rssMiB: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024,
    async stop() {
      const t = performance.now();
      child.kill('SIGTERM');
      await exited;
      return performance.now() - t;
    },
  };
}

async function timeGet(url) {
  const t = performance.now();
  const r = await fetch(url);
  if (r.status !== 200) throw new Error(`GET ${url}: ${r.status}`);
  await r.arrayBuffer();
  return performance.now() - t;
}

/** p50 and p99 of `n` sequential GETs (after one warm-up): enough of them that p99 is not the slowest one. */
async function latencies(url, n) {
  await timeGet(url);
  const times = [];
  for (let i = 0; i < n; i++) times.push(await timeGet(url));
  return { p50: median(times), p99: pct(times, 99) };
}

async function cannon(url, seconds) {
  const r = await autocannon({ url, connections: 32, duration: seconds });
  return { rps: r.requests.average, errors: r.errors + r.non2xx };
}

/** The programs, straight into a new database of the cluster (and `dataCount` of them into a folder); returns the database's URL. */
async function generate({ clusterUrl, dataDir, dataCache, count, dataCount, events, missing, log }) {
  const url = await createDatabase(clusterUrl, `bench_programs_${process.pid}`);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const store = await PostgresLedgerStore.open(pool); // the schema, migrated
  const dataStore = new ServedFileStore({ dir: dataDir }, dataCache);
  const t = performance.now();
  let batch = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const ids = batch.map((p) => p.id);
    const rows = batch.flatMap((p) => p.lines.map((l) => [p.id, l.seq, l.hash, l.line]));
    await pool.query('INSERT INTO cutover.programs (program) SELECT unnest($1::text[])', [ids]);
    await pool.query('INSERT INTO cutover.events (program, seq, hash, line) SELECT * FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[])', [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])]);
    for (const p of batch) if (p.summary !== null) await store.keepSummary(p.summary);
    batch = [];
  };
  mkdirSync(dataDir);
  let i = 0;
  for (const program of programs(Math.max(count, dataCount), events)) {
    if (i < count) {
      batch.push(i < count - missing ? program : { ...program, summary: null });
      if (batch.length === 200) await flush();
    }
    if (i < dataCount) {
      writeFileSync(join(dataDir, `${program.id}.jsonl`), program.lines.map((l) => l.line).join('\n') + '\n');
      if (i < dataCount - missing) await dataStore.keepSummary(program.summary);
    }
    i++;
    if (i % 10_000 === 0) log(`  generated ${fmt(i)} programs (${fmt((performance.now() - t) / 1000, 1)} s)`);
  }
  await flush();
  await pool.end();
  return url;
}

export async function benchPrograms({ cluster: given, log = (t) => process.stderr.write(t + '\n') } = {}) {
  const COUNT = Number(process.env.BENCH_PROGRAMS ?? 10_000);
  const EVENTS = Number(process.env.BENCH_EVENTS ?? 10);
  const DATA_COUNT = Number(process.env.BENCH_DATA_PROGRAMS ?? 10_000);
  const MISSING = Number(process.env.BENCH_MISSING ?? 100);
  const RUNS = Number(process.env.BENCH_RUNS ?? 3);
  const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
  programs.loaded = await loadDefinition(join(EXAMPLE, 'cutover.yaml'));
  programs.build = serverBuild();
  // Kept with BENCH_KEEP_DB=1 only on a server of one's own (DATABASE_URL): a throwaway cluster goes at exit.
  const REUSED = process.env.BENCH_PROGRAMS_DB;
  const cluster = given ?? (REUSED === undefined ? await startCluster() : null);
  const work = mkdtempSync(join(tmpdir(), 'cutover-bench-programs-'));
  const out = { programs: COUNT, events: EVENTS };
  const figure = (text) => {
    const line = `${text}  [${load()}]`;
    log(line);
    (out.lines ??= []).push(line);
  };
  try {
    // --- 1. generate, straight into PostgreSQL (or measure a database kept from an earlier run)
    const dataDir = join(work, 'data');
    const dataCache = join(work, 'cache');
    let db = REUSED;
    if (REUSED !== undefined) {
      const pool = new pg.Pool({ connectionString: REUSED, max: 1 });
      await PostgresLedgerStore.open(pool); // migrated to this build's schema
      out.programs = Number((await pool.query('SELECT count(*) AS n FROM cutover.programs')).rows[0].n);
      await pool.end();
      figure(`reusing ${REUSED}: ${fmt(out.programs)} programs generated by an earlier run (no --data part)`);
    } else {
      const t = performance.now();
      db = await generate({ clusterUrl: cluster.url, dataDir, dataCache, count: COUNT, dataCount: DATA_COUNT, events: EVENTS, missing: MISSING, log });
      out.generateS = (performance.now() - t) / 1000;
      figure(`generated ${fmt(COUNT)} programs × ${EVENTS} signed events into PostgreSQL (and ${fmt(DATA_COUNT)} files) in ${fmt(out.generateS, 1)} s`);
      if (process.env.BENCH_KEEP_DB === '1') figure(`kept for BENCH_PROGRAMS_DB: ${db}`);
    }

    let t = performance.now();
    // --- 2. first server: summaries made once, then warm
    let server = await startServe(['--database', db]);
    t = performance.now();
    await timeGet(`${server.url}/v1/programs?limit=1`);
    out.summariseAllMs = performance.now() - t;
    figure(`first list, ${fmt(MISSING)} programs with no summary yet: their summaries made (each loaded, verified, evaluated, let go) in ${fmt(out.summariseAllMs / 1000, 1)} s`);
    const warmOverview = await latencies(`${server.url}/`, 1000);
    figure(`overview first page (100 programs) warm: p50 ${fmt(warmOverview.p50, 1)} ms, p99 ${fmt(warmOverview.p99, 1)} ms (budget p99 ≤ ${BUDGET.firstPageWarmP99Ms} ms)`);
    const warmApi = await latencies(`${server.url}/v1/programs?limit=100`, 1000);
    figure(`/v1/programs?limit=100 warm: p50 ${fmt(warmApi.p50, 1)} ms, p99 ${fmt(warmApi.p99, 1)} ms (budget p99 ≤ ${BUDGET.firstPageWarmP99Ms} ms)`);
    t = performance.now();
    const all = await (await fetch(`${server.url}/v1/programs`)).json();
    figure(`/v1/programs unpaged (every program, streamed): ${fmt(all.programs.length)} programs in ${fmt(performance.now() - t)} ms`);
    out.overviewWarm = warmOverview;
    out.apiWarm = warmApi;

    // --- 3. 1,000 programs recently read: RSS, then a graceful stop
    for (let p = 0; p < Math.min(1000, COUNT); p++) await timeGet(`${server.url}/v1/programs/bench-${String(p).padStart(6, '0')}/status`);
    out.rssMiB = server.rssMiB();
    figure(`RSS with ${fmt(Math.min(1000, COUNT))} programs recently read: ${fmt(out.rssMiB)} MiB (budget ≤ ${BUDGET.rssMiB} MiB)`);
    out.stopMs = await server.stop();
    figure(`graceful stop (SIGTERM to exit) with them loaded: ${fmt(out.stopMs)} ms (budget ≤ ${BUDGET.stopMs} ms)`);

    // --- 4. after a restart
    server = await startServe(['--database', db]);
    out.restartOverviewMs = await timeGet(`${server.url}/`);
    out.restartApiMs = await timeGet(`${server.url}/v1/programs?limit=100`);
    figure(`after a restart: first overview page ${fmt(out.restartOverviewMs, 1)} ms, first /v1/programs?limit=100 ${fmt(out.restartApiMs, 1)} ms (budget ≤ ${BUDGET.firstPageRestartMs} ms)`);
    const afterApi = await latencies(`${server.url}/v1/programs?limit=100`, 1000);
    figure(`after a restart, warm: /v1/programs?limit=100 p99 ${fmt(afterApi.p99, 1)} ms`);

    // --- 5. the program page vs status, 32 connections
    const one = `${server.url}/v1/programs/bench-000001/status`;
    const page = `${server.url}/programs/bench-000001`;
    await cannon(one, 1);
    await cannon(page, 1);
    const ratios = [];
    for (let r = 0; r < RUNS; r++) {
      const s = await cannon(one, SECONDS);
      const p = await cannon(page, SECONDS);
      ratios.push(p.rps / s.rps);
      figure(`run ${r + 1}: program page ${fmt(p.rps)} req/s vs status ${fmt(s.rps)} req/s (32 connections): ${fmt(p.rps / s.rps, 2)}× (errors ${p.errors + s.errors})`);
    }
    out.pageVsStatus = median(ratios);
    figure(`program page vs status: median ${fmt(out.pageVsStatus, 2)}× (budget ≥ ${BUDGET.pageVsStatus}×)`);
    await server.stop();

    // --- 6. --data, 10,000 programs
    if (DATA_COUNT > 0 && REUSED === undefined) {
      const cache = dataCache;
      const data = await startServe(['--data', dataDir], { CUTOVER_CACHE: cache });
      t = performance.now();
      await timeGet(`${data.url}/v1/programs?limit=1`);
      figure(`--data: first list (the summary files read, ${fmt(MISSING)} made): ${fmt((performance.now() - t) / 1000, 1)} s for ${fmt(DATA_COUNT)} programs`);
      const dataWarm = await latencies(`${data.url}/`, 50);
      out.dataOverviewWarm = dataWarm;
      figure(`--data, ${fmt(DATA_COUNT)} programs: overview first page warm p50 ${fmt(dataWarm.p50, 1)} ms, p99 ${fmt(dataWarm.p99, 1)} ms (budget ≤ ${BUDGET.dataFirstPageMs} ms)`);
      out.dataStopMs = await data.stop();
      const again = await startServe(['--data', dataDir], { CUTOVER_CACHE: cache });
      figure(`--data after a restart: first overview page ${fmt(await timeGet(`${again.url}/`), 1)} ms; graceful stop before it ${fmt(out.dataStopMs)} ms`);
      await again.stop();
    }
  } finally {
    if (given === undefined) cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`many programs (${fmt(out.programs)} × ${EVENTS} events on PostgreSQL; figures with the load average):`);
  for (const line of out.lines ?? []) console.log(`  ${line}`);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchPrograms();
