/**
 * The line pattern of a `pattern:` pin, compiled with RE2 (re2js): no backtracking, so matching takes
 * time linear in the line whatever the pattern, and a pattern that arrives in another party's
 * definition cannot hang a check. Its length is bounded too (MAX_PIN_PATTERN_LENGTH), which bounds
 * compiling; RE2 itself refuses repeat counts above 1000.
 */
import type { RE2JS } from 're2js';
import { re2js } from './text-parsers.js';
// From limits.ts, not schema.ts: checking a pin must not build the definition's schema (verify's start-up).
import { MAX_PIN_PATTERN_LENGTH } from './limits.js';

/** The compiled pattern, or why it cannot be a pin's: too long, not RE2 syntax, not exactly one capture group. */
export function compileLinePattern(pattern: string): RE2JS | string {
  if (pattern.length > MAX_PIN_PATTERN_LENGTH) return `is longer than ${MAX_PIN_PATTERN_LENGTH} characters`;
  let compiled: RE2JS;
  try {
    compiled = re2js().RE2JS.compile(pattern);
  } catch (e) {
    return `is not an RE2 pattern (${e instanceof Error ? e.message : String(e)})`;
  }
  const groups = compiled.groupCount();
  return groups === 1 ? compiled : `has ${groups} capture groups; a pin pattern has exactly one (write the others as (?:…))`;
}
