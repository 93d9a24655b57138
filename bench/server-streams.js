#!/usr/bin/env node
// Soak of event streams (issue 21 item 2, issue 26 item 3): `npm run bench:server` calls
// `streamSoak`; alone: `npm run build && nice -n 10 node bench/server-streams.js` (PostgreSQL: a
// throwaway cluster, or BENCH_PG_URL=postgres://…/postgres, a server where it may create a database).
//
// On a program of BENCH_STREAM_EVENTS events (default 28,000: about 25 MB), on `--data` and on
// PostgreSQL, one `cutover serve` each:
// 1. RSS of the server with the program loaded, then with BENCH_STREAMS (default 1,000) viewers that
//    never read: following the end (the default), and replaying from seq 1 (`?from=1`, what every
//    stream did before). /healthz p99 over 300 requests while they are held.
// 2. BENCH_STREAMS viewers that read: BENCH_APPENDS (default 20) appends, one line each; the time from
//    the POST's start to each viewer's receipt of the line (p50, p99 over every viewer and append).
// 3. (spreadSoak) BENCH_SPREAD_STREAMS (10,000) viewers across BENCH_SPREAD_PROGRAMS (100) programs:
//    BENCH_SPREAD_APPENDS (50) appends to the programs in turn, each reaching its program's viewers;
//    on PostgreSQL, the events-table reads per append with no viewer and with them all.
//    BENCH_STREAMS_PART=one|spread runs only one of the two soaks when run alone.
// The viewers run in a process of their own (this file with --viewers). Figures are printed with the
// load average; nothing is asserted.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STREAMS = Number(process.env.BENCH_STREAMS ?? 1_000);
const EVENTS = Number(process.env.BENCH_STREAM_EVENTS ?? 28_000);
const APPENDS = Number(process.env.BENCH_APPENDS ?? 20);
// Issue 26's shape: BENCH_SPREAD_STREAMS (10,000) viewers across BENCH_SPREAD_PROGRAMS (100) programs.
const SPREAD_PROGRAMS = Number(process.env.BENCH_SPREAD_PROGRAMS ?? 100);
const SPREAD_STREAMS = Number(process.env.BENCH_SPREAD_STREAMS ?? 10_000);
const SPREAD_APPENDS = Number(process.env.BENCH_SPREAD_APPENDS ?? 50);
const log = (text) => process.stderr.write(`  … ${text}\n`);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
// Wall-clock time: the same clock in both processes (a long-lived process's timeOrigin + now() can drift from another's).
const clock = () => Date.now();
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- the viewers' process: `node server-streams.js --viewers URLS N MODE` (stalled | reading): N
// streams spread in turn over the comma-separated URLS. A receipt is keyed `<url index>/<seq>`.
async function viewers(urls, n, mode) {
  const arrivals = new Map(); // `${url index}/${seq}` → receipt times
  const open = async (u) => {
    const { hostname, port, pathname, search } = new URL(urls[u]);
    const socket = connect(Number(port), hostname);
    await new Promise((r) => socket.once('connect', r));
    socket.write(`GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
    await new Promise((r) => socket.once('data', r));
    if (mode === 'stalled') return socket.pause();
    let carry = '';
    socket.setEncoding('utf8');
    socket.on('data', (text) => {
      const now = clock();
      carry += text;
      for (const m of carry.matchAll(/^id: (\d+)$/gm)) {
        const key = `${u}/${m[1]}`;
        if (!arrivals.has(key)) arrivals.set(key, []);
        arrivals.get(key).push(now);
      }
      carry = carry.slice(carry.lastIndexOf('\n') + 1);
    });
  };
  for (let i = 0; i < n; i += 50) await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, k) => open((i + k) % urls.length)));
  process.stdout.write('ready\n');
  createInterface({ input: process.stdin }).once('line', () => {
    process.stdout.write(JSON.stringify(Object.fromEntries(arrivals)) + '\n', () => process.exit(0));
  });
}

function startViewers(urls, n, mode) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--viewers', [urls].flat().join(','), String(n), mode], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const next = () => new Promise((r) => lines.once('line', r));
  return {
    ready: next(),
    async report() {
      const answer = next();
      child.stdin.write('report\n');
      return JSON.parse(await answer);
    },
    stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill('SIGKILL')))),
  };
}

// ---- the measuring process
async function startServe(args) {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'cutover.js'), 'serve', '--port', '0', '--log-level', 'warn', '--body-limit', '4000000', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((r) => createInterface({ input: child.stdout }).once('line', r));
  return { url, pid: child.pid, stop: () => new Promise((r) => (child.kill('SIGTERM'), child.once('exit', r))) };
}

/** Resident and peak memory of a process, MiB. */
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)[1]);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function healthzP99(url, count = 300) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await new Promise((res, rej) => request(`${url}/healthz`, { agent }, (r) => (r.resume(), r.on('end', res))).on('error', rej).end());
    times.push(performance.now() - t);
  }
  agent.destroy();
  return { p50: pct(times, 50), p99: pct(times, 99) };
}

/** A writer that continues `lines` (verified once) with blockers dated now. */
async function continuing(lines) {
  const { verifyLedger } = await import('../dist/ledger/verify.js');
  const { decide } = await import('../dist/domain/decide.js');
  const { evolve } = await import('../dist/domain/state.js');
  const { seal, serialize } = await import('../dist/ledger/chain.js');
  const { signerFromPem } = await import('../dist/ledger/keys.js');
  const owner = 'integration-program-owner';
  const signer = signerFromPem(readFileSync(join(ROOT, 'examples', 'memorykernel-service-v3', 'demo-keys', `${owner}.pem`), 'utf8'));
  let state = verifyLedger({ source: 'bench', lines }).state;
  let n = 0;
  return {
    head: () => state.head,
    next() {
      n++;
      const at = new Date().toISOString();
      const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
      const decided = decide(state, { type: 'raise-blocker', actor: owner, at, id: `S-${n}-${Date.now()}`, text: `stream soak ${n}`, owner, due });
      if (!decided.ok) throw decided.error;
      const event = seal(decided.events[0], { program: state.program, seq: state.seq + 1, at, prev: state.head }, signer);
      state = evolve(state, event);
      return serialize(event);
    },
  };
}

async function post(url, program, expectedHead, lines) {
  const r = await fetch(`${url}/v1/programs/${program}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ expectedHead, lines }) });
  if (r.status !== 201) throw new Error(`POST ${program}: ${r.status} ${await r.text()}`);
}

