/**
 * The chain rules, in one place for every store: how a draft becomes a ledger line (seq, time,
 * prev, signature, hash), and how one line is checked on its own (`checkLine`).
 */
import type { EventDraft, LedgerEvent } from '../domain/events.js';
import { LEDGER_LINE_VERSION } from '../domain/line-version.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import type { Signer } from './keys.js';
import { checkLineWith, formsFromCanonicalLine, SIGNING_CONTEXT, type LineCheck } from './line-check.js';
import { shapeExplainer } from './shape-errors.js';

// In line-check.ts, so that the streamed verify checks lines without this module's TypeBox.
export { canonicalForms, formsByReserializing, formsFromCanonicalLine, type LineCheck } from './line-check.js';

export interface Placement {
  readonly program: string;
  readonly seq: number;
  readonly at: string;
  readonly prev: string | null;
}

export function signedContent(event: Omit<LedgerEvent, 'sig' | 'hash'>): Buffer {
  return Buffer.from(SIGNING_CONTEXT + canonicalJson(event), 'utf8');
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
 * Check one line on its own: well-formed, canonical, its hash and its signature. What needs the
 * lines around it (seq, prev, time, keys in force, authority) is checked by `verifyLedger`.
 * `formsOf` is how the canonical forms are found: the tests pass the reference to compare.
 * Synchronous, so it explains a bad shape with TypeBox loaded as this module loads; the streamed
 * `verify` checks with `checkLines` (line-check.ts), which loads it only for a line that needs it.
 */
export function checkLine(text: string, formsOf: typeof formsFromCanonicalLine = formsFromCanonicalLine): LineCheck {
  return checkLineWith(text, shapeExplainer, formsOf)!;
}
