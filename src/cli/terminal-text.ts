/**
 * Text on its way to a terminal: control characters (ANSI escapes, a carriage return that hides
 * a line, bidirectional overrides) are shown as `\uXXXX`, never obeyed. Newlines and tabs pass.
 * The same escape is valid inside a JSON string, so `--json` output still parses to the same values.
 */
import { showControls } from '../render/visible-text.js';

export function escapeForTerminal(text: string): string {
  return showControls(text);
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