/** BENCH_APPENDS appends, one line each, to STREAMS reading viewers: the time from each POST's start to each receipt. */
async function fanOut(name, server, program, writer) {
  const stream = `${server.url}/v1/programs/${program}/events/stream`;
  const reading = startViewers(stream, STREAMS, 'reading');
  await reading.ready;
  const started = new Map();
  const posts = [];
  for (let i = 0; i < APPENDS; i++) {
    const head = writer.head();
    const line = writer.next();
    const seq = JSON.parse(line).seq;
    started.set(seq, clock());
    await post(server.url, program, head, [line]);
    posts.push(clock() - started.get(seq));
    await sleep(200);
  }
  await sleep(2_000);
  const arrivals = await reading.report();
  await reading.stop();
  const latencies = [];
  let missing = 0;
  for (const [seq, t0] of started) {
    const got = arrivals[`0/${seq}`] ?? [];
    missing += STREAMS - got.length;
    for (const t1 of got) latencies.push(t1 - t0);
  }
  const out = { p50: pct(latencies, 50), p99: pct(latencies, 99), postP50: pct(posts, 50), missing, load: load() };
  log(`${name}: an append reaching ${STREAMS} streams: p50 ${out.p50.toFixed(0)} ms, p99 ${out.p99.toFixed(0)} ms (the POST itself: p50 ${out.postP50.toFixed(0)} ms), ${missing} not received (load ${out.load})`);
  return out;
}

async function soak(name, server, program, writer) {
  const stream = `${server.url}/v1/programs/${program}/events/stream`;
  const t = performance.now();
  await (await fetch(`${server.url}/v1/programs/${program}/status`)).arrayBuffer(); // loads (verifies) the program
  log(`${name}: program loaded in ${(performance.now() - t).toFixed(0)} ms`);
  const out = { loaded: memoryOf(server.pid), loadBefore: load() };

  out.append = await fanOut(name, server, program, writer);
  for (const [key, url] of [['tail', stream], ['replay', `${stream}?from=1`]]) {
    const stalled = startViewers(url, STREAMS, 'stalled');
    await stalled.ready;
    await sleep(5_000); // let replays fill what the kernel holds
    out[key] = { ...memoryOf(server.pid), healthz: await healthzP99(server.url), load: load() };
    await stalled.stop();
    log(`${name}: ${STREAMS} non-reading streams (${key}): RSS ${out[key].rss.toFixed(0)} MiB, /healthz p99 ${out[key].healthz.p99.toFixed(1)} ms (load ${out[key].load})`);
    await sleep(1_000);
  }

  // The same again once the non-reading viewers have gone: nothing they left behind slows the rest.
  out.after = await fanOut(`${name}, after they left`, server, program, writer);
  out.end = memoryOf(server.pid);
  return out;
}

