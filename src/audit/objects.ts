/**
 * A JSON or YAML file read as a record, like its markdown form: the title, the date, whether it
 * mirrors another, the blockers (an array of strings or of objects) and the phase statuses (objects
 * with a phase and a status, or a `phases` map of phase → status), with their lines. Pure.
 */
import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { normalStatus, statusWord, type Located, type PhaseClaim, type RecordFacts } from './record.js';

const TEXT_KEYS = ['title', 'summary', 'description', 'text', 'blocker', 'name', 'item'];
const PHASE_VALUE = /^(?:phase\s+)?(\d+[a-z]?)$/i;
const PHASE_IN_TEXT = /\bPhase\s+(\d+[a-z]?)\b/i;

type LineOf = (node: { range?: [number, number, number] | null } | null | undefined) => number;

const scalarText = (node: unknown): string | null => (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : null);

/** The value of `key` (case-insensitive, `_`/`-` ignored) in a map node. */
function field(node: unknown, ...keys: string[]): { key: Node; value: unknown } | null {
  if (!isMap(node)) return null;
  const wanted = keys.map((k) => k.toLowerCase().replace(/[_-]/g, ''));
  for (const item of node.items) {
    if (!isPair(item)) continue;
    const k = scalarText(item.key);
    if (k !== null && wanted.includes(k.toLowerCase().replace(/[_-]/g, ''))) return { key: item.key as Node, value: item.value };
  }
  return null;
}

export function objectRecordFacts(root: unknown, lineOf: LineOf, path: string): RecordFacts | null {
  const phases: PhaseClaim[] = [];
  const blockers: Located<string>[] = [];
  const sections: { blockers?: number; phases?: number; window?: number } = {};
  const addPhase = (phase: string, word: string, node: unknown) => {
    phases.push({ line: lineOf(node as Node), phase, word, status: normalStatus(word) });
    sections.phases ??= lineOf(node as Node);
  };

  const visit = (node: unknown, key: string | null): void => {
    if (isSeq(node)) {
      if (key !== null && /blockers?$/i.test(key)) {
        for (const item of node.items) {
          // A string, or the first text field of an object (at its own line).
          const at = scalarText(item) !== null ? item : TEXT_KEYS.map((k) => field(item, k)?.value).find((v) => scalarText(v) !== null);
          const text = scalarText(at);
          if (text !== null && text.trim() !== '') blockers.push({ line: lineOf(at as Node), value: text.trim() });
        }
      }
      for (const item of node.items) visit(item, null);
      return;
    }
    if (!isMap(node)) return;
    // { "phase": 5, "status": "in_progress" } or { "name": "Phase 5 soak", "state": "Closed" }
    const status = field(node, 'status', 'state');
    const word = statusWord(scalarText(status?.value) ?? '');
    if (status !== null && word !== null) {
      const phase = PHASE_VALUE.exec(scalarText(field(node, 'phase')?.value) ?? '')?.[1] ?? ['name', 'title', 'id'].map((k) => PHASE_IN_TEXT.exec(scalarText(field(node, k)?.value) ?? '')?.[1]).find((p) => p !== undefined);
      if (phase !== undefined) addPhase(phase, word, status.value);
    }
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const k = scalarText(item.key);
      // { "phases": { "5": "active", "Phase 6": "not started" } }
      if (k !== null && /^phases$/i.test(k) && isMap(item.value))
        for (const p of item.value.items) {
          const phase = PHASE_VALUE.exec(scalarText(p.key) ?? '')?.[1];
          const w = statusWord(scalarText(p.value) ?? '');
          if (phase !== undefined && w !== null) addPhase(phase, w, p.value);
        }
      if (k !== null && /blockers?$/i.test(k)) sections.blockers ??= lineOf(item.key as Node);
      visit(item.value, k);
    }
  };
  visit(root, null);

  const title = scalarText(field(root, 'title')?.value);
  const dated = scalarText(field(root, 'updated', 'last_updated', 'lastUpdated', 'date', 'as_of')?.value);
  const windowNode = field(root, 'window');
  const windowStatus = field(windowNode?.value, 'status') ?? field(root, 'window_status');
  const window = windowStatus === null || scalarText(windowStatus.value) === null ? null : { line: lineOf(windowStatus.value as Node), value: scalarText(windowStatus.value) as string };
  if (title === null && blockers.length === 0 && phases.length === 0) return null;
  return {
    title,
    date: /^\d{4}-\d{2}-\d{2}/.exec(dated ?? '')?.[0] ?? /(\d{4}-\d{2}-\d{2})/.exec(path.slice(path.lastIndexOf('/') + 1))?.[1] ?? null,
    mirror: /\bmirror\b/i.test(title ?? '') || field(root, 'mirror_of', 'mirrors') !== null,
    outcomes: new Map(),
    window,
    blockers,
    sections: { ...sections, ...(window === null ? {} : { window: window.line }) },
    phases,
    roles: [],
    durations: [],
  };
}
