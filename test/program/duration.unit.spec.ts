/** Durations as Cutover prints them: no milliseconds once there is a whole second to show. */
import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/program/duration.js';
import { deadlineText } from '../../src/render/deadline.js';
import { deadlineReport } from '../../src/app/status-report.js';

describe('formatDuration', () => {
  it.each([
    [312_274, '5m 12s'],
    [3_661_999, '1h 1m 1s'],
    [600_000, '10m'],
    [1_000, '1s'],
    [1_999, '1s'],
    [250, '250ms'],
    [0, '0s'],
    [-312_274, '-5m 12s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('an overdue deadline reads "OVERDUE by 5m 12s"; status --json keeps the milliseconds in overdueBySeconds', () => {
    const report = deadlineReport({
      id: 'initial-notice',
      title: 'initial notice',
      within: '15m',
      after: 'identified',
      step: 'cutover incident notify INC-1',
      startedAt: '2026-03-10T14:45:00.000Z',
      due: '2026-03-10T15:00:00.000Z',
      status: 'overdue',
      doneAt: null,
      overdueByMs: 312_274,
      marginMs: null,
    } as Parameters<typeof deadlineReport>[0]);
    expect(deadlineText(report)).toBe('OVERDUE by 5m 12s (due 2026-03-10T15:00:00.000Z, not done)');
    expect(report.overdueBySeconds).toBe(312.274);
  });
});
