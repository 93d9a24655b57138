/**
 * How far ahead of the writer's clock an event may be dated. Events are in time order, so one dated
 * 9999-12-31 would make every later event "earlier than the last" and freeze the program. Each writer
 * applies the rule against its own clock when it writes a line (the CLI, the server for posted lines);
 * a verifier's clock is not the writer's, so `verify` only warns.
 */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** How many milliseconds past `now + maxSkewMs` the time `at` is, or null when it is within. */
export function datedTooFarAhead(at: string, now: Date, maxSkewMs: number): number | null {
  const ahead = Date.parse(at) - now.getTime() - maxSkewMs;
  return ahead > 0 ? ahead : null;
}
