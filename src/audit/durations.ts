/**
 * Durations a record claims for a window: "two-week soak", "7-day stabilization window", "after 48
 * hours of soak". Only a length followed by what it measures (a soak, a window, a stabilization…)
 * counts: "within 24 hours" or "Week 1" claim no window. Pure.
 */

export interface DurationClaim {
  /** As written, e.g. "two-week soak". */
  readonly phrase: string;
  readonly hours: number;
  /** Where the phrase starts in the text. */
  readonly index: number;
}

const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fourteen: 14, fifteen: 15, twenty: 20, 'twenty-one': 21, thirty: 30,
  'thirty-six': 36, 'forty-eight': 48, 'seventy-two': 72, ninety: 90,
};
const UNIT_HOURS: Record<string, number> = { h: 1, hr: 1, hrs: 1, hour: 1, hours: 1, day: 24, days: 24, week: 168, weeks: 168, wk: 168, wks: 168, fortnight: 336 };

/** What a window is called: the word that makes a length a claim about one. */
const MEASURED = '(?:soak(?:ing)?|window|stabili[sz]ation|burn-in|bake(?:-in)?|observation|hypercare|canary|freeze|monitoring|watch)';
/** A cheap first test: a line without one of these words claims no duration. */
export const MEASURED_WORD = /soak|window|stabili|burn-in|bake|observation|hypercare|canary|freeze|monitoring|watch/i;
const NUMBER = `(\\d+(?:\\.\\d+)?|${Object.keys(NUMBER_WORDS).sort((x, y) => y.length - x.length).join('|')})`;
const UNIT = '(hours?|hrs?|h|days?|weeks?|wks?)';
/** "two-week soak", "7-day stabilization window", "48h bake", "a fortnight of soak", "48 hours of soak". */
const DURATION = new RegExp(
  `(?<![\\w-])(?:${NUMBER}[\\s-]*${UNIT}|(?:a\\s+)?(fortnight))(?![\\w])(?:[\\s-]+(?:[a-z]+[\\s-]+){0,2}?${MEASURED}(?:\\s+${MEASURED})?|\\s+(?:of|long)\\s+(?:[a-z]+\\s+)?${MEASURED})\\b`,
  'gi',
);

export function parseDurations(text: string): DurationClaim[] {
  const found: DurationClaim[] = [];
  for (const m of text.matchAll(DURATION)) {
    const fortnight = m[3] !== undefined;
    const count = fortnight ? 1 : /^\d/.test(m[1] as string) ? Number(m[1]) : (NUMBER_WORDS[(m[1] as string).toLowerCase()] ?? NaN);
    const unit = fortnight ? 'fortnight' : (m[2] as string).toLowerCase();
    const hours = count * (UNIT_HOURS[unit] ?? NaN);
    if (Number.isFinite(hours) && hours > 0) found.push({ phrase: m[0], hours, index: m.index ?? 0 });
  }
  return found;
}

/** A span of time for people: "3 h 20 min", "2 days 4 h", "40 min". */
export function formatSpan(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts = [days > 0 ? `${days} day${days === 1 ? '' : 's'}` : '', hours > 0 ? `${hours} h` : '', mins > 0 && days === 0 ? `${mins} min` : ''].filter(Boolean);
  return parts.length === 0 ? '0 min' : parts.join(' ');
}

/** A claimed length for people: "2 weeks", "7 days", "48 hours" (as teams count a soak). */
export function formatHours(hours: number): string {
  if (hours % 168 === 0 && hours >= 336) return `${hours / 168} weeks`;
  if (hours % 24 === 0 && hours > 72) return `${hours / 24} days`;
  return hours === 24 ? '1 day' : `${hours} hours`;
}
