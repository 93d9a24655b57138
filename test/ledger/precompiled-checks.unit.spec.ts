/**
 * The line's shape checks are compiled at build time (scripts/precompile-checks.js). They must be
 * TypeBox's code for the schemas of events.ts as they are now, and accept exactly what TypeBox's
 * own compiled checks accept.
 */
import { createHash } from 'node:crypto';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, EventData, LedgerLine, type EventType } from '../../src/domain/events.js';
import { DATA_CHECKS, LINE_CHECK } from '../../src/ledger/precompiled-checks.js';
import { isEventDataShape, isLedgerLineShape } from '../../src/ledger/shape-checks.js';
import { exampleLines } from '../support/server.js';
import { editMember } from '../support/json-edit.js';

const codeDigest = (schema: Parameters<typeof TypeCompiler.Code>[0]) => createHash('sha256').update(TypeCompiler.Code(schema, [], { language: 'javascript' })).digest('hex');

describe('precompiled line checks', () => {
  it('hold the code TypeBox compiles from events.ts now (run npm run build after editing a schema)', () => {
    expect(LINE_CHECK.sha256).toBe(codeDigest(LedgerLine));
    expect(Object.keys(DATA_CHECKS).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) expect(DATA_CHECKS[type]!.sha256, type).toBe(codeDigest(EventData[type]));
  });

  it('accept and refuse exactly what TypeBox compiled at run time does, on lines edited at random', () => {
    const events = exampleLines().map((l) => JSON.parse(l) as Record<string, unknown> & { type: EventType; data: unknown });
    const line = TypeCompiler.Compile(LedgerLine);
    const data = new Map(EVENT_TYPES.map((t) => [t, TypeCompiler.Compile(EventData[t])]));
    // Edit one member somewhere in the event: remove it, or give it another JSON value.
    const edit = editMember;
    fc.assert(
      fc.property(fc.nat(events.length - 1), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.jsonValue(), fc.boolean(), (i, path, replacement, remove) => {
        const edited = edit(events[i], path, replacement, remove) as { type: EventType; data: unknown };
        expect(isLedgerLineShape(edited)).toBe(line.Check(edited));
        const type = events[i]!.type;
        expect(isEventDataShape(type, edited.data)).toBe(data.get(type)!.Check(edited.data));
      }),
      { numRuns: 2000 },
    );
  });
});
