/**
 * The shape checks of a ledger line and of each event type's data, as TypeBox compiles them from
 * `domain/events.ts`, but compiled at build time (scripts/precompile-checks.js writes
 * `precompiled-checks.ts`): checking a line costs no compilation at start-up, and loads no TypeBox.
 * Why a line fails is rare, so TypeBox explains it then (`shape-errors.ts`), from the schema itself.
 */
import type { EventType } from '../domain/events.js';
import { canonicalJson } from './canonical.js';
import { DATA_CHECKS, LINE_CHECK } from './precompiled-checks.js';

export interface PrecompiledCheck {
  /** sha256 of TypeBox's generated code it holds: a unit test compares it with the schema's. */
  readonly sha256: string;
  /** The check, given what TypeBox's own compiler gives it to tell array items apart (uniqueItems). */
  readonly make: (hash: (value: unknown) => unknown) => (value: unknown) => boolean;
}

type Check = (value: unknown) => boolean;

// Items of a line's arrays come from JSON.parse: their canonical JSON tells them apart exactly.
const itemKey = (value: unknown): unknown => canonicalJson(value);

let line: Check | undefined;
const data = new Map<string, Check>();

export function isLedgerLineShape(value: unknown): boolean {
  line ??= LINE_CHECK.make(itemKey);
  return line(value);
}

export function isEventDataShape(type: EventType, value: unknown): boolean {
  let check = data.get(type);
  if (check === undefined) {
    check = DATA_CHECKS[type]!.make(itemKey);
    data.set(type, check);
  }
  return check(value);
}

/**
 * Why a line or its data does not fit its schema, as TypeBox says it (`path: message`). Given to the
 * line check rather than imported by it: `shape-errors.ts` loads TypeBox and builds every event's
 * schema, which a ledger whose lines all fit never needs.
 */
export interface ShapeExplainer {
  line(value: unknown): string;
  data(type: EventType, value: unknown): string;
}
