/**
 * One line checked on its own: well-formed, canonical, its hash and its signature; and the line's
 * canonical forms that the hash and the signature are over. Why a line has the wrong shape is asked
 * of an explainer given in (`shape-checks.ts`): the streamed `verify` gives none until a line needs
 * one, so a ledger whose lines all fit loads no TypeBox. `chain.ts` gives `checkLine` its own.
 */
import type { LedgerFault } from '../errors.js';
import type { LedgerEvent } from '../domain/events.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import { verifySignature } from './keys.js';
import { sealFormsOf } from './line-seals.js';
import { isEventDataShape, isLedgerLineShape, type ShapeExplainer } from './shape-checks.js';

/** Signatures are made over this prefix + the canonical event without `sig` and `hash`, so a
 *  Cutover signature can never be replayed as a signature over anything else. */
export const SIGNING_CONTEXT = 'cutover-event-v1\n';

/**
 * The three canonical forms of one event (the line, the hashed content, the signed content),
 * built from one canonicalization of `data`. The top-level keys are fixed ASCII names, so RFC 8785
 * orders them as written here; a property test checks this equals canonicalizing whole objects.
 */
export function canonicalForms(event: LedgerEvent): { line: string; hashed: string; signed: string } {
  const head = `{"actor":${JSON.stringify(event.actor)},"at":${JSON.stringify(event.at)},"data":${canonicalJson(event.data)}`;
  const hash = `,"hash":${JSON.stringify(event.hash)}`;
  const middle = `,"prev":${JSON.stringify(event.prev)},"program":${JSON.stringify(event.program)},"seq":${JSON.stringify(event.seq)}`;
  const sig = `,"sig":${canonicalJson(event.sig)}`;
  const tail = `,"type":${JSON.stringify(event.type)},"v":${JSON.stringify(event.v)}}`;
  return {
    line: head + hash + middle + sig + tail,
    hashed: head + middle + sig + tail,
    signed: SIGNING_CONTEXT + head + middle + tail,
  };
}

/**
 * The hashed and signed forms of a line, cut from the line's own text when it is canonical, or
 * null when it is not. Verifying a long ledger spends its time here and in signature checks, so
 * the common case is one pass over the text (`line-seals.ts`); what that pass cannot tell (a \u
 * escape, an unusual number) is decided by `formsByReserializing`, the reference.
 */
export function formsFromCanonicalLine(text: string, event: LedgerEvent): { hashed: string; signed: string } | null {
  return sealFormsOf(text, SIGNING_CONTEXT) ?? formsByReserializing(text, event);
}

/**
 * The reference: a line equal to JSON.stringify of its parse, with every object's keys in code-unit
 * order, is already RFC 8785 (same number and string forms, no space). Anything else (integer-like
 * keys, which JSON.parse reorders) is compared with canonicalize.
 */
export function formsByReserializing(text: string, event: LedgerEvent): { hashed: string; signed: string } | null {
  if (JSON.stringify(event) !== text || !keysInOrder(event)) {
    const forms = canonicalForms(event);
    return forms.line === text ? forms : null;
  }
  // The line is exactly {"actor",…,"data":…,"hash":…,"prev",…,"seq":…,"sig":{…},"type":…,"v":…}.
  // Only fixed names and escaped strings follow "hash" and "sig", so the last `,"hash":"` and
  // `,"sig":` are the top-level ones, and `,"type":` after "sig" is where it ends.
  const hashAt = text.lastIndexOf(',"hash":"');
  const hashEnd = hashAt + ',"hash":'.length + event.hash.length + 2;
  const sigAt = text.lastIndexOf(',"sig":');
  const sigEnd = text.indexOf(',"type":', sigAt);
  const head = text.slice(0, hashAt);
  return { hashed: head + text.slice(hashEnd), signed: SIGNING_CONTEXT + head + text.slice(hashEnd, sigAt) + text.slice(sigEnd) };
}

/** Whether every object's own keys are in code-unit order (RFC 8785's order for ASCII names). */
function keysInOrder(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!keysInOrder(item)) return false;
    return true;
  }
  let previous: string | null = null;
  for (const key in value) {
    if (previous !== null && !(previous < key)) return false;
    if (!keysInOrder((value as Record<string, unknown>)[key])) return false;
    previous = key;
  }
  return true;
}

export type LineCheck =
  | { readonly ok: true; readonly event: LedgerEvent }
  | { readonly ok: false; readonly fault: LedgerFault; readonly detail: string; readonly seq: number | null };

/**
 * Check one line on its own (what needs the lines around it is checked by the fold, `fold.ts`).
 * Null when the line has the wrong shape and `explain` is null: check it again with an explainer.
 * `formsOf` is how the canonical forms are found: the tests pass the reference to compare.
 */
export function checkLineWith(text: string, explain: ShapeExplainer | null, formsOf: typeof formsFromCanonicalLine = formsFromCanonicalLine): LineCheck | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, fault: 'malformed', detail: `not valid JSON (${(e as Error).message})`, seq: null };
  }
  const seqOf = (v: unknown) => (typeof v === 'object' && v !== null && Number.isInteger((v as { seq?: unknown }).seq) ? (v as { seq: number }).seq : null);
  if (!isLedgerLineShape(value)) {
    return explain === null ? null : { ok: false, fault: 'malformed', detail: `not a ledger line: ${explain.line(value)}`, seq: seqOf(value) };
  }
  const event = value as unknown as LedgerEvent;
  if (!isEventDataShape(event.type, event.data)) {
    return explain === null ? null : { ok: false, fault: 'malformed', detail: `${event.type} data: ${explain.data(event.type, event.data)}`, seq: event.seq };
  }
  const forms = formsOf(text, event);
  if (forms === null) {
    return { ok: false, fault: 'not-canonical', detail: 'the line is not in canonical JSON form (RFC 8785): it was rewritten by hand or by another tool', seq: event.seq };
  }
  const actual = `sha256:${sha256Hex(forms.hashed)}`;
  if (actual !== event.hash) {
    return { ok: false, fault: 'edited', detail: `content does not match its hash (recorded ${event.hash}, content hashes to ${actual})`, seq: event.seq };
  }
  if (!verifySignature(event.sig.key, Buffer.from(forms.signed, 'utf8'), event.sig.value)) {
    return { ok: false, fault: 'bad-signature', detail: `the signature does not verify with key ${event.sig.key}: the event was altered and re-hashed, or signed with another key`, seq: event.seq };
  }
  return { ok: true, event };
}

let explainer: ShapeExplainer | null = null;

/** Check each line in turn, loading TypeBox to explain a bad shape only when a line has one. */
export async function forEachCheck(lines: readonly string[], visit: (check: LineCheck, index: number) => void): Promise<void> {
  for (let i = 0; i < lines.length; i++) {
    let check = checkLineWith(lines[i]!, explainer);
    if (check === null) {
      explainer = (await import('./shape-errors.js')).shapeExplainer;
      check = checkLineWith(lines[i]!, explainer)!;
    }
    visit(check, i);
  }
}

/** The checks of `lines`, in order (`forEachCheck`). */
export async function checkLines(lines: readonly string[]): Promise<LineCheck[]> {
  const checks: LineCheck[] = [];
  await forEachCheck(lines, (check) => checks.push(check));
  return checks;
}
