/** What the drift warning lists: each changed value, by id where lists have ids, never a key-order difference. */
import { describe, expect, it } from 'vitest';
import { definitionChanges } from '../../src/program/definition-changes.js';
import { programFixture } from '../support/program.js';

describe('definitionChanges', () => {
  const def = programFixture().definition;

  it('the same definition with its keys in another order has no changes', () => {
    const reordered = JSON.parse(JSON.stringify(def, Object.keys(def).reverse())) as typeof def;
    expect(definitionChanges(def, { ...reordered, ...def })).toEqual([]);
    expect(definitionChanges({ a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } })).toEqual([]);
  });

  it('names a changed title by the role id, an added and a removed gate, and a changed list entry by index', () => {
    const edited = {
      ...def,
      roles: def.roles.map((r) => (r.id === 'integration-program-owner' ? { ...r, title: 'Programme Owner' } : r)),
      gates: [...def.gates.filter((g) => g.id !== 'phase-9-complete'), { id: 'extra', kind: 'no-manual-blockers', owner: 'integration-program-owner', text: 'x' }],
    } as typeof def;
    expect(definitionChanges(def, edited)).toEqual([
      'roles[id=integration-program-owner].title: "Integration Program Owner" → "Programme Owner"',
      'gates[id=phase-9-complete]: removed',
      'gates[id=extra]: added',
    ]);
    expect(definitionChanges({ list: [1, 2] }, { list: [1, 3] })).toEqual(['list[1]: 2 → 3']);
  });

  it('stops at the limit and says how many more', () => {
    const before = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i]));
    const after = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i + 1]));
    const lines = definitionChanges(before, after, 5);
    expect(lines).toHaveLength(5);
    expect(lines.at(-1)).toBe('… and 16 more');
  });
});
