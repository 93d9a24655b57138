/**
 * What changed between the definition in force and an edited cutover.yaml, one line per changed
 * value (`decisions[id=runtime-cutover].title: "A" → "B"`), for the drift warning. Lists of items
 * with ids are compared by id, so inserting a role does not show every later role as changed. Pure.
 */

import { canonicalJson } from '../ledger/canonical.js';

const SHOWN = 60;

function show(value: unknown): string {
  const text = value === undefined ? '(none)' : canonicalJson(value);
  return text.length > SHOWN ? `${text.slice(0, SHOWN - 1)}…` : text;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function byId(list: readonly unknown[]): Map<string, unknown> | null {
  const map = new Map<string, unknown>();
  for (const item of list) {
    if (!isRecord(item) || typeof item.id !== 'string' || map.has(item.id)) return null;
    map.set(item.id, item);
  }
  return map;
}

function walk(path: string, before: unknown, after: unknown, out: string[]): void {
  // Canonical JSON: the recorded definition and the file's may list the same keys in another order.
  if (before === after || (before !== undefined && after !== undefined && canonicalJson(before) === canonicalJson(after))) return;
  if (isRecord(before) && isRecord(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) walk(path === '' ? key : `${path}.${key}`, before[key], after[key], out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const a = byId(before);
    const b = byId(after);
    if (a !== null && b !== null) {
      for (const id of new Set([...a.keys(), ...b.keys()])) {
        const item = `${path}[id=${id}]`;
        if (!a.has(id)) out.push(`${item}: added`);
        else if (!b.has(id)) out.push(`${item}: removed`);
        else walk(item, a.get(id), b.get(id), out);
      }
      return;
    }
    if (before.length === after.length) {
      before.forEach((item, i) => walk(`${path}[${i}]`, item, after[i], out));
      return;
    }
  }
  out.push(`${path}: ${show(before)} → ${show(after)}`);
}

/** Each changed value from `recorded` to `edited`, in the order of the definition; at most `limit` lines. */
export function definitionChanges(recorded: unknown, edited: unknown, limit = 12): string[] {
  const out: string[] = [];
  walk('', recorded, edited, out);
  return out.length > limit ? [...out.slice(0, limit - 1), `… and ${out.length - limit + 1} more`] : out;
}
