#!/usr/bin/env node
// What `verify` spends per event beside the signature, against the signature itself, on this CPU.
//
//   node bench/verify-cpu.js                    # 20,000 events of the bench's ledger, 7 rounds
//   VERIFY_CPU_EVENTS=50000 VERIFY_CPU_ROUNDS=9 node bench/verify-cpu.js
//
// In one thread, over the same lines, interleaved rounds of:
//   - signature: libsodium's check of each line's signed form (sodium-native), the check `verify`
//     makes first and whose acceptance stands (src/ledger/strict-ed25519.ts);
//   - signature, OpenSSL: Node's crypto.verify of the same with a cached KeyObject, the single check
//     OpenSSL makes (what `openssl speed ed25519` times), and the verdict of any line libsodium refuses;
//   - verify:    the path `verify --threads 1` runs (verifyChunks over the file's chunks: lines,
//     parse, shape, seal, hash, signature, fold), with the built modules in dist/;
//   - verify on 2 threads: the same on two workers, the CPU of every thread counted (the workers
//     check seals, this thread parses, checks shapes and folds);
//   - each piece of the rest alone, to say where it goes (the fold also split into the policy's
//     admission of each event and evolve, without the chain, key and authority rules around them;
//     the seal's scan of the text).
// Figures are CPU µs per event (process.cpuUsage), medians of the rounds; the work beside the
// signature is verify − signature, printed as a share of the signature (issue 30's aim: ≤ 10%).
// Then `verify` against openssl on this machine: each check alone against `openssl speed ed25519`
// (samples interleaved, one thread); verify's CPU per event against openssl's per check; and the
// most `verify` could reach: libsodium's call times the share of a line's CPU that the signature
// would be if nothing but the pieces every line needs (split, parse, shape, seal scan, sha256, fold)
// were spent beside it.
// The machine's load average is printed: CPU time per event grows on a loaded machine too.
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { generate } from './generate.js';
import { libsodiumVerifySample, nodeVerifySample } from './node-verify.js';
import { opensslVerifySample } from './openssl.js';
import { verifyChunks } from '../dist/ledger/check-pool.js';
import { formsFromCanonicalLine } from '../dist/ledger/chain.js';
import { sha256Hex } from '../dist/ledger/canonical.js';
import { isEventDataShape, isLedgerLineShape } from '../dist/ledger/shape-checks.js';
import { chunkLines } from '../dist/ledger/line-check.js';
import { sealPlacesOf } from '../dist/ledger/line-seals.js';
import { sealFaultOf } from '../dist/ledger/seal-check.js';
import { LineFolder } from '../dist/ledger/fold.js';
import { evolve, initialState } from '../dist/domain/state.js';
import { admissionRefusal } from '../dist/domain/admission.js';

