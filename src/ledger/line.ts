/** A ledger line as stored: the canonical JSON (RFC 8785) of its event. */
import type { LedgerEvent } from '../domain/events.js';
import { canonicalJson } from './canonical.js';

/** The line as stored, without its newline. */
export function serialize(event: LedgerEvent): string {
  return canonicalJson(event);
}
