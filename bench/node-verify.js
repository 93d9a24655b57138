// What a Node program reaches with each of the two Ed25519 checks `verify` can make: verifications
// per second in a tight loop on `threads` threads, over messages the size of the bench's signed forms
// (about 820 bytes), by Node's `crypto.verify` (OpenSSL) with a cached KeyObject, or by libsodium
// (sodium-native, src/ledger/strict-ed25519.ts). The benchmarks print both beside openssl's figure:
// Node's call prepares a new OpenSSL context for each check, where `openssl speed` prepares one and
// reuses it; libsodium's arithmetic is about twice OpenSSL's here. `verify` comes no closer to
// libsodium's figure than the work beside each signature lets it.
//
//   node bench/node-verify.js 2              # prints one sample, verifications/s on 2 threads (Node's call)
//   node bench/node-verify.js 1 libsodium    # libsodium's, on one thread
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const SECONDS = 2;
const MESSAGE_BYTES = 820;

/** Verifications per second on one thread for `seconds`, by `check` ('node' or 'libsodium'). */
function tightLoop(seconds, check) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
  const sodium = check === 'libsodium' ? createRequire(import.meta.url)('sodium-native') : null;
  const holds = sodium === null ? (m, s) => verify(null, m, publicKey, s) : (m, s) => sodium.crypto_sign_verify_detached(s, m, raw);
  const messages = Array.from({ length: 64 }, (_, i) => Buffer.alloc(MESSAGE_BYTES, i + 1));
  const signatures = messages.map((m) => sign(null, m, privateKey));
  let checked = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < messages.length; i++) if (!holds(messages[i], signatures[i])) throw new Error('a signature did not verify');
    checked += messages.length;
  }
  return checked / ((performance.now() - start) / 1000);
}

/** One sample in a process of its own (as openssl's is): verifications/s on `threads` threads, or null. */
export function nodeVerifySample(threads, check = 'node') {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), String(threads), check], { encoding: 'utf8' });
  const rate = Number(r.stdout.trim());
  return r.status === 0 && Number.isFinite(rate) ? rate : null;
}

/** libsodium's call alone, sampled as Node's is. */
export const libsodiumVerifySample = (threads) => nodeVerifySample(threads, 'libsodium');

if (!isMainThread) {
  parentPort.postMessage(tightLoop(SECONDS, workerData));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const threads = Math.max(1, Number(process.argv[2] ?? 1));
  const check = process.argv[3] ?? 'node';
  const rates =
    threads === 1
      ? [tightLoop(SECONDS, check)]
      : await Promise.all(
          Array.from({ length: threads }, () => new Promise((resolve, reject) => new Worker(fileURLToPath(import.meta.url), { workerData: check }).once('message', resolve).once('error', reject))),
        );
  console.log(Math.round(rates.reduce((a, b) => a + b, 0)));
}
