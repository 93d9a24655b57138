/**
 * A line's seal, read from the line itself: its hashed and signed forms, found in one pass over the
 * text that also proves the text canonical (RFC 8785), so nothing is serialized again. `verify`
 * pays this for every line, beside one signature check; the pass costs a fraction of re-serializing.
 *
 * The pass only says yes when it is sure: no whitespace, no backslash or surrogate anywhere (so
 * every string is as JSON.stringify writes it), numbers in their shortest form, every object's keys
 * in strictly increasing code-unit order. Anything else gets `null`, and `chain.ts` decides by
 * re-serializing, as before. A property test holds the two equal on randomly edited lines.
 */

/** The hashed and signed forms of a canonical line (the signed one without its context prefix). */
export interface SealForms {
  readonly hashed: string;
  readonly signed: string;
}

/**
 * What only the reference judges: a backslash (is the escape the one JSON.stringify writes?) and a
 * surrogate (paired or lone?). Lines of a long ledger rarely hold either, and without them every
 * string runs to its next quote. (Raw control characters cannot be in a string JSON.parse accepted;
 * outside strings the pass refuses them.) Two cheap searches, not one character class: V8 answers
 * the surrogate search at once for a line of one-byte characters.
 */
const SURROGATE = /[\ud800-\udfff]/;

/** Where a canonical line's top-level `,"hash":…` and `,"sig":…` members start and end. */
export interface SealPlaces {
  hashFrom: number;
  hashTo: number;
  sigFrom: number;
  sigTo: number;
}

// Written by the pass, once a line; handed out by `sealPlacesOf` (valid until its next call).
const found: SealPlaces = { hashFrom: -1, hashTo: -1, sigFrom: -1, sigTo: -1 };

/**
 * Where the "hash" and "sig" members of `line` (a line JSON.parse accepts) are, when the line is
 * surely canonical and its top level holds `"hash"` then `"sig"`, each after another member; null
 * when the pass cannot tell (the caller then re-serializes to decide). `ascii`: the line is known to
 * hold no character above U+007F. The object returned is reused by the next call: read it at once.
 */
export function sealPlacesOf(line: string, ascii = false): SealPlaces | null {
  if (line.indexOf('\\') !== -1 || (!ascii && SURROGATE.test(line))) return null;
  found.hashFrom = found.hashTo = found.sigFrom = found.sigTo = -1;
  let end: number;
  try {
    end = line.charCodeAt(0) === 0x7b ? object(line, 0, 1) : -1;
  } catch {
    end = -1; // nesting deeper than this stack: let the reference decide
  }
  if (end !== line.length || found.hashFrom < 0 || found.sigFrom < found.hashTo) return null;
  return found;
}

/** The forms of `line` when `sealPlacesOf` finds its seal; null when it cannot tell. */
export function sealFormsOf(line: string, signingContext: string): SealForms | null {
  const places = sealPlacesOf(line);
  if (places === null) return null;
  const { hashFrom, hashTo, sigFrom, sigTo } = places;
  const head = line.slice(0, hashFrom);
  return { hashed: head + line.slice(hashTo), signed: signingContext + head + line.slice(hashTo, sigFrom) + line.slice(sigTo) };
}

// Each scanner takes the text and where its value starts, and returns where it ends, or -1 when
// the value is not (surely) canonical. Locals, not shared state, keep V8's loops tight.

function value(s: string, i: number, depth: number): number {
  const c = s.charCodeAt(i);
  if (c === 0x22) return string(s, i);
  if (c === 0x7b) return object(s, i, depth + 1);
  if (c === 0x5b) return array(s, i, depth + 1);
  if (c === 0x74) return word(s, i, 'true');
  if (c === 0x66) return word(s, i, 'false');
  if (c === 0x6e) return word(s, i, 'null');
  return number(s, i);
}

/** An object whose keys are escape-free and strictly increasing; records the top level's hash and sig. */
function object(s: string, i: number, depth: number): number {
  i++; // {
  if (s.charCodeAt(i) === 0x7d) return i + 1;
  let previousFrom = -1;
  let previousTo = -1;
  for (;;) {
    const memberFrom = i - 1; // the `{` or `,` before the key
    if (s.charCodeAt(i) !== 0x22) return -1;
    const keyFrom = i + 1;
    i = string(s, i);
    if (i < 0) return -1;
    const keyTo = i - 1;
    if (previousFrom >= 0 && !after(s, previousFrom, previousTo, keyFrom, keyTo)) return -1;
    if (s.charCodeAt(i) !== 0x3a) return -1;
    i = value(s, i + 1, depth);
    if (i < 0) return -1;
    if (depth === 1 && s.charCodeAt(memberFrom) === 0x2c) {
      if (isKey(s, keyFrom, keyTo, 'hash')) {
        found.hashFrom = memberFrom;
        found.hashTo = i;
      } else if (isKey(s, keyFrom, keyTo, 'sig')) {
        found.sigFrom = memberFrom;
        found.sigTo = i;
      }
    }
    previousFrom = keyFrom;
    previousTo = keyTo;
    const c = s.charCodeAt(i);
    i++;
    if (c === 0x2c) continue;
    return c === 0x7d ? i : -1;
  }
}

function array(s: string, i: number, depth: number): number {
  i++; // [
  if (s.charCodeAt(i) === 0x5d) return i + 1;
  for (;;) {
    i = value(s, i, depth);
    if (i < 0) return -1;
    const c = s.charCodeAt(i);
    i++;
    if (c === 0x2c) continue;
    return c === 0x5d ? i : -1;
  }
}

/**
 * A string, in a line with no backslash or surrogate: JSON.stringify writes such a string as is,
 * and its end is the next quote.
 */
function string(s: string, i: number): number {
  const close = s.indexOf('"', i + 1);
  return close < 0 ? -1 : close + 1;
}

/** Whether the key text [from, to) comes strictly after [previousFrom, previousTo) in code-unit order. */
function after(s: string, previousFrom: number, previousTo: number, from: number, to: number): boolean {
  const a = previousTo - previousFrom;
  const b = to - from;
  const n = a < b ? a : b;
  for (let k = 0; k < n; k++) {
    const x = s.charCodeAt(previousFrom + k);
    const y = s.charCodeAt(from + k);
    if (x !== y) return x < y;
  }
  return a < b;
}

function isKey(s: string, from: number, to: number, name: string): boolean {
  if (to - from !== name.length) return false;
  for (let k = 0; k < name.length; k++) if (s.charCodeAt(from + k) !== name.charCodeAt(k)) return false;
  return true;
}

function word(s: string, i: number, w: string): number {
  for (let k = 0; k < w.length; k++) if (s.charCodeAt(i + k) !== w.charCodeAt(k)) return -1;
  return i + w.length;
}

/**
 * A number in the form JSON.stringify writes it. Integers of up to 15 digits are always exact and
 * shortest; any other number is canonical when printing its value gives back the same text.
 */
function number(s: string, i: number): number {
  const from = i;
  const end = s.length;
  let plain = true;
  if (s.charCodeAt(i) === 0x2d) i++;
  const digitsFrom = i;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) i++;
    else if (c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d) {
      plain = false;
      i++;
    } else break;
  }
  const digits = i - digitsFrom;
  if (digits === 0) return -1;
  if (plain && digits <= 15 && (s.charCodeAt(digitsFrom) !== 0x30 || (digits === 1 && from === digitsFrom))) return i;
  const token = s.slice(from, i);
  return String(Number(token)) === token ? i : -1;
}