const EVENTS = Number(process.env.VERIFY_CPU_EVENTS ?? 20_000);
const ROUNDS = Number(process.env.VERIFY_CPU_ROUNDS ?? 7);
const CHUNK = 1 << 20;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
// Samples of Node's call alone and of openssl, for the ceiling (2 s each).
const CEILING_SAMPLES = Number(process.env.VERIFY_CPU_CEILING_SAMPLES ?? 5);
// What no verify can skip for a line: reading it, parsing it, its shape, its canonical form, its hash, its fold.
const NEEDED = ['lines (split)', 'JSON.parse', 'shape checks', 'seal scan (canonical)', 'sha256', 'fold'];
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/** CPU µs per event of `run` (which handles all `n` events once). */
async function perEvent(n, run) {
  const start = process.cpuUsage();
  await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-verify-cpu-'));
  try {
    process.stderr.write(`  … generating ${EVENTS} events\n`);
    const { file } = await generate(dir, EVENTS);
    const bytes = readFileSync(file);
    const { lines } = chunkLines(bytes);
    const n = lines.length;
    const events = lines.map((l) => JSON.parse(l));
    const forms = lines.map((l, i) => formsFromCanonicalLine(l, events[i]));
    const signed = forms.map((f) => Buffer.from(f.signed, 'utf8'));
    const sigs = events.map((e) => Buffer.from(e.sig.value, 'base64'));
    const SPKI = Buffer.from('302a300506032b6570032100', 'hex');
    const keyObjects = new Map();
    const keyOf = (k) => {
      let o = keyObjects.get(k);
      if (o === undefined) keyObjects.set(k, (o = createPublicKey({ key: Buffer.concat([SPKI, Buffer.from(k.slice(8), 'base64')]), format: 'der', type: 'spki' })));
      return o;
    };
    const keys = events.map((e) => keyOf(e.sig.key));
    const rawKeys = events.map((e) => Buffer.from(e.sig.key.slice(8), 'base64'));
    const sodium = createRequire(import.meta.url)('sodium-native');
    const checks = events.map((event) => ({ ok: true, event }));
    const chunks = [];
    for (let at = 0; at < bytes.length; ) {
      let end = Math.min(bytes.length, at + CHUNK);
      if (end < bytes.length) end = bytes.lastIndexOf(0x0a, end - 1) + 1;
      chunks.push(bytes.subarray(at, end));
      at = end;
    }
    async function* chunked() {
      for (const c of chunks) yield { bytes: c, offset: -1 };
    }

    const figures = {
      signature: () => {
        for (let i = 0; i < n; i++) if (!sodium.crypto_sign_verify_detached(sigs[i], signed[i], rawKeys[i])) throw new Error(`line ${i + 1} does not verify`);
      },
      'signature, OpenSSL': () => {
        for (let i = 0; i < n; i++) if (!cryptoVerify(null, signed[i], keys[i], sigs[i])) throw new Error(`line ${i + 1} does not verify`);
      },
      verify: async () => {
        const head = await verifyChunks(file, chunked(), { state: initialState(), last: null }, { threads: 1 });
        if (head.lines !== n) throw new Error('verify did not see every line');
      },
      'verify on 2 threads': async () => {
        const head = await verifyChunks(file, chunked(), { state: initialState(), last: null }, { threads: 2 });
        if (head.lines !== n) throw new Error('verify did not see every line');
      },
      'lines (split)': () => {
        for (const c of chunks) chunkLines(c);
      },
      'JSON.parse': () => {
        for (const l of lines) JSON.parse(l);
      },
      'shape checks': () => {
        for (const e of events) if (!isLedgerLineShape(e) || !isEventDataShape(e.type, e.data)) throw new Error('shape');
      },
      'seal scan (canonical)': () => {
        for (const l of lines) if (sealPlacesOf(l, true) === null) throw new Error('a line the scan cannot read');
      },
      sha256: () => {
        for (const f of forms) sha256Hex(f.hashed);
      },
      'seal from text (with signature)': () => {
        for (const l of lines) if (sealFaultOf(l, true) !== null) throw new Error('a seal that does not hold');
      },
      fold: () => {
        const folder = new LineFolder({ state: initialState(), last: null }, file, false);
        for (const check of checks) folder.add(check, () => []);
      },
      // The fold's two domain parts, for where its time goes: the policy's admission of each event
      // (decide again, compare) is 'fold: admission + evolve' less 'fold: evolve'.
      'fold: admission + evolve': () => {
        let state = initialState();
        for (const event of events) {
          if (admissionRefusal(state, event) !== null) throw new Error(`seq ${event.seq} is refused`);
          state = evolve(state, event);
        }
      },
      'fold: evolve': () => {
        let state = initialState();
        for (const event of events) state = evolve(state, event);
      },
    };
    const runs = Object.fromEntries(Object.keys(figures).map((k) => [k, []]));
    const loads = [load()];
    for (let r = 0; r < ROUNDS; r++) {
      process.stderr.write(`  … round ${r + 1} of ${ROUNDS} (load ${load()})\n`);
      for (const [name, run] of Object.entries(figures)) runs[name].push(await perEvent(n, run));
    }
    const ceiling = { node: [], libsodium: [], openssl: [] };
    for (let r = 0; r < CEILING_SAMPLES; r++) {
      process.stderr.write(`  … each check alone and openssl, sample ${r + 1} of ${CEILING_SAMPLES}\n`);
      ceiling.openssl.push(opensslVerifySample(1));
      ceiling.node.push(nodeVerifySample(1));
      ceiling.libsodium.push(libsodiumVerifySample(1));
    }
    loads.push(load());
    const m = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)]));
    const beside = m.verify - m.signature;
    const cpu = cpus()[0]?.model?.trim() ?? 'unknown cpu';
    console.log(`verify CPU per event (node ${process.version}, ${cpu}; ${n} events, medians of ${ROUNDS} rounds; load average ${loads.join(' → ')})`);
    const whole = new Set(['signature', 'signature, OpenSSL', 'verify', 'verify on 2 threads', 'seal from text (with signature)']);
    for (const [name, us] of Object.entries(m)) console.log(`${name.padEnd(32)}${us.toFixed(2).padStart(8)} µs${whole.has(name) ? '' : `  ${((100 * us) / m.signature).toFixed(1)}% of the signature`}`);
    console.log(`${'beside the signature'.padEnd(32)}${beside.toFixed(2).padStart(8)} µs  ${((100 * beside) / m.signature).toFixed(1)}% of the signature (verify − signature; aim ≤ 10%)`);
    const beside2 = m['verify on 2 threads'] - m.signature;
    console.log(`${'beside it, on 2 threads'.padEnd(32)}${beside2.toFixed(2).padStart(8)} µs  ${((100 * beside2) / m.signature).toFixed(1)}% of the signature (every thread's CPU)`);
    const needed = NEEDED.reduce((sum, name) => sum + m[name], 0);
    console.log(`${'the pieces every line needs'.padEnd(32)}${needed.toFixed(2).padStart(8)} µs  ${((100 * needed) / m.signature).toFixed(1)}% of the signature (${NEEDED.join(', ')})`);
    console.log(`${'beside OpenSSL\'s signature'.padEnd(32)}${(m.verify - m.signature).toFixed(2).padStart(8)} µs  ${((100 * (m.verify - m.signature)) / m['signature, OpenSSL']).toFixed(1)}% of OpenSSL's check (the same work, against the check verify made before libsodium)`);
    const rateOf = (xs) => median(xs.filter((x) => x !== null));
    const opensslRate = rateOf(ceiling.openssl);
    const nodeShare = rateOf(ceiling.node) / opensslRate;
    const sodiumShare = rateOf(ceiling.libsodium) / opensslRate;
    const reachable = (sodiumShare * m.signature) / (m.signature + needed);
    console.log(
      !Number.isFinite(nodeShare) || !Number.isFinite(sodiumShare)
        ? 'each check / openssl: n/a (openssl speed or a check could not run)'
        : `Node's call alone / openssl      ${nodeShare.toFixed(2).padStart(8)}     (${Math.round(rateOf(ceiling.node))} / ${Math.round(opensslRate)} per s, one thread, medians of ${CEILING_SAMPLES})\n` +
            `libsodium's call alone / openssl ${sodiumShare.toFixed(2).padStart(8)}     (${Math.round(rateOf(ceiling.libsodium))} / ${Math.round(opensslRate)} per s)\n` +
            `verify / openssl (CPU a line)   ${(1e6 / opensslRate / m.verify).toFixed(2).padStart(8)}     (openssl's µs a check / verify's µs an event; at most ${reachable.toFixed(2)}: libsodium's call × signature / (signature + the pieces every line needs))`,
    );
    console.log(
      JSON.stringify({
        bench: 'cutover-verify-cpu',
        node: process.version,
        cpu,
        events: n,
        rounds: ROUNDS,
        load: loads,
        microsPerEvent: m,
        besideSignature: beside,
        besideShare: beside / m.signature,
        besideOnTwoThreads: beside2,
        neededBeside: needed,
        nodeVsOpenssl: nodeShare,
        libsodiumVsOpenssl: sodiumShare,
        verifyVsOpenssl: 1e6 / opensslRate / m.verify,
        reachableVsOpenssl: reachable,
        runs,
        ceiling,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
