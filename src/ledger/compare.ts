/**
 * Two copies of one program's ledger, compared line by line: the same, one a prefix of the
 * other (ahead or behind by N), or forked at the first seq where they hold different events.
 * Both copies must already have been verified; this only compares.
 */
import type { LedgerEvent } from '../domain/events.js';

export type Comparison =
  | { readonly relation: 'same'; readonly seq: number }
  | { readonly relation: 'ahead' | 'behind'; readonly by: number; readonly common: number }
  | { readonly relation: 'forked'; readonly seq: number; readonly ours: LedgerEvent; readonly theirs: LedgerEvent };

export function compareLedgers(ours: readonly LedgerEvent[], theirs: readonly LedgerEvent[]): Comparison {
  const common = Math.min(ours.length, theirs.length);
  for (let i = 0; i < common; i++) {
    // Hashes chain: equal hashes at one seq mean equal histories up to it.
    if (ours[i]!.hash !== theirs[i]!.hash) return { relation: 'forked', seq: i + 1, ours: ours[i]!, theirs: theirs[i]! };
  }
  if (ours.length === theirs.length) return { relation: 'same', seq: ours.length };
  return ours.length > theirs.length
    ? { relation: 'ahead', by: ours.length - theirs.length, common }
    : { relation: 'behind', by: theirs.length - ours.length, common };
}

export function describeComparison(c: Comparison): string {
  switch (c.relation) {
    case 'same':
      return `same: both copies hold the same ${c.seq} events`;
    case 'ahead':
      return `ahead by ${c.by}: this copy has ${c.by} event${c.by === 1 ? '' : 's'} the other does not (from seq ${c.common + 1})`;
    case 'behind':
      return `behind by ${c.by}: the other copy has ${c.by} event${c.by === 1 ? '' : 's'} this one does not (from seq ${c.common + 1})`;
    case 'forked':
      return `forked at seq ${c.seq}: this copy has ${describe(c.ours)}; the other has ${describe(c.theirs)}`;
  }
}

function describe(e: LedgerEvent): string {
  return `${e.type} by ${e.actor} at ${e.at}`;
}
