/**
 * Ed25519 keys via node:crypto. A public key is written `ed25519:<base64 of the 32 raw bytes>`
 * (the form pasted into `cutover.yaml`); a private key is PKCS#8 PEM. Signatures are checked by
 * libsodium first where it loads, with OpenSSL's verdict (`strict-ed25519.ts`).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { strictlyAccepted } from './strict-ed25519.js';

const PREFIX = 'ed25519:';
/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface Signer {
  /** `ed25519:<base64>` */
  readonly publicKey: string;
  sign(message: Uint8Array): string;
}

export function generateKeyPair(): { privateKeyPem: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: encodePublicKey(publicKey) };
}

function encodePublicKey(key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' });
  return PREFIX + der.subarray(SPKI_PREFIX.length).toString('base64');
}

/** Load a PEM private key. Throws a TypeError naming what is wrong; callers add where it came from. */
export function signerFromPem(pem: string): Signer {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    throw new TypeError(`not a PEM private key (${(e as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError(`an ${key.asymmetricKeyType} key, not an Ed25519 key`);
  const publicKey = encodePublicKey(createPublicKey(key));
  return { publicKey, sign: (message) => sign(null, message, key).toString('base64') };
}

/** A public key as each check takes it: OpenSSL's key object, and the raw bytes libsodium takes. */
interface PublicKey {
  readonly object: KeyObject;
  readonly raw: Buffer;
}

const publicKeyCache = new Map<string, PublicKey>();

function publicKeyOf(publicKey: string): PublicKey {
  let key = publicKeyCache.get(publicKey);
  if (key === undefined) {
    const raw = Buffer.from(publicKey.slice(PREFIX.length), 'base64');
    if (!publicKey.startsWith(PREFIX) || raw.length !== 32) throw new TypeError(`not an Ed25519 public key: ${publicKey}`);
    key = { object: createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' }), raw };
    publicKeyCache.set(publicKey, key);
  }
  return key;
}

/**
 * OpenSSL's verdict on `signature` (64 bytes): libsodium's acceptance implies it and costs half as
 * much (`strict-ed25519.ts`); a signature libsodium refuses is judged by OpenSSL alone.
 */
function signatureHolds(publicKey: string, message: Uint8Array, signature: Buffer): boolean {
  const key = publicKeyOf(publicKey);
  return strictlyAccepted(key.raw, message, signature) || verify(null, message, key.object, signature);
}

/**
 * Whether `text` is the canonical base64 of 64 bytes: 85 characters of the standard alphabet, one
 * whose last four bits are zero, and the padding. Exactly the texts that decode to 64 bytes and
 * encode back to themselves (Node's decoder also takes URL-safe letters, spaces and missing
 * padding: those are refused). A loop, not a pattern or a round trip: `verify` asks once an event.
 */
function isCanonicalSignature(text: string): boolean {
  if (text.length !== 88 || text.charCodeAt(86) !== 0x3d || text.charCodeAt(87) !== 0x3d) return false;
  for (let i = 0; i < 86; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7a || BASE64_VALUE[c]! < 0) return false;
  }
  return (BASE64_VALUE[text.charCodeAt(85)]! & 0x0f) === 0;
}

/** Each ASCII character's value in the standard base64 alphabet, or -1. */
const BASE64_VALUE = (() => {
  const values = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let v = 0; v < 64; v++) values[alphabet.charCodeAt(v)] = v;
  return values;
})();

// Decoded into, once a check: both checks are synchronous and keep no reference to it.
const signatureBytes = Buffer.alloc(64);

/** True when `signature` (base64) is `publicKey`'s signature of `message`. Never throws on bad input. */
export function verifySignature(publicKey: string, message: Uint8Array, signature: string): boolean {
  try {
    if (!isCanonicalSignature(signature)) return false;
    signatureBytes.write(signature, 'base64');
    return signatureHolds(publicKey, message, signatureBytes);
  } catch {
    return false;
  }
}

/**
 * `verifySignature` for a signature whose text is the ASCII bytes [from, to) of `text` (a line
 * already copied into a buffer, `seal-check.ts`): the same texts verify, read and decoded in one
 * loop over bytes, cheaper than a string's characters one at a time and Node's decoder.
 * `message` may share `text`'s memory: the signature is decoded before either is read again.
 */
export function verifySignatureIn(publicKey: string, message: Uint8Array, text: Uint8Array, from: number, to: number): boolean {
  try {
    if (!decodeCanonicalSignature(text, from, to)) return false;
    return signatureHolds(publicKey, message, signatureBytes);
  } catch {
    return false;
  }
}

/**
 * Decode into `signatureBytes` the bytes [from, to) of `text` when they are what
 * `isCanonicalSignature` takes (85 characters of the alphabet, the last with its four low bits
 * zero, `==`); false, and `signatureBytes` left as it may be, when not.
 */
function decodeCanonicalSignature(text: Uint8Array, from: number, to: number): boolean {
  if (to - from !== 88 || text[from + 86] !== 0x3d || text[from + 87] !== 0x3d) return false;
  // 21 groups of four characters, three bytes each; then two characters, one byte.
  for (let g = 0; g < 21; g++) {
    const at = from + 4 * g;
    const a = BASE64_VALUE[text[at]! & 0x7f]!;
    const b = BASE64_VALUE[text[at + 1]! & 0x7f]!;
    const c = BASE64_VALUE[text[at + 2]! & 0x7f]!;
    const d = BASE64_VALUE[text[at + 3]! & 0x7f]!;
    if ((a | b | c | d) < 0 || (text[at]! | text[at + 1]! | text[at + 2]! | text[at + 3]!) > 0x7f) return false;
    signatureBytes[3 * g] = (a << 2) | (b >> 4);
    signatureBytes[3 * g + 1] = ((b & 0x0f) << 4) | (c >> 2);
    signatureBytes[3 * g + 2] = ((c & 0x03) << 6) | d;
  }
  const a = BASE64_VALUE[text[from + 84]! & 0x7f]!;
  const b = BASE64_VALUE[text[from + 85]! & 0x7f]!;
  if ((a | b) < 0 || (text[from + 84]! | text[from + 85]!) > 0x7f || (b & 0x0f) !== 0) return false;
  signatureBytes[63] = (a << 2) | (b >> 4);
  return true;
}
