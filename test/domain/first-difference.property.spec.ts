/**
 * Admission names where an event differs from what the policy derives (`firstDifference`). It runs
 * on every event of every verify, so it spells the path out only once it has found a difference;
 * here it is held equal to the reference that builds the path at every step, on random JSON.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstDifference } from '../../src/domain/admission.js';

/** The reference: the path built at every member, as admission did before. */
function reference(derived: unknown, found: unknown, path: string): { path: string; derived: unknown; found: unknown } | null {
  if (derived === found) return null;
  if (typeof derived !== 'object' || typeof found !== 'object' || derived === null || found === null || Array.isArray(derived) !== Array.isArray(found)) {
    return { path: path || '(event)', derived, found };
  }
  const d = derived as Record<string, unknown>;
  const f = found as Record<string, unknown>;
  const at = (key: string) => (path === '' ? key : `${path}.${key}`);
  let present = 0;
  for (const key in d) {
    if (d[key] === undefined) continue;
    present++;
    const inner = reference(d[key], f[key], at(key));
    if (inner !== null) return inner;
  }
  let foundPresent = 0;
  for (const key in f) if (f[key] !== undefined) foundPresent++;
  if (foundPresent === present) return null;
  for (const key in f) if (f[key] !== undefined && d[key] === undefined) return { path: at(key), derived: undefined, found: f[key] };
  return null;
}

// Values as events hold them: JSON, with members that are undefined (absent) now and then, and keys that may be empty.
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, fc.constantFrom(null, undefined, true, 0, 1, '', 'a'), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('', 'a', 'b', 'c', '0', '1'), tie('node'), { maxKeys: 4 })),
})).node;

/** A copy of `v` with one random change somewhere (or none). */
const near = (v: unknown) =>
  fc.tuple(fc.array(fc.nat(), { maxLength: 4 }), value, fc.boolean()).map(([path, replacement, remove]) => {
    const edit = (x: unknown, p: number[]): unknown => {
      if (x === null || typeof x !== 'object' || p.length === 0) return replacement;
      const keys = Object.keys(x);
      if (keys.length === 0) return replacement;
      const key = keys[p[0]! % keys.length]!;
      const copy: Record<string, unknown> | unknown[] = Array.isArray(x) ? [...x] : { ...(x as Record<string, unknown>) };
      if (remove && p.length === 1 && !Array.isArray(copy)) delete copy[key];
      else (copy as Record<string, unknown>)[key] = edit((x as Record<string, unknown>)[key], p.slice(1));
      return copy;
    };
    return edit(structuredClone(v), path);
  });

describe('firstDifference', () => {
  it('finds the same first difference, at the same path, as the reference', () => {
    fc.assert(
      fc.property(
        value.chain((v) => fc.tuple(fc.constant(v), fc.oneof(near(v), value))),
        fc.constantFrom('', 'data', 'x.y'),
        ([derived, found], path) => {
          expect(firstDifference(derived, found, path)).toEqual(reference(derived, found, path));
          expect(firstDifference(found, derived, path)).toEqual(reference(found, derived, path));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
