/**
 * The shape checks of a ledger line and of each event type's data, as TypeBox compiles them from
 * `domain/events.ts`, but compiled at build time (scripts/precompile-checks.js writes
 * `precompiled-checks.ts`): checking a line costs no compilation at start-up. Why a line fails is
 * rare, so TypeBox's compiler explains it then, from the schema itself.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
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

/** Why `value` does not fit `schema`, as TypeBox says it: `path: message`. */
export function shapeError(schema: TSchema, value: unknown): string {
  const error = TypeCompiler.Compile(schema).Errors(value).First();
  return error === undefined ? 'invalid' : `${error.path || '/'}: ${error.message}`;
}
