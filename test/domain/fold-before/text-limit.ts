// TEMPORARY frozen copy (issue 30, fold-domain) of the fold at 19bdf12, for fold-before.property.spec.ts; removed once it has held.
/**
 * One limit on text, wherever a line is written: no string in an event's data is longer than
 * MAX_TEXT_CHARS, the limit of a text flag (`--note`, `--text`, …) and of a string in cutover.yaml.
 * `decide` applies it, so the CLI, a server admitting a posted line and `verify` all say the same.
 *
 * It holds in a program whose definition in force is version 3 or later. Versions 1 and 2 keep the
 * lines they hold as valid (a server stored longer notes before the limit was one rule): a program
 * takes the limit on by amending to `version: 3`, and every line after that amendment is held to it.
 */
import { invalidInput, type CutoverError } from '../../../src/errors.js';
import { MAX_TEXT_CHARS } from '../../../src/program/limits.js';
import type { ProgramDefinition } from '../../../src/program/schema.js';
import type { EventDraft } from '../../../src/domain/events.js';

/** The first definition version whose programs hold every line's text to MAX_TEXT_CHARS. */
export const TEXT_LIMIT_FROM = 3;

/** The refusal for a line whose data holds a string over the limit, or null. `def` is the definition in force before it. */
export function textLimitRefusal(def: ProgramDefinition, draft: EventDraft): CutoverError | null {
  // A definition takes effect with its own line: an amendment to version 3 is held to the limit too.
  const version = draft.type === 'program.defined' || draft.type === 'program.amended' ? draft.data.definition.version : def.version;
  if (version < TEXT_LIMIT_FROM) return null;
  const over = firstLongString(draft.data);
  if (over === null) return null;
  return invalidInput({
    source: `${draft.type} by ${draft.actor}`,
    field: `data.${over.path.join('.')}`,
    expected: `at most ${MAX_TEXT_CHARS.toLocaleString('en-US')} characters (programs at cutover.yaml version ${TEXT_LIMIT_FROM} or later)`,
    found: `${over.chars.toLocaleString('en-US')} characters`,
  });
}

/** The first string longer than the limit, depth first; the path is built only for the one found. */
function firstLongString(value: unknown): { path: (string | number)[]; chars: number } | null {
  if (typeof value === 'string') return value.length > MAX_TEXT_CHARS ? { path: [], chars: value.length } : null;
  if (value === null || typeof value !== 'object') return null;
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, child] of entries) {
    const found = firstLongString(child);
    if (found !== null) return { path: [key, ...found.path], chars: found.chars };
  }
  return null;
}
