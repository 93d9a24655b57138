/**
 * One limit on text, wherever a line is written: no string in an event's data is longer than
 * MAX_TEXT_CHARS, the limit of a text flag (`--note`, `--text`, …) and of a string in cutover.yaml.
 * `decide` applies it, so the CLI, a server admitting a posted line and `verify` all say the same.
 *
 * It holds in a program whose definition in force is version 3 or later. Versions 1 and 2 keep the
 * lines they hold as valid (a server stored longer notes before the limit was one rule): a program
 * takes the limit on by amending to `version: 3`, and every line after that amendment is held to it.
 */
import { invalidInput, type CutoverError } from '../errors.js';
import { MAX_TEXT_CHARS } from '../program/limits.js';
import type { ProgramDefinition } from '../program/schema.js';
import type { EventDraft } from './events.js';

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

/**
 * The first string longer than the limit, depth first; the path is built only for the one found.
 * Admission runs this on every line of a program at version 3, so the walk makes no arrays of
 * entries, and measures a member that is a string where it finds it, calling itself only for an
 * object. Data is JSON (parsed, or built by decide): plain objects without inherited members, whose
 * for-in order is Object.entries' order.
 */
function firstLongString(value: unknown): { path: (string | number)[]; chars: number } | null {
  if (typeof value === 'string') return value.length > MAX_TEXT_CHARS ? { path: [], chars: value.length } : null;
  if (value === null || typeof value !== 'object') return null;
  const members = value as Record<string, unknown>;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = longMember(value[i]);
      if (found !== null) return { path: [i, ...found.path], chars: found.chars };
    }
    return null;
  }
  for (const key in members) {
    const found = longMember(members[key]);
    if (found !== null) return { path: [key, ...found.path], chars: found.chars };
  }
  return null;
}

function longMember(member: unknown): { path: (string | number)[]; chars: number } | null {
  if (typeof member === 'string') return member.length > MAX_TEXT_CHARS ? { path: [], chars: member.length } : null;
  return typeof member === 'object' && member !== null ? firstLongString(member) : null;
}