/** A new database `name` on the cluster, migrated: its URL, and a store on it (end `pool` when done). */
async function newDatabase(clusterUrl, name) {
  const { default: pg } = await import('pg');
  const { PostgresLedgerStore } = await import('../dist/store/postgres/postgres-store.js');
  const { createDatabase } = await import('./database.js');
  const url = await createDatabase(clusterUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  return { url, store: await PostgresLedgerStore.open(pool), pool };
}

/** The soak on a folder, and on PostgreSQL when `clusterUrl` (a server where a database may be created) is given. */
export async function streamSoak({ clusterUrl } = {}) {
  const { generate } = await import('./generate.js');
  const work = mkdtempSync(join(tmpdir(), 'cutover-bench-streams-'));
  const results = { streams: STREAMS, events: EVENTS, appends: APPENDS };
  try {
    const generated = await generate(work, EVENTS);
    const lines = readFileSync(generated.file, 'utf8').trimEnd().split('\n');
    const program = JSON.parse(lines[0]).program;
    results.mb = generated.bytes / 1e6;
    log(`stream soak: a ${EVENTS}-event program of ${results.mb.toFixed(1)} MB`);

    const data = join(work, 'data');
    (await import('node:fs')).mkdirSync(data);
    copyFileSync(generated.file, join(data, `${program}.jsonl`));
    const onFolder = await startServe(['--data', data]);
    try {
      results.file = await soak('--data', onFolder, program, await continuing(lines));
    } finally {
      await onFolder.stop();
    }

    if (clusterUrl) {
      const { url, store, pool } = await newDatabase(clusterUrl, `bench_streams_${process.pid}`);
      const events = lines.map((l) => JSON.parse(l));
      for (let i = 0; i < events.length; i += 2000) await store.append(program, i === 0 ? null : events[i - 1].hash, events.slice(i, i + 2000));
      await pool.end();
      const onPostgres = await startServe(['--database', url]);
      try {
        results.postgres = await soak('PostgreSQL', onPostgres, program, await continuing(lines));
      } finally {
        await onPostgres.stop();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  printSoak(results);
  return results;
}

/** `count` programs of one event each (the example's definition under ids of their own): their lines and a writer for each. */
async function smallPrograms(count) {
  const { decide } = await import('../dist/domain/decide.js');
  const { initialState } = await import('../dist/domain/state.js');
  const { seal, serialize } = await import('../dist/ledger/chain.js');
  const { digestOf } = await import('../dist/ledger/canonical.js');
  const { signerFromPem } = await import('../dist/ledger/keys.js');
  const { loadDefinition } = await import('../dist/program/load.js');
  const example = join(ROOT, 'examples', 'memorykernel-service-v3');
  const owner = 'integration-program-owner';
  const loaded = await loadDefinition(join(example, 'cutover.yaml'));
  const signer = signerFromPem(readFileSync(join(example, 'demo-keys', `${owner}.pem`), 'utf8'));
  const programs = [];
  for (let p = 0; p < count; p++) {
    const id = `spread-${String(p).padStart(4, '0')}`;
    const definition = { ...loaded.definition, program: { ...loaded.definition.program, id } };
    const at = new Date().toISOString();
    const decided = decide(initialState(), { type: 'define-program', definition, digest: digestOf(definition), fileDigest: loaded.fileDigest, actor: owner, at });
    if (!decided.ok) throw decided.error;
    const lines = [serialize(seal(decided.events[0], { program: id, seq: 1, at, prev: null }, signer))];
    programs.push({ id, lines, writer: await continuing(lines) });
  }
  return programs;
}

/**
 * The statements that read `cutover.events`, as pg_stat_statements counts them (the throwaway
 * cluster loads it where Debian's package has it): each distinct statement's calls. null where the
 * extension cannot be had.
 */
async function eventReads(url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const { rows } = await client.query(
      `SELECT query, sum(calls)::bigint AS calls FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND query ~* '^\\s*(WITH|SELECT).*FROM\\s+cutover\\.events' GROUP BY query`,
    );
    return new Map(rows.map((r) => [r.query.replace(/\s+/g, ' ').slice(0, 90), Number(r.calls)]));
  } catch {
    return null;
  } finally {
    await client.end();
  }
}

/** Calls per append of each statement between two `eventReads`, and in all. */
function readsPerAppend(before, after, appends) {
  if (before === null || after === null) return null;
  const each = {};
  let total = 0;
  for (const [query, calls] of after) {
    const n = (calls - (before.get(query) ?? 0)) / appends;
    if (n === 0) continue;
    each[query] = n;
    total += n;
  }
  return { total, each };
}

/** `n` appends, one line each, to the programs in turn; the start time of each, keyed `<program index>/<seq>`. */
async function appendsInTurn(server, programs, n) {
  const started = new Map();
  const posts = [];
  for (let k = 0; k < n; k++) {
    const i = k % programs.length;
    const { id, writer } = programs[i];
    const head = writer.head();
    const line = writer.next();
    const t0 = clock();
    started.set(`${i}/${JSON.parse(line).seq}`, t0);
    await post(server.url, id, head, [line]);
    posts.push(clock() - t0);
    await sleep(200);
  }
  return { started, postP50: pct(posts, 50) };
}

/**
 * SPREAD_STREAMS reading viewers across SPREAD_PROGRAMS programs, SPREAD_STREAMS / SPREAD_PROGRAMS
 * each: an append to one program reaching its viewers (p50, p99 over every receipt), the server's
 * RSS with every stream open, and on PostgreSQL the statements reading the events table per append
 * with no viewer and with them all (what the viewers add: one fetch per append, shared, and the
 * poll of every followed head, one statement per 15 s).
 */
async function spread(name, server, programs, dbUrl) {
  for (const { id } of programs) await (await fetch(`${server.url}/v1/programs/${id}/status`)).arrayBuffer(); // loaded
  const out = { loadBefore: load() };
  if (dbUrl !== undefined) {
    const r0 = await eventReads(dbUrl);
    await appendsInTurn(server, programs, SPREAD_APPENDS);
    out.readsAlone = readsPerAppend(r0, await eventReads(dbUrl), SPREAD_APPENDS);
  }
  const urls = programs.map(({ id }) => `${server.url}/v1/programs/${id}/events/stream`);
  const reading = startViewers(urls, SPREAD_STREAMS, 'reading');
  await reading.ready;
  out.rss = memoryOf(server.pid).rss;
  const r1 = dbUrl === undefined ? null : await eventReads(dbUrl);
  const { started, postP50 } = await appendsInTurn(server, programs, SPREAD_APPENDS);
  await sleep(2_000);
  if (dbUrl !== undefined) out.readsWatched = readsPerAppend(r1, await eventReads(dbUrl), SPREAD_APPENDS);
  const arrivals = await reading.report();
  await reading.stop();
  const perProgram = SPREAD_STREAMS / programs.length;
  const latencies = [];
  let missing = 0;
  for (const [key, t0] of started) {
    const got = arrivals[key] ?? [];
    missing += perProgram - got.length;
    for (const t1 of got) latencies.push(t1 - t0);
  }
  Object.assign(out, { p50: pct(latencies, 50), p99: pct(latencies, 99), postP50, missing, load: load() });
  log(`${name}: ${SPREAD_STREAMS} streams across ${programs.length} programs: an append reaching its ${perProgram} viewers p50 ${out.p50.toFixed(0)} ms, p99 ${out.p99.toFixed(0)} ms, ${missing} not received; RSS ${out.rss.toFixed(0)} MiB` +
    (out.readsWatched == null ? '' : `; statements reading cutover.events per append ${out.readsAlone.total.toFixed(2)} with no viewer, ${out.readsWatched.total.toFixed(2)} with them: ${JSON.stringify(out.readsWatched.each)}`) + ` (load ${out.load})`);
  return out;
}

/** The spread soak on a folder, and on PostgreSQL when `clusterUrl` is given. */
export async function spreadSoak({ clusterUrl } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'cutover-bench-spread-'));
  const results = { streams: SPREAD_STREAMS, programs: SPREAD_PROGRAMS, appends: SPREAD_APPENDS };
  const args = ['--max-streams', String(SPREAD_STREAMS + 100)];
  try {
    const data = join(work, 'data');
    (await import('node:fs')).mkdirSync(data);
    const onFolder = await smallPrograms(SPREAD_PROGRAMS);
    for (const { id, lines } of onFolder) (await import('node:fs')).writeFileSync(join(data, `${id}.jsonl`), lines.join('\n') + '\n');
    const folderServer = await startServe(['--data', data, ...args]);
    try {
      results.file = await spread('--data', folderServer, onFolder, undefined);
    } finally {
      await folderServer.stop();
    }
    if (clusterUrl) {
      const { url, store, pool } = await newDatabase(clusterUrl, `bench_spread_${process.pid}`);
      const onPostgres = await smallPrograms(SPREAD_PROGRAMS);
      for (const { id, lines } of onPostgres) await store.append(id, null, lines.map((l) => JSON.parse(l)));
      await pool.end();
      const pgServer = await startServe(['--database', url, ...args]);
      try {
        results.postgres = await spread('PostgreSQL', pgServer, onPostgres, url);
      } finally {
        await pgServer.stop();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`event streams spread: ${results.streams} viewers across ${results.programs} programs (${results.streams / results.programs} each), ${results.appends} appends in turn (budget p99 ≤ 250 ms, one read per append):`);
  for (const [store, s] of [['--data', results.file], ['PostgreSQL', results.postgres]]) {
    if (s === undefined) continue;
    console.log(`  ${store}: p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms, ${s.missing} deliveries missing; RSS with every stream open ${s.rss.toFixed(0)} MiB` +
      (s.readsWatched == null ? '' : `; statements reading cutover.events per append: ${s.readsAlone.total.toFixed(2)} with no viewer, ${s.readsWatched.total.toFixed(2)} with ${results.streams}`) + ` (load ${s.load})`);
    if (s.readsWatched != null) for (const [query, n] of Object.entries(s.readsWatched.each)) console.log(`    ${n.toFixed(2)} per append: ${query}`);
  }
  return results;
}

function printSoak(r) {
  console.log(`event streams: ${r.streams} viewers on a ${r.events}-event program (${r.mb.toFixed(1)} MB), load average printed beside each figure:`);
  for (const [store, s] of [['--data', r.file], ['PostgreSQL', r.postgres]]) {
    if (s === undefined) continue;
    console.log(`  ${store}: RSS ${s.loaded.rss.toFixed(0)} MiB with the program loaded (load ${s.loadBefore})`);
    console.log(`    ${r.streams} non-reading streams from the end: RSS ${s.tail.rss.toFixed(0)} MiB, /healthz p50 ${s.tail.healthz.p50.toFixed(1)} ms p99 ${s.tail.healthz.p99.toFixed(1)} ms (load ${s.tail.load})`);
    console.log(`    ${r.streams} non-reading streams replaying from seq 1: RSS ${s.replay.rss.toFixed(0)} MiB, /healthz p50 ${s.replay.healthz.p50.toFixed(1)} ms p99 ${s.replay.healthz.p99.toFixed(1)} ms (load ${s.replay.load})`);
    console.log(`    an append reaching ${r.streams} reading streams: p50 ${s.append.p50.toFixed(0)} ms, p99 ${s.append.p99.toFixed(0)} ms over ${r.appends} appends (the POST alone: p50 ${s.append.postP50.toFixed(0)} ms), ${s.append.missing} deliveries missing (load ${s.append.load})`);
    console.log(`    the same after the non-reading viewers left: p50 ${s.after.p50.toFixed(0)} ms, p99 ${s.after.p99.toFixed(0)} ms, ${s.after.missing} missing (load ${s.after.load}); peak RSS of the run ${s.end.peak.toFixed(0)} MiB`);
  }
}

if (process.argv[2] === '--viewers') await viewers(process.argv[3].split(','), Number(process.argv[4]), process.argv[5]);
else if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Alone: PostgreSQL at BENCH_PG_URL, else a throwaway cluster of its own.
  const { startCluster } = await import('../dist/store/postgres/throwaway-cluster.js');
  const cluster = process.env.BENCH_PG_URL ? null : await startCluster();
  try {
    const clusterUrl = process.env.BENCH_PG_URL ?? cluster.url;
    if (process.env.BENCH_STREAMS_PART !== 'spread') await streamSoak({ clusterUrl });
    if (process.env.BENCH_STREAMS_PART !== 'one') await spreadSoak({ clusterUrl });
  } finally {
    cluster?.stop();
  }
}
