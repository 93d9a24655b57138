/**
 * A line's seal (canonical form, hash, signature) checked from its text, without parsing it. Beside
 * the signature, this is all the work a checking thread does for a line: the thread that folds the
 * ledger parses each line once and checks its shape, and a seal's verdict counts only for a line
 * whose parse and shape hold. For such a line the verdict is the reference's (`line-check.ts`,
 * re-serializing): a property test holds them equal on randomly edited lines.
 *
 * The hashed and signed forms are cut in one reused buffer when the line is ASCII (a character is
 * then a byte), so such a line costs no new strings or buffers.
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
// after it, a copy of the signature's text, which the cuts would overwrite.
let forms = Buffer.allocUnsafe(16 << 10);
CONTEXT.copy(forms);

// The keys of recent lines: a ledger's lines are signed by a few keys, often each in turn. A line's
// key is compared with these in place, and its signature checked with the string kept, whose hash
// the key cache (`keys.ts`) then has at hand; a key not among them is cut from the line and kept.
const recentKeys: string[] = [];
let nextKept = 0;

function keyIn(line: string, from: number, to: number): string {
  // Keys differ early (`ed25519:` then random base64): one code unit rules most of them out.
  const probe = line.charCodeAt(from + 8);
  for (let k = 0; k < recentKeys.length; k++) {
    const key = recentKeys[k]!;
    if (key.length === to - from && key.charCodeAt(8) === probe && line.startsWith(key, from)) return key;
  }
  // A copy, not a slice, which would keep the whole chunk the line was cut from (the scan let no
  // surrogate through, so the round trip changes nothing).
  const key = Buffer.from(line.slice(from, to), 'utf8').toString('utf8');
  recentKeys[nextKept] = key;
  nextKept = (nextKept + 1) % 8;
  return key;
}

/**
 * The seal fault of `line`, or null when its seal holds; `undefined` when the text alone cannot tell
 * (an escape, a surrogate, a line not surely canonical, a seal of another shape): the caller then asks
 * the reference, which parses. `ascii`: whether the line is all ASCII (each character one byte).
 */
export function sealFaultOf(line: string, ascii: boolean): SealFault | null | undefined {
  const places = sealPlacesOf(line, ascii);
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

  let actual: string;
  let signed: Uint8Array;
  const signatureAt = CONTEXT.length + line.length;
  if (ascii) {
    const c = CONTEXT.length;
    if (signatureAt + (valueTo - valueFrom) > forms.length) {
      forms = Buffer.allocUnsafe(2 * (signatureAt + (valueTo - valueFrom)));
      CONTEXT.copy(forms);
    }
    forms.write(line, c, 'latin1');
    forms.copyWithin(signatureAt, c + valueFrom, c + valueTo);
    // The line without its hash member is hashed; then, also without its signature member, it is signed.
    forms.copyWithin(c + hashFrom, c + hashTo, c + line.length);
    const hashedLength = line.length - (hashTo - hashFrom);
    actual = hash('sha256', forms.subarray(c, c + hashedLength), 'hex');
    const sigAt = sigFrom - (hashTo - hashFrom);
    forms.copyWithin(c + sigAt, c + sigAt + (sigTo - sigFrom), c + hashedLength);
    signed = forms.subarray(0, c + hashedLength - (sigTo - sigFrom));
  } else {
    const head = line.slice(0, hashFrom);
    actual = hash('sha256', head + line.slice(hashTo), 'hex');
    signed = Buffer.from(SIGNING_CONTEXT + head + line.slice(hashTo, sigFrom) + line.slice(sigTo), 'utf8');
  }
  // The recorded value is `sha256:` and this digest in hex, or the line was edited.
  if (hashTo - hashFrom !== 81 || !line.startsWith('sha256:', hashFrom + 9) || !line.startsWith(actual, hashFrom + 16)) {
    return hashMismatch(line.slice(hashFrom + 9, hashTo - 1), `sha256:${actual}`);
  }
  const key = keyIn(line, keyFrom, keyTo);
  const holds = ascii ? verifySignatureIn(key, signed, forms, signatureAt, signatureAt + (valueTo - valueFrom)) : verifySignature(key, signed, line.slice(valueFrom, valueTo));
  return holds ? null : badSignature(key);
}
