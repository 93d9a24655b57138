/** The progress of a long verification: a line on a terminal only, redrawn at most every 100 ms, cleared at the end. */
import { describe, expect, it } from 'vitest';
import { ledgerProgress, progressLine } from '../../src/cli/ledger-progress.js';

describe('progressLine', () => {
  it('says how far, how many events, how fast and how long is left at that pace', () => {
    expect(progressLine({ events: 412_000, bytesRead: 41_000_000, bytesTotal: 100_000_000 }, 17_000)).toBe(
      'verifying the ledger: 41% · 412,000 events · 24,235 events/s · about 24s left',
    );
    expect(progressLine({ events: 1_000_000, bytesRead: 10, bytesTotal: 100 }, 65_000)).toBe(
      'verifying the ledger: 10% · 1,000,000 events · 15,385 events/s · about 9m 45s left',
    );
    expect(progressLine({ events: 5, bytesRead: 1, bytesTotal: 1000 }, 660_000)).toContain('about 183h 09m left');
    expect(progressLine({ events: 100, bytesRead: 100, bytesTotal: 100 }, 2_000)).toBe('verifying the ledger: 100% · 100 events · 50 events/s');
  });
});

describe('ledgerProgress', () => {
  const progress = { events: 10, bytesRead: 50, bytesTotal: 100 };

  it('is nothing at all when the stream is not a terminal (a pipe, a CI log)', () => {
    const writes: string[] = [];
    expect(ledgerProgress({ write: (t) => writes.push(t) })).toBeNull();
    expect(ledgerProgress({ write: (t) => writes.push(t), isTTY: false })).toBeNull();
    expect(ledgerProgress(undefined)).toBeNull();
    expect(writes).toEqual([]);
  });

  it('on a terminal: nothing for a quick verification; then one line redrawn in place, at most every 100 ms, cleared at the end', () => {
    let t = 1000;
    const writes: string[] = [];
    const quick = ledgerProgress({ write: (s) => writes.push(s), isTTY: true }, () => t)!;
    t += 400;
    quick.update(progress);
    quick.close();
    expect(writes).toEqual([]);

    const display = ledgerProgress({ write: (s) => writes.push(s), isTTY: true }, () => t)!;
    t += 600;
    display.update(progress);
    t += 50;
    display.update({ ...progress, events: 20 });
    t += 60;
    display.update({ ...progress, events: 30, bytesRead: 60 });
    display.close();
    display.close();
    expect(writes).toEqual([
      '\r\x1b[Kverifying the ledger: 50% · 10 events · 17 events/s · about 1s left',
      '\r\x1b[Kverifying the ledger: 60% · 30 events · 42 events/s · about 0s left',
      '\r\x1b[K',
    ]);
  });
});
