/** Canonical JSON (RFC 8785, JCS) and the digests taken over it. */
import { hash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The RFC 8785 serialization of `value`. Throws on values JSON cannot hold (undefined, NaN). */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

export function sha256Hex(data: string | Uint8Array): string {
  // One-shot (Node ≥ 20.12): half the cost of createHash for a line, which verify pays per event.
  return hash('sha256', data, 'hex');
}

/** `sha256:<hex>` of the canonical JSON of `value`. */
export function digestOf(value: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(value))}`;
}
