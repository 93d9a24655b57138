/** The durations records claim for a window, and the ones that are no claim. */
import { describe, expect, it } from 'vitest';
import { formatHours, formatSpan, parseDurations } from '../../src/audit/durations.js';

describe('parseDurations', () => {
  it.each<[string, { phrase: string; hours: number }[]]>([
    ['Phase 5: **Closed** after a two-week soak.', [{ phrase: 'two-week soak', hours: 336 }]],
    ['- Status: **Closed** (7-day stabilization window completed)', [{ phrase: '7-day stabilization window', hours: 168 }]],
    ['Phase 6 — complete, after 48 hours of soak', [{ phrase: '48 hours of soak', hours: 48 }]],
    ['a 14-day soak window', [{ phrase: '14-day soak window', hours: 336 }]],
    ['a 48h bake-in on canary', [{ phrase: '48h bake-in', hours: 48 }]],
    ['Two weeks of soak, then a fortnight of hypercare', [{ phrase: 'Two weeks of soak', hours: 336 }, { phrase: 'a fortnight of hypercare', hours: 336 }]],
    ['a 3 day monitoring window', [{ phrase: '3 day monitoring window', hours: 72 }]],
    ['seventy-two hours of soak', [{ phrase: 'seventy-two hours of soak', hours: 72 }]],
    // No window measured: not a claim.
    ['Week 1 of the soak', []],
    ['rollback within 24 hours', []],
    ['the 2-week mark', []],
    ['phase 14-day', []],
    ['v3 release', []],
  ])('%s', (text, expected) => {
    expect(parseDurations(text).map(({ phrase, hours }) => ({ phrase, hours }))).toEqual(expected);
  });
});

describe('formatSpan and formatHours', () => {
  it.each<[number, string]>([
    [0, '0 min'],
    [40 * 60_000, '40 min'],
    [(3 * 60 + 20) * 60_000, '3 h 20 min'],
    [(2 * 24 + 4) * 3_600_000, '2 days 4 h'],
    [24 * 3_600_000, '1 day'],
  ])('%d ms is %s', (ms, text) => expect(formatSpan(ms)).toBe(text));
  it.each<[number, string]>([
    [336, '2 weeks'],
    [168, '7 days'],
    [48, '48 hours'],
    [24, '1 day'],
    [120, '5 days'],
  ])('%d hours is %s', (hours, text) => expect(formatHours(hours)).toBe(text));
});
