/**
 * One line checked on its own, in two parts: its parse and shape (`shapeCheckOf`, by the thread that
 * folds it) and its seal: canonical form, hash and signature (`seal-check.ts`, from the text, by any
 * thread). Also the line's canonical forms as the reference derives them, by re-serializing. Why a
 * line has the wrong shape is asked of an explainer given in (`shape-checks.ts`): the streamed
 * `verify` gives none until a line needs one, so a ledger whose lines all fit loads no TypeBox.
 * `chain.ts` gives `checkLine` its own.
 */
import { isAscii } from 'node:buffer';
import type { LedgerFault } from '../errors.js';
import type { LedgerEvent } from '../domain/events.js';
import { canonicalJson } from './canonical.js';
import { sealFormsOf } from './line-seals.js';
import { sealFaultOf, sealFaultOfParsed, type SealFault } from './seal-check.js';
import { isEventDataShape, isLedgerLineShape, type ShapeExplainer } from './shape-checks.js';
import { SIGNING_CONTEXT } from './signing-context.js';

export { SIGNING_CONTEXT } from './signing-context.js';

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

/** A line whose parse and shape hold, read for the fold; or why not (null: ask again with an explainer). */
export type ShapeCheck = LineCheck | null;

/**
 * Parse one line and check its shape: the part of a line's checks that needs the parsed event, made
 * by the thread that folds it. Null when the line has the wrong shape and `explain` is null.
 */
export function shapeCheckOf(text: string, explain: ShapeExplainer | null): ShapeCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, fault: 'malformed', detail: `not valid JSON (${(e as Error).message})`, seq: null };
  }
  if (!isLedgerLineShape(value)) {
    return explain === null ? null : { ok: false, fault: 'malformed', detail: `not a ledger line: ${explain.line(value)}`, seq: seqOf(value) };
  }
  const event = value as unknown as LedgerEvent;
  if (!isEventDataShape(event.type, event.data)) {
    return explain === null ? null : { ok: false, fault: 'malformed', detail: `${event.type} data: ${explain.data(event.type, event.data)}`, seq: event.seq };
  }
  return { ok: true, event };
}

function seqOf(v: unknown): number | null {
  return typeof v === 'object' && v !== null && Number.isInteger((v as { seq?: unknown }).seq) ? (v as { seq: number }).seq : null;
}

/**
 * The seal fault of a line whose parse and shape hold (`event`), read from its text; what the text
 * alone cannot tell is read from the event, by `formsFromCanonicalLine`. `ascii`: whether the line
 * is known to be all ASCII (its chunk is: `chunkLines`).
 */
export function sealFaultOfLine(text: string, event: LedgerEvent, ascii = false): SealFault | null {
  const fault = sealFaultOf(text, ascii);
  return fault !== undefined ? fault : sealFaultOfParsed({ forms: formsFromCanonicalLine(text, event), hash: event.hash, key: event.sig.key, value: event.sig.value });
}

/**
 * The seal fault of a line the checking thread has not parsed: the text alone, or, when it cannot
 * tell, the line parsed here. Null also when the line does not parse or has the wrong shape: its
 * folding thread finds that, and then this verdict is not asked for.
 */
export function sealFaultOfText(text: string, ascii: boolean): SealFault | null {
  const fault = sealFaultOf(text, ascii);
  if (fault !== undefined) return fault;
  const check = shapeCheckOf(text, null);
  return check === null || !check.ok ? null : sealFaultOfLine(text, check.event);
}

/** A line's whole check from its shape check and its seal fault. */
export function lineCheckOf(shape: LineCheck, seal: SealFault | null): LineCheck {
  if (!shape.ok || seal === null) return shape;
  return { ok: false, fault: seal.fault, detail: seal.detail, seq: shape.event.seq };
}

/**
 * Check one line on its own (what needs the lines around it is checked by the fold, `fold.ts`).
 * Null when the line has the wrong shape and `explain` is null: check it again with an explainer.
 * `formsOf`, when given, is how the canonical forms are found (the tests pass the reference,
 * `formsByReserializing`, to compare); without it the seal is read from the text (`seal-check.ts`).
 */
export function checkLineWith(text: string, explain: ShapeExplainer | null, formsOf?: typeof formsFromCanonicalLine, ascii = false): LineCheck | null {
  const shape = shapeCheckOf(text, explain);
  if (shape === null || !shape.ok) return shape;
  const event = shape.event;
  const seal =
    formsOf === undefined
      ? sealFaultOfLine(text, event, ascii)
      : sealFaultOfParsed({ forms: formsOf(text, event), hash: event.hash, key: event.sig.key, value: event.sig.value });
  return lineCheckOf(shape, seal);
}

let explainer: ShapeExplainer | null = null;

/** What explains a line of the wrong shape, once loaded (`loadShapeExplainer`); null before. */
export function loadedShapeExplainer(): ShapeExplainer | null {
  return explainer;
}

/** Load TypeBox to explain a line of the wrong shape: only when a line has one. */
export async function loadShapeExplainer(): Promise<ShapeExplainer> {
  explainer ??= (await import('./shape-errors.js')).shapeExplainer;
  return explainer;
}

/** The parse and shape check of each line (`shapeCheckOf`), explained where one fails. */
export async function shapeChecksOf(lines: readonly string[]): Promise<LineCheck[]> {
  const checks: LineCheck[] = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) checks[i] = shapeCheckOf(lines[i]!, explainer) ?? shapeCheckOf(lines[i]!, await loadShapeExplainer())!;
  return checks;
}

/** The lines of a chunk, and whether it is all ASCII (each character then one byte). */
export interface ChunkLines {
  readonly lines: readonly string[];
  readonly ascii: boolean;
}

/** A chunk's lines, decoded. */
export function chunkLines(bytes: Buffer): ChunkLines {
  const ascii = isAscii(bytes);
  // Not latin1, though it reads ASCII faster: Node makes a string of over ~1 MB read so outside V8's
  // heap, where the garbage collector counts it late, and a long verify's peak memory doubled.
  const lines = bytes.toString('utf8').split('\n');
  lines.pop(); // a chunk ends with a newline
  return { lines, ascii };
}

/** A seal fault found by a checking thread: the line's index in its chunk, and why. */
export interface IndexedSealFault extends SealFault {
  readonly index: number;
}

/** The seal faults of a chunk's lines, from their text (a checking thread's whole work). */
export function sealFaultsOfChunk(bytes: Buffer): IndexedSealFault[] {
  return sealFaultsOfLines(chunkLines(bytes));
}

/** The seal faults of lines already split from their chunk (`chunkLines`). */
export function sealFaultsOfLines({ lines, ascii }: ChunkLines): IndexedSealFault[] {
  const faults: IndexedSealFault[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fault = sealFaultOfText(lines[i]!, ascii);
    if (fault !== null) faults.push({ index: i, fault: fault.fault, detail: fault.detail });
  }
  return faults;
}

/** The checks of `lines`, in order, in this thread. */
export async function checkLines(lines: readonly string[]): Promise<LineCheck[]> {
  const checks = await shapeChecksOf(lines);
  return checks.map((shape, i) => (shape.ok ? lineCheckOf(shape, sealFaultOfLine(lines[i]!, shape.event)) : shape));
}
