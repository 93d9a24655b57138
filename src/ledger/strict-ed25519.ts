/**
 * libsodium's Ed25519 check (sodium-native's prebuilt module), used by `keys.ts` ahead of OpenSSL's.
 *
 * Why: on the machines measured, libsodium checks a signature in about half the time of Node's call
 * into OpenSSL (55 against 110 µs, docs/performance.md), and signatures are nearly all of `verify`.
 *
 * Why the verdict stays OpenSSL's: libsodium is stricter. It computes the same equation as OpenSSL
 * (the encoding of sB − hA equals R, h = SHA-512(R ‖ A ‖ M), s below the group order) and refuses
 * beside it what OpenSSL takes: a key or an R of small order, a key not encoded canonically. So what
 * libsodium accepts, OpenSSL accepts; what libsodium refuses is asked of OpenSSL, whose answer is the
 * verdict. test/ledger/strict-ed25519.property.spec.ts holds the two verdicts equal, on the edge
 * cases of Ed25519 implementations and on random edits.
 *
 * `CUTOVER_ED25519`: unset, libsodium is loaded once a thread has checked 64 signatures; `libsodium`,
 * from the first (the test suite's setting); `openssl`, never. Where the module does not load (no
 * prebuilt binary for the platform), every check is OpenSSL's alone.
 */
import { createRequire } from 'node:module';

interface Sodium {
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

/** The environment variable that chooses, and what it may say (unset or empty: the default). */
export const ED25519_ENV = 'CUTOVER_ED25519';
export const ED25519_SETTINGS: readonly string[] = ['openssl', 'libsodium'];

/** Loading the module costs about 4 ms, some 70 checks' savings: a short ledger is checked without it. */
const CHECKS_BEFORE_LOADING = 64;

/** The module once loaded, null when it cannot be (or is not wanted), undefined until then. */
let sodium: Sodium | null | undefined;
let checksBeforeLoading = process.env[ED25519_ENV] === 'libsodium' ? 1 : CHECKS_BEFORE_LOADING;

function loadSodium(): Sodium | null {
  if (process.env[ED25519_ENV] === 'openssl') return null;
  try {
    // Not an import: the bundle cannot hold a native module, and most commands never load it.
    return createRequire(import.meta.url)('sodium-native') as Sodium;
  } catch {
    return null;
  }
}

/**
 * True only when libsodium accepts `signature` as `publicKey`'s (32 raw bytes) over `message`;
 * false when it refuses, when it is not loaded (yet), or on any failure: false is never a verdict,
 * only "ask OpenSSL".
 */
export function strictlyAccepted(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (sodium === undefined) {
    if (--checksBeforeLoading > 0) return false;
    sodium = loadSodium();
  }
  if (sodium === null) return false;
  try {
    return sodium.crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}

/** Whether libsodium checks signatures in this thread now (loading it if it is due): for tests and benchmarks. */
export function strictCheckLoaded(): boolean {
  if (sodium === undefined) sodium = loadSodium();
  return sodium !== null;
}
