/**
 * Periods in time: durations (`14d`, `72h`) and business days (`10bd`: Monday to Friday, UTC, less
 * the program's holidays). Pure: every time comes in as an argument.
 */
import { durationMs } from '../program/duration.js';
import type { ProgramDefinition } from '../program/schema.js';

const DAY_MS = 86_400_000;
const BUSINESS_DAYS = /^(\d+)bd$/;

/** Is this UTC date a business day: Monday to Friday, and not a holiday? */
export function isBusinessDay(day: Date, holidays: readonly string[]): boolean {
  const weekday = day.getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.includes(day.toISOString().slice(0, 10));
}

/**
 * When a period that starts at `start` ends. `10bd` steps forward one day at a time, at the same
 * time of day, and counts only the business days it lands on: ten business days after a Monday
 * 09:00 is the Monday two weeks later, 09:00.
 */
export function periodEnd(start: string | Date, period: string, holidays: readonly string[] = []): Date {
  const from = typeof start === 'string' ? Date.parse(start) : start.getTime();
  const business = BUSINESS_DAYS.exec(period);
  if (business === null) return new Date(from + durationMs(period));
  let at = from;
  for (let left = Number(business[1]); left > 0; ) {
    at += DAY_MS;
    if (isBusinessDay(new Date(at), holidays)) left -= 1;
  }
  return new Date(at);
}

/** The holidays of the program's calendar. */
export function holidaysOf(def: ProgramDefinition): readonly string[] {
  return def.calendar?.holidays ?? [];
}

/** `periodEnd` under the program's calendar. */
export function periodEndIn(def: ProgramDefinition, start: string | Date, period: string): Date {
  return periodEnd(start, period, holidaysOf(def));
}
