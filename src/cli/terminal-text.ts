/**
 * Text on its way to a terminal: control characters (ANSI escapes, a carriage return that hides
 * a line, bidirectional overrides) are shown as `\uXXXX`, never obeyed. Newlines and tabs pass.
 * The same escape is valid inside a JSON string, so `--json` output still parses to the same values.
 */

const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function escapeForTerminal(text: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text) ? text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : text;
}

/** A copy of plain data with every string in it escaped: data from the ledger made safe before cutover styles it. */
export function escapeStrings<T>(value: T): T {
  if (typeof value === 'string') return escapeForTerminal(value) as T;
  if (Array.isArray(value)) return value.map(escapeStrings) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeStrings(v)])) as T;
  }
  return value;
}
