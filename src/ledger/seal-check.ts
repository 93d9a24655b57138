/**
 * A line's seal (canonical form, hash, signature) checked from its text, without parsing it. Beside
 * the signature, this is all the work a checking thread does for a line: the thread that folds the
 * ledger parses each line once and checks its shape, and a seal's verdict counts only for a line
 * whose parse and shape hold. For such a line the verdict is the reference's (`line-check.ts`,
 * re-serializing): a property test holds them equal on randomly edited lines.
 *
 * An ASCII line (a character is then a byte) is copied into one reused buffer, read there, and its
 * hashed and signed forms cut there, so such a line costs no new strings or buffers.
 */
import { hash } from 'node:crypto';
import type { LedgerFault } from '../errors.js';
import { verifySignature, verifySignatureIn } from './keys.js';
import { sealPlacesOf } from './line-seals.js';
import { SIGNING_CONTEXT } from './signing-context.js';

/** What a seal check can find wrong with a line. */
export interface SealFault {
  readonly fault: Extract<LedgerFault, 'not-canonical' | 'edited' | 'bad-signature'>;
  readonly detail: string;
}

/** The words of each seal fault, shared with the reference so that both say exactly the same. */
export const NOT_CANONICAL: SealFault = {
  fault: 'not-canonical',
  detail: 'the line is not in canonical JSON form (RFC 8785): it was rewritten by hand or by another tool',
};
export const hashMismatch = (recorded: string, actual: string): SealFault => ({
  fault: 'edited',
  detail: `content does not match its hash (recorded ${recorded}, content hashes to ${actual})`,
});
export const badSignature = (key: string): SealFault => ({
  fault: 'bad-signature',
  detail: `the signature does not verify with key ${key}: the event was altered and re-hashed, or signed with another key`,
});

/** The seal as the reference reads it from a parsed line: its forms, recorded hash and signature. */
export interface ParsedSeal {
  readonly forms: { readonly hashed: string; readonly signed: string } | null;
  readonly hash: string;
  readonly key: string;
  readonly value: string;
}

/** Judge a seal already read (the reference's path, and the fallback of the pass below). */
export function sealFaultOfParsed(seal: ParsedSeal): SealFault | null {
  if (seal.forms === null) return NOT_CANONICAL;
  const actual = `sha256:${hash('sha256', seal.forms.hashed, 'hex')}`;
  if (actual !== seal.hash) return hashMismatch(seal.hash, actual);
  if (!verifySignature(seal.key, Buffer.from(seal.forms.signed, 'utf8'), seal.value)) return badSignature(seal.key);
  return null;
}

const CONTEXT = Buffer.from(SIGNING_CONTEXT, 'utf8');
// One buffer, reused for every line (lines are checked one at a time in a thread): the signing
// context, then the line, from which the hash and then the signature members are cut in place;
// after it, copies of the recorded digest and of the signature's text, which the cuts overwrite.
let forms = Buffer.allocUnsafe(16 << 10);
CONTEXT.copy(forms);

const bytesOf = (text: string): Uint8Array => Uint8Array.from(text, (ch) => ch.charCodeAt(0));
const SIG_HEAD = bytesOf(',"sig":{"key":"');
const VALUE_HEAD = bytesOf('","value":"');
const SHA256 = bytesOf('sha256:');

/** Whether `bytes` holds `text` at `at`, wholly before `end`. */
function bytesAt(bytes: Uint8Array, at: number, end: number, text: Uint8Array): boolean {
  if (at < 0 || at + text.length > end) return false;
  for (let k = 0; k < text.length; k++) if (bytes[at + k] !== text[k]) return false;
  return true;
}

/** Where the next quote is in [from, end) of `bytes`, or -1. */
function quoteIn(bytes: Uint8Array, from: number, end: number): number {
  for (let k = from; k < end; k++) if (bytes[k] === 0x22) return k;
  return -1;
}

// The keys of recent lines: a ledger's lines are signed by a few keys, often each in turn. A line's
// key is compared with these in place, and its signature checked with the string kept, whose hash
// the key cache (`keys.ts`) then has at hand; a key not among them is read from the line and kept.
const recentKeys: { readonly text: string; readonly bytes: Uint8Array }[] = [];
let nextKept = 0;

/** The key whose text is [from, to) of `bytes` (ASCII). */
function keyIn(bytes: Buffer, from: number, to: number): string {
  const length = to - from;
  // Keys differ early (`ed25519:` then random base64): one byte rules most of them out.
  const probe = length > 8 ? bytes[from + 8] : -1;
  for (let k = 0; k < recentKeys.length; k++) {
    const key = recentKeys[k]!;
    if (key.bytes.length !== length || (length > 8 && key.bytes[8] !== probe)) continue;
    let same = true;
    for (let j = 0; j < length && same; j++) same = key.bytes[j] === bytes[from + j];
    if (same) return key.text;
  }
  // Copies: the buffer is rewritten by the next line.
  const text = bytes.toString('latin1', from, to);
  recentKeys[nextKept] = { text, bytes: Uint8Array.from(bytes.subarray(from, to)) };
  nextKept = (nextKept + 1) % 8;
  return text;
}

/**
 * The seal fault of `line`, or null when its seal holds; `undefined` when the text alone cannot tell
 * (an escape, a surrogate, a line not surely canonical, a seal of another shape): the caller then asks
 * the reference, which parses. `ascii`: whether the line is all ASCII (each character one byte).
 */
