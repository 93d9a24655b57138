// What Node itself reaches: Ed25519 verifications per second by `crypto.verify` with a cached
// KeyObject, in a tight loop on `threads` threads, over messages the size of the bench's signed forms
// (about 820 bytes). The benchmarks print it beside openssl's figure: `verify` can come no closer to
// openssl than Node's own call does (Node prepares a new OpenSSL context for each check, where
// `openssl speed` prepares one and reuses it), so the two ratios together say how much of the gap is
// cutover's and how much is the signature call's.
//
//   node bench/node-verify.js 2      # prints one sample, verifications/s on 2 threads
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const SECONDS = 2;
const MESSAGE_BYTES = 820;

/** Verifications per second on one thread for `seconds`. */
function tightLoop(seconds) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const messages = Array.from({ length: 64 }, (_, i) => Buffer.alloc(MESSAGE_BYTES, i + 1));
  const signatures = messages.map((m) => sign(null, m, privateKey));
  let checked = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < messages.length; i++) if (!verify(null, messages[i], publicKey, signatures[i])) throw new Error('a signature did not verify');
    checked += messages.length;
  }
  return checked / ((performance.now() - start) / 1000);
}

/** One sample in a process of its own (as openssl's is): verifications/s on `threads` threads, or null. */
export function nodeVerifySample(threads) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), String(threads)], { encoding: 'utf8' });
  const rate = Number(r.stdout.trim());
  return r.status === 0 && Number.isFinite(rate) ? rate : null;
}

if (!isMainThread) {
  parentPort.postMessage(tightLoop(workerData));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const threads = Math.max(1, Number(process.argv[2] ?? 1));
  const rates =
    threads === 1
      ? [tightLoop(SECONDS)]
      : await Promise.all(
          Array.from({ length: threads }, () => new Promise((resolve, reject) => new Worker(fileURLToPath(import.meta.url), { workerData: SECONDS }).once('message', resolve).once('error', reject))),
        );
  console.log(Math.round(rates.reduce((a, b) => a + b, 0)));
}
