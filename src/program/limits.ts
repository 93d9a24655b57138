/**
 * The sizes Cutover accepts, in one place (the README's "Formats" section states them). A value
 * larger than this is refused with exit 2 before anything is written: a 50 MB title would
 * otherwise be signed into every copy of the ledger for good.
 */

/** Characters in one text value: a flag such as `--note` or `--text`, or a string in cutover.yaml. */
export const MAX_TEXT_CHARS = 10_000;
/** Bytes of cutover.yaml. */
export const MAX_DEFINITION_BYTES = 1 << 20;
/** Bytes of a record template. */
export const MAX_TEMPLATE_BYTES = 1 << 20;
/** Bytes of a JSON file read whole: a handoff payload. */
export const MAX_JSON_FILE_BYTES = 16 << 20;
/** Nesting depth of cutover.yaml and of JSON payloads (a deeper document overflows the stack). */
export const MAX_NESTING = 64;
/** Ids given on the command line (`--id`): the pattern of ids in cutover.yaml, upper case allowed (`INC-1`, `B-2`). */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const MAX_ID_CHARS = 80;
/** The longest line pattern a pin may give: with RE2 (no backtracking) this bounds compiling, not matching. */
export const MAX_PIN_PATTERN_LENGTH = 256;

/** Where a parsed document holds a string longer than {@link MAX_TEXT_CHARS}: its path and length. */
export function oversizedStrings(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; chars: number }[] {
  if (typeof value === 'string') return value.length > MAX_TEXT_CHARS ? [{ path, chars: value.length }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => oversizedStrings(v, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => oversizedStrings(v, [...path, k]));
  return [];
}

/** How deep a parsed document nests, counted without recursion (so a deep one cannot overflow the stack here). */
export function nestingDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_NESTING) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}
