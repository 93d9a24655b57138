/**
 * Text from the ledger on its way to a reader (a terminal, a page, a record): characters that act
 * on the display rather than show - C0 controls but tab and line feed, DEL, C1, and the bidirectional
 * overrides and isolates that reorder what a reader sees - are shown as `\uXXXX`, never obeyed. The
 * same escape is valid inside a JSON string, so JSON output still parses to the same values.
 */

const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// One line of output must not become two: line feed and the Unicode line and paragraph separators too.
const CONTROLS_AND_LINE_BREAKS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function show(text: string, pattern: RegExp): string {
  pattern.lastIndex = 0;
  return pattern.test(text) ? text.replace(pattern, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : text;
}

/** Controls shown, newlines and tabs kept: for text of many lines. */
export function showControls(text: string): string {
  return show(text, CONTROLS);
}

/** Controls and line breaks shown: for text that must stay one line (a `log` line, an event in words). */
export function showOnOneLine(text: string): string {
  return show(text, CONTROLS_AND_LINE_BREAKS);
}