export function sealFaultOf(line: string, ascii: boolean): SealFault | null | undefined {
  return ascii ? sealFaultOfAscii(line) : sealFaultOfString(line);
}

/**
 * An ASCII line: its seal found by the same scan as any line's (`sealPlacesOf`), then its forms cut
 * from the bytes it is copied into once (a character is a byte), so no string is cut from the line
 * but its key's (once a key) and a fault's words. The same verdicts as `sealFaultOfString`
 * (test/ledger/seal-check-ascii.property.spec.ts; test/ledger/line-seals.property.spec.ts holds the
 * scan to the reference).
 */
function sealFaultOfAscii(line: string): SealFault | null | undefined {
  const c = CONTEXT.length;
  const end = c + line.length;
  // The line, then room for its digest's and its signature's copies (each shorter than the line).
  if (end + line.length + 64 > forms.length) {
    forms = Buffer.allocUnsafe(2 * (end + line.length + 64));
    CONTEXT.copy(forms);
  }
  forms.write(line, c, 'latin1');
  const places = sealPlacesOf(line, true);
  if (places === null) return undefined;
  const hashFrom = c + places.hashFrom;
  const hashTo = c + places.hashTo;
  const sigFrom = c + places.sigFrom;
  const sigTo = c + places.sigTo;
  // As in sealFaultOfString, in bytes.
  if (forms[hashFrom + 8] !== 0x22 || forms[hashTo - 1] !== 0x22) return undefined;
  if (!bytesAt(forms, sigFrom, end, SIG_HEAD)) return undefined;
  const keyFrom = sigFrom + 15;
  const keyTo = quoteIn(forms, keyFrom, end);
  if (keyTo < 0 || !bytesAt(forms, keyTo, end, VALUE_HEAD)) return undefined;
  const valueFrom = keyTo + 11;
  const valueTo = quoteIn(forms, valueFrom, end);
  if (valueTo !== sigTo - 2 || forms[sigTo - 1] !== 0x7d) return undefined;

  // Read before the cuts: whether the recorded value is `sha256:` and 64 characters, a copy of
  // them, the key, and a copy of the signature's text.
  const recorded = hashTo - hashFrom === 81 && bytesAt(forms, hashFrom + 9, end, SHA256);
  const digestAt = end;
  forms.copyWithin(digestAt, hashFrom + 16, hashFrom + 80);
  const key = keyIn(forms, keyFrom, keyTo);
  const signatureAt = digestAt + 64;
  forms.copyWithin(signatureAt, valueFrom, valueTo);

  // The line without its hash member is hashed; then, also without its signature member, it is signed.
  forms.copyWithin(hashFrom, hashTo, end);
  const hashedEnd = end - (hashTo - hashFrom);
  const actual = hash('sha256', forms.subarray(c, hashedEnd), 'hex');
  const sigAt = sigFrom - (hashTo - hashFrom);
  forms.copyWithin(sigAt, sigAt + (sigTo - sigFrom), hashedEnd);
  const signed = forms.subarray(0, hashedEnd - (sigTo - sigFrom));

  // The recorded value is `sha256:` and this digest in hex, or the line was edited.
  let same = recorded;
  for (let k = 0; k < 64 && same; k++) same = forms[digestAt + k] === actual.charCodeAt(k);
  if (!same) return hashMismatch(line.slice(places.hashFrom + 9, places.hashTo - 1), `sha256:${actual}`);
  return verifySignatureIn(key, signed, forms, signatureAt, signatureAt + (valueTo - valueFrom)) ? null : badSignature(key);
}

/** A line of any characters, read as a string. */
function sealFaultOfString(line: string): SealFault | null | undefined {
  const places = sealPlacesOf(line);
  if (places === null) return undefined;
  const { hashFrom, hashTo, sigFrom, sigTo } = places;
  // `,"hash":"<value>"` and `,"sig":{"key":"<key>","value":"<value>"}`: the shape check refuses
  // anything else, and in a line with no backslash each string ends at its next quote.
  if (line.charCodeAt(hashFrom + 8) !== 0x22 || line.charCodeAt(hashTo - 1) !== 0x22) return undefined;
  if (!line.startsWith(',"sig":{"key":"', sigFrom)) return undefined;
  const keyFrom = sigFrom + 15;
  const keyTo = line.indexOf('"', keyFrom);
  if (keyTo < 0 || !line.startsWith('","value":"', keyTo)) return undefined;
  const valueFrom = keyTo + 11;
  const valueTo = line.indexOf('"', valueFrom);
  if (valueTo !== sigTo - 2 || line.charCodeAt(sigTo - 1) !== 0x7d) return undefined;

  const head = line.slice(0, hashFrom);
  const actual = hash('sha256', head + line.slice(hashTo), 'hex');
  const signed = Buffer.from(SIGNING_CONTEXT + head + line.slice(hashTo, sigFrom) + line.slice(sigTo), 'utf8');
  // The recorded value is `sha256:` and this digest in hex, or the line was edited.
  if (hashTo - hashFrom !== 81 || !line.startsWith('sha256:', hashFrom + 9) || !line.startsWith(actual, hashFrom + 16)) {
    return hashMismatch(line.slice(hashFrom + 9, hashTo - 1), `sha256:${actual}`);
  }
  const key = line.slice(keyFrom, keyTo);
  return verifySignature(key, signed, line.slice(valueFrom, valueTo)) ? null : badSignature(key);
}
