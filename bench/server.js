#!/usr/bin/env node
// Benchmark for `cutover serve` (run with `npm run bench:server`, which builds dist/ first).
// Figures are measured and printed, never asserted; each ratio is taken against a baseline measured
// in the same run, on the same machine and the same PostgreSQL cluster. Medians of BENCH_RUNS runs.
//
//   BENCH_RUNS=3 BENCH_SECONDS=5 BENCH_BIG=100000 node bench/server.js
//   BENCH_PROFILE=/tmp/prof node bench/server.js   (CPU profiles of the server, one per start)
//
// 1. Starts a throwaway PostgreSQL cluster (or uses DATABASE_URL) and `cutover serve --database`.
// 2. Status: autocannon, 32 connections, against the server's /status and a bare node:http server
//    returning the same bytes (requests/s, p50, p99); a 1 s warm-up of each, then the runs alternate.
// 3. Appends: 8 writers on 8 programs, each posting one signed event at a time (each verified by the
//    server), against pgbench single-row inserts of a line-sized row at 8 clients on the same cluster;
//    the runs alternate. The events of a run are decided and signed before it starts (pgbench does
//    no work between its inserts either), and posted over node:http keep-alive connections, one per
//    writer, so the load generator takes as little of the shared CPU as it can.
// 4. A program of BENCH_BIG events: the first status from a freshly started server with no checkpoint
//    (it verifies every event), the first status after a restart (it resumes at the checkpoint the
//    first server kept: hashes the stored lines before it, verifies none), and later ones.
// The machine is shared: every figure is printed with its median and its spread (min-max).
// 5. The dashboard's page of a BENCH_PAGE_EVENTS-event program (default 10,000), warm, whole and filtered.
import { spawn, spawnSync } from 'node:child_process';
import { Agent, request } from 'node:http';
import { chmodSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
import { PostgresLedgerStore } from '../dist/store/postgres/postgres-store.js';
import { startCluster } from '../dist/store/postgres/throwaway-cluster.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = join(ROOT, 'examples', 'memorykernel-service-v3');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const BIG = Number(process.env.BENCH_BIG ?? 100_000);
const PAGE_EVENTS = Number(process.env.BENCH_PAGE_EVENTS ?? 10_000);
const BUDGET = { statusRatioMin: 0.5, statusP99MaxMs: 10, appendRatioMin: 0.5 };
const OWNER = 'integration-program-owner';
const signer = signerFromPem(readFileSync(join(EXAMPLE, 'demo-keys', `${OWNER}.pem`), 'utf8'));
const loaded = await loadDefinition(join(EXAMPLE, 'cutover.yaml'));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const log = (text) => process.stderr.write(text + '\n');

/** A program writer: decides each event with the domain, signs it, keeps the state. */
function writer(program) {
  const definition = { ...loaded.definition, program: { ...loaded.definition.program, id: program } };
  let state = initialState();
  let n = 0;
  const at = (i) => new Date(Date.parse('2026-01-01T00:00:00Z') + i * 1000).toISOString();
  const next = () => {
    n++;
    const command =
      n === 1
        ? { type: 'define-program', definition, digest: digestOf(definition), fileDigest: loaded.fileDigest }
        : n % 2 === 0
          ? { type: 'raise-blocker', id: `B-${n}`, text: `bench blocker ${n}`, owner: OWNER, due: '2026-03-01' }
          : { type: 'resolve-blocker', id: `B-${n - 1}`, note: 'cleared' };
    const decided = decide(state, { ...command, actor: OWNER, at: at(n) });
    if (!decided.ok) throw decided.error;
    return seal(decided.events[0], { program, seq: state.seq + 1, at: at(n), prev: state.head }, signer);
  };
  const kept = new Map(); // head → the writer as it was there, to go back to after a run
  return {
    next,
    accept(event) {
      state = evolve(state, event);
      kept.set(state.head, { state, n });
    },
    /** Go back to the event with hash `head` (signed events after it were never posted). */
    rewind(head) {
      const back = kept.get(head);
      if (back === undefined) throw new Error(`writer ${program} never reached ${head}`);
      ({ state, n } = back);
      kept.clear();
      kept.set(state.head, back);
    },
    get head() {
      return state.head;
    },
  };
}

async function startServe(url) {
  // BENCH_PROFILE=DIR: the server writes a V8 CPU profile there when it stops (node --cpu-prof).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, join(ROOT, 'bin', 'cutover.js'), 'serve', '--database', url, '--port', '0', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const address = await new Promise((res) => createInterface({ input: child.stdout }).once('line', res));
  return { url: address, stop: () => new Promise((res) => (child.kill('SIGTERM'), child.once('exit', res))) };
}

async function post(base, program, expectedHead, lines) {
  const r = await fetch(`${base}/v1/programs/${program}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ expectedHead, lines }) });
  if (r.status !== 201) throw new Error(`POST ${program}: ${r.status} ${await r.text()}`);
  return r.json();
}

/** POST over a kept-alive node:http connection: lighter on the shared CPU than fetch. */
function postKeptAlive(agent, base, program, expectedHead, lines) {
  const body = JSON.stringify({ expectedHead, lines });
  return new Promise((resolve, reject) => {
    const req = request(`${base}/v1/programs/${program}/events`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`POST ${program}: ${res.statusCode} ${Buffer.concat(chunks)}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function cannon(url, seconds = SECONDS) {
  const r = await autocannon({ url, connections: 32, duration: seconds });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

const cluster = await startCluster();
const work = mkdtempSync(join(tmpdir(), 'cutover-bench-server-'));
chmodSync(work, 0o755); // pgbench may run as the cluster's own user
const results = {};
try {
  const db = await createDatabase(cluster.url, `bench_${process.pid}`);
  const server = await startServe(db);

  // --- status vs a bare node:http server returning the same bytes
  const example = readFileSync(join(EXAMPLE, '.cutover', 'ledger.jsonl'), 'utf8').trimEnd().split('\n');
  const program = JSON.parse(example[0]).program;
  await post(server.url, program, null, example);
  const statusUrl = `${server.url}/v1/programs/${program}/status`;
  const bytes = Buffer.from(await (await fetch(statusUrl)).arrayBuffer());
  writeFileSync(join(work, 'status.json'), bytes);
  const bare = spawn(process.execPath, ['-e', `
    const body = require('fs').readFileSync(process.argv[1]);
    const s = require('http').createServer((q, r) => { r.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }); r.end(body); });
    s.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + s.address().port));`, join(work, 'status.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const bareUrl = await new Promise((res) => createInterface({ input: bare.stdout }).once('line', res));
  const served = [], plain = [];
  await cannon(statusUrl, 1); // warm-up: JIT, connections, the evaluation cache
  await cannon(bareUrl, 1);
  for (let i = 0; i < RUNS; i++) {
    served.push(await cannon(statusUrl));
    plain.push(await cannon(bareUrl));
    log(`status run ${i + 1}: server ${fmt(served[i].rps)} req/s (p50 ${served[i].p50} ms, p99 ${served[i].p99} ms); bare ${fmt(plain[i].rps)} req/s (p99 ${plain[i].p99} ms)`);
  }
  bare.kill('SIGTERM');
  results.status = {
    bytes: bytes.length,
    server: { rps: median(served.map((r) => r.rps)), p50: median(served.map((r) => r.p50)), p99: median(served.map((r) => r.p99)), errors: served.reduce((a, r) => a + r.errors, 0) },
    bare: { rps: median(plain.map((r) => r.rps)), p50: median(plain.map((r) => r.p50)), p99: median(plain.map((r) => r.p99)) },
  };
  // The ratio of each run's pair (measured back to back), then the median: the load others put on the machine drifts.
  const statusRatios = served.map((r, i) => r.rps / plain[i].rps);
  results.status.ratio = median(statusRatios);
  results.status.spread = { ratio: statusRatios, serverRps: served.map((r) => r.rps), serverP99: served.map((r) => r.p99), bareRps: plain.map((r) => r.rps) };

  // --- appends: 8 writers on 8 programs vs pgbench single-row inserts at 8 clients
  const writers = Array.from({ length: 8 }, (_, i) => ({ id: `bench-${i + 1}`, w: writer(`bench-${i + 1}`) }));
  for (const { id, w } of writers) {
    const e = w.next();
    await post(server.url, id, null, [serialize(e)]);
    w.accept(e);
  }
  const probe = writer('bench-probe');
  probe.accept(probe.next());
  const lineBytes = serialize(probe.next()).length;
  const pool = new pg.Pool({ connectionString: db, max: 1 });
  await pool.query('CREATE TABLE pgbench_lines (id bigserial PRIMARY KEY, program text NOT NULL, line text NOT NULL)');
  await pool.end();
  writeFileSync(join(work, 'insert.sql'), `INSERT INTO pgbench_lines (program, line) VALUES ('p' || :client_id, repeat('x', ${lineBytes}));\n`);
  const pgbench = () => {
    const c = cluster.command('pgbench', ['-n', '-c', '8', '-j', '2', '-T', String(SECONDS), '-f', join(work, 'insert.sql'), db]);
    const out = spawnSync(c.file, c.args, { encoding: 'utf8', cwd: work });
    const tps = Number(/tps = ([0-9.]+)/.exec(out.stdout)?.[1]);
    if (!Number.isFinite(tps)) throw new Error(`pgbench: ${out.stderr || out.stdout}`);
    return tps;
  };
  const agent = new Agent({ keepAlive: true, maxSockets: writers.length });
  const ahead = Math.ceil(SECONDS * 800); // per writer and run: more than the server has taken in any run so far
  const appendRuns = [], pgbenchRuns = [];
  for (let run = 0; run < RUNS; run++) {
    const queued = writers.map(({ w }) => Array.from({ length: ahead }, () => {
      const e = w.next();
      w.accept(e);
      return e;
    }));
    let count = 0;
    const until = performance.now() + SECONDS * 1000;
    const started = performance.now();
    await Promise.all(
      writers.map(async ({ id, w }, k) => {
        let prev = queued[k][0].prev;
        for (const e of queued[k]) {
          if (performance.now() >= until) break;
          await postKeptAlive(agent, server.url, id, prev, [serialize(e)]);
          prev = e.hash;
          count++;
        }
        // Events signed but not posted are dropped: the writer goes on from the last one posted.
        w.rewind(prev);
      }),
    );
    appendRuns.push(count / ((performance.now() - started) / 1000));
    pgbenchRuns.push(pgbench());
    log(`appends run ${run + 1}: ${fmt(appendRuns[run])} appends/s; pgbench ${fmt(pgbenchRuns[run])} inserts/s`);
  }
  agent.destroy();
  results.appends = { server: median(appendRuns), pgbench: median(pgbenchRuns), lineBytes };
  const appendRatios = appendRuns.map((r, i) => r / pgbenchRuns[i]);
  results.appends.ratio = median(appendRatios);
  results.appends.spread = { ratio: appendRatios, server: appendRuns, pgbench: pgbenchRuns };
  await server.stop();

  // --- a program of BIG events: first status from a fresh server, then later ones
  const big = writer('bench-big');
  const events = [];
  const t0 = performance.now();
  for (let i = 0; i < BIG; i++) {
    const e = big.next();
    big.accept(e);
    events.push(e);
  }
  log(`generated ${fmt(BIG)} signed events in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  const storePool = new pg.Pool({ connectionString: db, max: 2 });
  const store = await PostgresLedgerStore.open(storePool);
  for (let i = 0; i < events.length; i += 2000) await store.append('bench-big', i === 0 ? null : events[i - 1].hash, events.slice(i, i + 2000));
  await storePool.end();
  const firsts = [], resumes = [], laters = [];
  const firstStatus = async (url) => {
    const t = performance.now();
    const r = await fetch(url);
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`GET ${url}: ${r.status}`);
    return performance.now() - t;
  };
  const checkpoints = new pg.Pool({ connectionString: db, max: 1 });
  for (let run = 0; run < RUNS; run++) {
    await checkpoints.query('DELETE FROM cutover.checkpoints');
    const cold = await startServe(db);
    firsts.push(await firstStatus(`${cold.url}/v1/programs/bench-big/status`));
    await cold.stop(); // it kept a checkpoint after verifying
    const fresh = await startServe(db);
    const url = `${fresh.url}/v1/programs/bench-big/status`;
    resumes.push(await firstStatus(url));
    const metrics = await (await fetch(`${fresh.url}/metrics`)).text();
    if (!/cutover_program_loads_total\{from="checkpoint"\} 1/.test(metrics)) throw new Error('the restarted server did not resume at the checkpoint');
    let t;
    const later = [];
    for (let i = 0; i < 20; i++) {
      t = performance.now();
      await (await fetch(url)).arrayBuffer();
      later.push(performance.now() - t);
    }
    laters.push(median(later));
    log(`big program run ${run + 1}: first status ${fmt(firsts[run])} ms without a checkpoint, ${fmt(resumes[run])} ms after a restart (checkpoint), later ${fmt(laters[run], 1)} ms`);
    await fresh.stop();
  }
  await checkpoints.end();
  results.big = { events: BIG, firstMs: median(firsts), resumedMs: median(resumes), laterMs: median(laters), spread: { firstMs: firsts, resumedMs: resumes, laterMs: laters } };
  // --- the dashboard: a program page of PAGE_EVENTS events, served warm (request to last byte, loopback)
  const paged = writer('bench-page');
  const pageEvents = [];
  for (let i = 0; i < PAGE_EVENTS; i++) {
    const e = paged.next();
    paged.accept(e);
    pageEvents.push(e);
  }
  const pagePool = new pg.Pool({ connectionString: db, max: 2 });
  const pageStore = await PostgresLedgerStore.open(pagePool);
  for (let i = 0; i < pageEvents.length; i += 2000) await pageStore.append('bench-page', i === 0 ? null : pageEvents[i - 1].hash, pageEvents.slice(i, i + 2000));
  await pagePool.end();
  const pageServer = await startServe(db);
  const timePage = async (path) => {
    await (await fetch(`${pageServer.url}${path}`)).arrayBuffer(); // the first read verifies the ledger
    const times = [];
    for (let i = 0; i < 20 * RUNS; i++) {
      const t = performance.now();
      const r = await fetch(`${pageServer.url}${path}`);
      if (r.status !== 200) throw new Error(`GET ${path}: ${r.status}`);
      await r.arrayBuffer();
      times.push(performance.now() - t);
    }
    return median(times);
  };
  results.page = { events: PAGE_EVENTS, ms: await timePage('/programs/bench-page'), filteredMs: await timePage('/programs/bench-page?type=blocker.raised') };
  log(`dashboard page of ${fmt(PAGE_EVENTS)} events: ${fmt(results.page.ms, 1)} ms, filtered timeline ${fmt(results.page.filteredMs, 1)} ms`);
  await pageServer.stop();
  results.streams = await (await import('./server-streams.js')).streamSoak({ clusterUrl: cluster.url });
  results.spread = await (await import('./server-streams.js')).spreadSoak({ clusterUrl: cluster.url });
  results.notify = await (await import('./server-notify.js')).benchNotify({ clusterUrl: cluster.url, log, runs: RUNS });
  results.programs = await (await import('./server-programs.js')).benchPrograms({ cluster, log }); // many programs: bench/server-programs.js
} finally {
  cluster.stop();
  rmSync(work, { recursive: true, force: true });
}

const s = results.status, a = results.appends, b = results.big;
const ratios = (xs) => `${fmt(Math.min(...xs), 2)}–${fmt(Math.max(...xs), 2)}`;
console.log(`status (${s.bytes} bytes, 32 connections, ${SECONDS}s × ${RUNS}, medians, spread min–max):`);
console.log(`  cutover serve  ${fmt(s.server.rps)} req/s (${spread(s.spread.serverRps)})  p50 ${s.server.p50} ms  p99 ${s.server.p99} ms (${spread(s.spread.serverP99)})  (non-2xx/errors: ${s.server.errors})`);
console.log(`  bare node:http ${fmt(s.bare.rps)} req/s (${spread(s.spread.bareRps)})  p50 ${s.bare.p50} ms  p99 ${s.bare.p99} ms`);
console.log(`  ratio ${fmt(s.ratio, 2)}× (${ratios(s.spread.ratio)}; budget ≥ ${BUDGET.statusRatioMin}×), p99 ${s.server.p99} ms (budget ≤ ${BUDGET.statusP99MaxMs} ms)`);
console.log(`appends (8 writers on 8 programs, one signed ${a.lineBytes}-byte event per request, medians, spread min–max):`);
console.log(`  cutover serve  ${fmt(a.server)} appends/s (${spread(a.spread.server)})`);
console.log(`  pgbench        ${fmt(a.pgbench)} single-row inserts/s (${spread(a.spread.pgbench)}; 8 clients)`);
console.log(`  ratio ${fmt(a.ratio, 2)}× (${ratios(a.spread.ratio)}; budget ≥ ${BUDGET.appendRatioMin}×)`);
console.log(`a ${fmt(b.events)}-event program: first status ${fmt(b.firstMs)} ms (${spread(b.spread.firstMs)}; fresh server, no checkpoint: read, verify, evaluate), after a restart ${fmt(b.resumedMs)} ms (${spread(b.spread.resumedMs)}; hash the lines before the checkpoint, evaluate), later ${fmt(b.laterMs, 1)} ms`);
console.log(`dashboard: the page of a ${fmt(results.page.events)}-event program ${fmt(results.page.ms, 1)} ms warm, its timeline filtered by type ${fmt(results.page.filteredMs, 1)} ms (medians, request to last byte)`);
console.log(JSON.stringify({ runs: RUNS, seconds: SECONDS, ...results }));
