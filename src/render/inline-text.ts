/**
 * Free text (a note, a reason, a blocker's text) placed in a record stays where the template put
 * it: one line of one paragraph. A note with newlines could otherwise start a heading of its own
 * ("## Outcome: GO") in a signed decision record.
 */

const LINE_BREAKS = /\s*(?:\r\n|[\r\n\u000b\u000c\u0085\u2028\u2029])\s*/g;
// Control characters (C0 but tab, DEL, C1) and the bidirectional overrides that reorder what a reader sees.
const CONTROLS = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// What makes a line a block of its own in markdown (a heading, a quote, a list item, a rule, a fence, a table row).
const BLOCK_START = /^(#|>|[-+*=_]|`{3}|~{3}|\||\d+[.)](\s|$))/;

export function inlineText(text: string): string {
  const one = text
    .replace(LINE_BREAKS, ' ')
    .replace(CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .trim();
  return BLOCK_START.test(one) ? `\\${one}` : one;
}
