/**
 * The precompiled shape checks count an object's keys, and check that it has no other than its
 * schema's, with `for…in` where TypeBox calls `Object.getOwnPropertyNames` (scripts/precompile-checks.js,
 * loops()). The two walk the same keys for what JSON.parse makes; here a line is read from text in
 * which one of its objects has a member more, one it already has (given another
 * value), one it should not, or `__proto__`
 * (an own member when JSON.parse reads it, never the object's prototype), and both checks must agree.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, EventData, LedgerLine, type EventType } from '../../src/domain/events.js';
import { isEventDataShape, isLedgerLineShape } from '../../src/ledger/shape-checks.js';
import { exampleLines } from '../support/server.js';

const line = TypeCompiler.Compile(LedgerLine);
const data = new Map(EVENT_TYPES.map((t) => [t, TypeCompiler.Compile(EventData[t])]));

/** Every object in `value` (arrays walked too), the value itself first. */
function objectsIn(value: unknown, into: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (value === null || typeof value !== 'object') return into;
  if (!Array.isArray(value)) into.push(value as Record<string, unknown>);
  for (const member of Object.values(value)) objectsIn(member, into);
  return into;
}

/**
 * The text of `event` with a member `key` set to `member` in its `which`th object (a key it has
 * gets the new value). Defined, not assigned: assigning `__proto__` would set the prototype, not
 * add a member; JSON.stringify then writes it as any other.
 */
function textWithMember(event: unknown, which: number, key: string, member: unknown): string {
  const copy = structuredClone(event);
  const objects = objectsIn(copy);
  Object.defineProperty(objects[which % objects.length]!, key, { value: member, enumerable: true, writable: true, configurable: true });
  return JSON.stringify(copy);
}

const KEYS = ['__proto__', 'extra', 'constructor', 'toString', 'hasOwnProperty', '', '0', 'kind', 'id', 'sha256', 'data', 'sig', 'key', 'value', 'hash'];

describe('precompiled shape checks count keys as TypeBox does', () => {
  const events = exampleLines().map((l) => JSON.parse(l) as { type: EventType; data: unknown });

  it('reads `__proto__` in a line as an own member, as TypeBox sees it', () => {
    const text = textWithMember(events[0], 0, '__proto__', { polluted: true });
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(Object.getOwnPropertyNames(parsed)).toContain('__proto__');
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(isLedgerLineShape(parsed)).toBe(false);
    expect(line.Check(parsed)).toBe(false);
  });

  it('accept and refuse what TypeBox does when an object of a line read by JSON.parse has one member more', () => {
    fc.assert(
      fc.property(fc.nat(events.length - 1), fc.nat(), fc.constantFrom(...KEYS), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(null)), (i, which, key, member) => {
        const edited = JSON.parse(textWithMember(events[i], which, key, member)) as { type: EventType; data: unknown };
        expect(isLedgerLineShape(edited)).toBe(line.Check(edited));
        const type = events[i]!.type;
        expect(isEventDataShape(type, edited.data)).toBe(data.get(type)!.Check(edited.data));
      }),
      { numRuns: 3000 },
    );
  });
});
