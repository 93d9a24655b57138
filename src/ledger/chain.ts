/**
 * The chain rules, in one place for every store: how a draft becomes a ledger line (seq, time,
 * prev, signature, hash), and how one line is checked on its own (`checkLine`).
 */
import type { LedgerFault } from '../errors.js';
import { EventData, LEDGER_LINE_VERSION, LedgerLine, type EventDraft, type LedgerEvent } from '../domain/events.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import { verifySignature, type Signer } from './keys.js';
import { sealFormsOf } from './line-seals.js';
import { isEventDataShape, isLedgerLineShape, shapeError } from './shape-checks.js';

/** Signatures are made over this prefix + the canonical event without `sig` and `hash`, so a
 *  Cutover signature can never be replayed as a signature over anything else. */
const SIGNING_CONTEXT = 'cutover-event-v1\n';

export interface Placement {
  readonly program: string;
  readonly seq: number;
  readonly at: string;
  readonly prev: string | null;
}

export function signedContent(event: Omit<LedgerEvent, 'sig' | 'hash'>): Buffer {
  return Buffer.from(SIGNING_CONTEXT + canonicalJson(event), 'utf8');
}

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

/** Place a draft in the chain, sign it with the actor's key, and hash it. */
export function seal(draft: EventDraft, placement: Placement, signer: Signer): LedgerEvent {
  const unsigned = {
    v: LEDGER_LINE_VERSION,
    program: placement.program,
    seq: placement.seq,
    at: placement.at,
    type: draft.type,
    actor: draft.actor,
    data: draft.data,
    prev: placement.prev,
  };
  const sig = { key: signer.publicKey, value: signer.sign(signedContent(unsigned as Omit<LedgerEvent, 'sig' | 'hash'>)) };
  const hash = `sha256:${sha256Hex(canonicalJson({ ...unsigned, sig }))}`;
  return { ...unsigned, sig, hash } as LedgerEvent;
}

// In line.ts, so that writing and printing lines does not load the line checks below.
export { serialize } from './line.js';

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
 * Check one line on its own: well-formed, canonical, its hash and its signature. What needs the
 * lines around it (seq, prev, time, keys in force, authority) is checked by `verifyLedger`.
 * `formsOf` is how the canonical forms are found: the tests pass the reference to compare.
 */
export function checkLine(text: string, formsOf: typeof formsFromCanonicalLine = formsFromCanonicalLine): LineCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, fault: 'malformed', detail: `not valid JSON (${(e as Error).message})`, seq: null };
  }
  const seqOf = (v: unknown) => (typeof v === 'object' && v !== null && Number.isInteger((v as { seq?: unknown }).seq) ? (v as { seq: number }).seq : null);
  if (!isLedgerLineShape(value)) {
    return { ok: false, fault: 'malformed', detail: `not a ledger line: ${shapeError(LedgerLine, value)}`, seq: seqOf(value) };
  }
  const event = value as unknown as LedgerEvent;
  if (!isEventDataShape(event.type, event.data)) {
    return { ok: false, fault: 'malformed', detail: `${event.type} data: ${shapeError(EventData[event.type], event.data)}`, seq: event.seq };
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
