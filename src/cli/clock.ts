/**
 * The time a recording command is dated. `--at` may replay the past, but not reach far into the
 * future: one event dated 9999-12-31 would make every later event "earlier than the previous
 * one" and freeze the ledger for good. A small skew ahead of the local clock is allowed, for
 * clocks that disagree by a little.
 */
import { invalidInput } from '../errors.js';
import { datedTooFarAhead } from '../domain/clock-skew.js';
import { formatDuration, parseDuration } from '../program/duration.js';
import { parseTime } from './parse.js';

export const DEFAULT_MAX_CLOCK_SKEW = '5m';
export const CLOCK_SKEW_ENV = 'CUTOVER_MAX_CLOCK_SKEW';

export interface Clock {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
}

/** The UTC time to record: now, or `--at` when it is no further ahead of now than the skew allowed. */
export function recordingTime(at: string | undefined, clock: Clock, maxSkew?: string): string {
  const now = clock.now();
  if (at === undefined) return now.toISOString();
  const time = parseTime('--at', at);
  const skew = allowedSkew(maxSkew, clock.env);
  if (datedTooFarAhead(time, now, skew.ms) !== null) {
    throw invalidInput(
      { source: '--at', field: '', expected: `a time at most ${formatDuration(skew.ms)} ahead of this machine's clock (${now.toISOString()}; ${skew.from})`, found: JSON.stringify(at) },
      ['an event dated in the future would make every later event look earlier than it; leave --at out to record now'],
    );
  }
  return time;
}

/** The skew allowed: the flag, else $CUTOVER_MAX_CLOCK_SKEW, else 5m. */
export function allowedSkew(flag: string | undefined, env: Clock['env']): { ms: number; from: string } {
  const [value, from] = flag !== undefined ? [flag, '--max-clock-skew'] : env[CLOCK_SKEW_ENV] !== undefined ? [env[CLOCK_SKEW_ENV]!, CLOCK_SKEW_ENV] : [DEFAULT_MAX_CLOCK_SKEW, 'the default'];
  const ms = parseDuration(value);
  if (ms === null) throw invalidInput({ source: from, field: '', expected: 'a duration such as 5m, 90s or 1h', found: JSON.stringify(value) });
  return { ms, from: `${from}: ${value}` };
}
