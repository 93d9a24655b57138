// Notification delivery latency for `cutover serve` (called from bench/server.js; figures printed,
// never asserted). A server on PostgreSQL with BENCH_SINKS `--notify` sinks (default 100), all on one
// loopback receiver (one path each). Each append is one signed blocker posted by one writer; the
// latency of a delivery is from the 201 that acknowledged the append (the commit) to the moment the
// receiver has the request, one sample per sink per append. The baseline, measured in the same run
// against the same receiver: a bare node:http POST of a body of the same size straight to it (what a
// webhook costs without Cutover). Medians of `runs` runs of BENCH_NOTIFY_APPENDS appends each.
import { spawn } from 'node:child_process';
import { createServer, request } from 'node:http';
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createDatabase } from './database.js';

import { decide } from '../dist/domain/decide.js';
import { evolve, initialState } from '../dist/domain/state.js';
import { seal, serialize } from '../dist/ledger/chain.js';
import { digestOf } from '../dist/ledger/canonical.js';
import { signerFromPem } from '../dist/ledger/keys.js';
import { loadDefinition } from '../dist/program/load.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = join(ROOT, 'examples', 'memorykernel-service-v3');
const SINKS = Number(process.env.BENCH_SINKS ?? 100);
const APPENDS = Number(process.env.BENCH_NOTIFY_APPENDS ?? 20);
const OWNER = 'integration-program-owner';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const fmt = (n, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** A loopback receiver: each arrival timed, by path and webhook-id. */
async function receiver() {
  const arrivals = new Map(); // webhook-id → [ms, …]
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = req.headers['webhook-id'] ?? 'bare';
      const t = performance.now();
      if (!arrivals.has(id)) arrivals.set(id, []);
      arrivals.get(id).push(t);
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${server.address().port}`, arrivals, close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))) };
}

/** Lines dated now, decided by the domain and signed with the example's demo key of the program owner. */
async function writer(program) {
  const loaded = await loadDefinition(join(EXAMPLE, 'cutover.yaml'));
  const signer = signerFromPem(readFileSync(join(EXAMPLE, 'demo-keys', `${OWNER}.pem`), 'utf8'));
  const definition = { ...loaded.definition, program: { ...loaded.definition.program, id: program } };
  let state = initialState();
  let n = 0;
  return {
    next() {
      n++;
      const at = new Date().toISOString();
      const command = n === 1 ? { type: 'define-program', definition, digest: digestOf(definition), fileDigest: loaded.fileDigest } : { type: 'raise-blocker', id: `B-${n}`, text: `bench blocker ${n}`, owner: OWNER, due: '2099-03-01' };
      const decided = decide(state, { ...command, actor: OWNER, at });
      if (!decided.ok) throw decided.error;
      const event = seal(decided.events[0], { program, seq: state.seq + 1, at, prev: state.head }, signer);
      const before = state.head;
      state = evolve(state, event);
      return { line: serialize(event), expectedHead: before, id: `B-${n}` };
    },
  };
}

function post(url, body) {
  return new Promise((resolvePost, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode >= 200 && res.statusCode < 300 ? resolvePost() : reject(new Error(`POST ${url}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function waitFor(test, ms = 60_000) {
  const until = Date.now() + ms;
  while (!test()) {
    if (Date.now() > until) throw new Error('deliveries did not all arrive within a minute');
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function benchNotify({ clusterUrl, log, runs }) {
  const sink = await receiver();
  const db = await createDatabase(clusterUrl, `bench_notify_${process.pid}`);
  const notify = Array.from({ length: SINKS }, (_, i) => ['--notify', `${sink.base}/sink/${i}`]).flat();
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'cutover.js'), 'serve', '--database', db, '--port', '0', '--log-level', 'warn', ...notify], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((r) => createInterface({ input: child.stdout }).once('line', r));
  const results = { sinks: SINKS, appendsPerRun: APPENDS, p50: [], p99: [], bareP50: [], bareP99: [], load: [] };
  try {
    const program = 'bench-notify';
    const w = await writer(program);
    const first = w.next();
    await post(`${url}/v1/programs/${program}/events`, JSON.stringify({ expectedHead: null, lines: [first.line] }));
    for (let run = 0; run < runs; run++) {
      const samples = [];
      let bodyBytes = 0;
      for (let k = 0; k < APPENDS; k++) {
        const e = w.next();
        await post(`${url}/v1/programs/${program}/events`, JSON.stringify({ expectedHead: e.expectedHead, lines: [e.line] }));
        const committed = performance.now();
        // The blocker's "appeared" notification, one per sink (its id names the line's seq and the blocker).
        const key = (id) => id.includes('/dev.cutover.blocker.appeared.v1/') && id.endsWith(`blocker:${e.id}`);
        await waitFor(() => [...sink.arrivals].some(([id, ts]) => key(id) && ts.length >= SINKS));
        const [, times] = [...sink.arrivals].find(([id]) => key(id));
        for (const t of times) samples.push(t - committed);
        bodyBytes = e.line.length;
      }
      // The baseline: the same number of bare POSTs, one at a time, straight to the receiver.
      const bare = [];
      const body = JSON.stringify({ bench: 'x'.repeat(bodyBytes) });
      for (let i = 0; i < APPENDS * 10; i++) {
        sink.arrivals.delete('bare');
        const t = performance.now();
        await post(`${sink.base}/bare`, body);
        bare.push(sink.arrivals.get('bare')[0] - t);
      }
      results.p50.push(percentile(samples, 50));
      results.p99.push(percentile(samples, 99));
      results.bareP50.push(percentile(bare, 50));
      results.bareP99.push(percentile(bare, 99));
      results.load.push(load());
      log(`notify run ${run + 1}: p50 ${fmt(percentile(samples, 50))} ms, p99 ${fmt(percentile(samples, 99))} ms over ${samples.length} deliveries; bare POST p50 ${fmt(percentile(bare, 50), 2)} ms (load ${load()})`);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await sink.close();
  }
  const summary = { sinks: SINKS, appendsPerRun: APPENDS, runs, p50Ms: median(results.p50), p99Ms: median(results.p99), bareP50Ms: median(results.bareP50), bareP99Ms: median(results.bareP99), p50Spread: [Math.min(...results.p50), Math.max(...results.p50)], p99Spread: [Math.min(...results.p99), Math.max(...results.p99)], load: results.load };
  console.log(`notifications (${SINKS} sinks, ${APPENDS} appends × ${runs} runs, medians of runs, spread min–max; load ${results.load.join(' | ')}):`);
  console.log(`  commit → receiver  p50 ${fmt(summary.p50Ms)} ms (${fmt(summary.p50Spread[0])}–${fmt(summary.p50Spread[1])})  p99 ${fmt(summary.p99Ms)} ms (${fmt(summary.p99Spread[0])}–${fmt(summary.p99Spread[1])})`);
  console.log(`  bare POST to the same receiver  p50 ${fmt(summary.bareP50Ms, 2)} ms  p99 ${fmt(summary.bareP99Ms, 2)} ms; ratio p50 ${fmt(summary.p50Ms / summary.bareP50Ms)}×`);
  return summary;
}

// Alone: node bench/server-notify.js (a throwaway cluster of its own).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { startCluster } = await import('../dist/store/postgres/throwaway-cluster.js');
  const cluster = await startCluster();
  try {
    await benchNotify({ clusterUrl: cluster.url, log: (t) => process.stderr.write(t + '\n'), runs: Number(process.env.BENCH_RUNS ?? 3) });
  } finally {
    cluster.stop();
  }
}
