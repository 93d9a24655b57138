/**
 * Free text (a note, a reason, a blocker's text) placed in a record stays where the template put
 * it: one line of one paragraph. A note with newlines could otherwise start a heading of its own
 * ("## Outcome: GO") in a signed decision record.
 */
import { showControls } from './visible-text.js';

const LINE_BREAKS = /\s*(?:\r\n|[\r\n\u000b\u000c\u0085\u2028\u2029])\s*/g;
// What makes a line a block of its own in markdown (a heading, a quote, a list item, a rule, a fence, a table row).
const BLOCK_START = /^(#|>|[-+*=_]|`{3}|~{3}|\||\d+[.)](\s|$))/;

export function inlineText(text: string): string {
  const one = showControls(text.replace(LINE_BREAKS, ' ')).trim();
  return BLOCK_START.test(one) ? `\\${one}` : one;
}
