/** Turning flag strings into typed values, with errors that name the flag. */
import { invalidInput } from '../errors.js';
import { parseDuration } from '../program/duration.js';
import { ID_PATTERN, MAX_ID_CHARS, MAX_TEXT_CHARS } from '../program/limits.js';
import type { SeverityName } from '../program/schema.js';

const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

/** An ISO 8601 time with an explicit zone, returned in UTC (`…Z`, milliseconds). */
export function parseTime(flag: string, value: string): string {
  const ms = Date.parse(value);
  if (!isRealTime(value) || Number.isNaN(ms)) {
    throw invalidInput({ source: flag, field: '', expected: 'an ISO 8601 time with a zone, e.g. 2026-02-08T16:00:00Z or 2026-02-08T17:00:00+01:00', found: JSON.stringify(value) });
  }
  return new Date(ms).toISOString();
}

/** `Date.parse` rolls 2026-02-30 over to March 2 and 24:00 to the next day: only a real calendar time passes. */
function isRealTime(value: string): boolean {
  const m = ISO_WITH_ZONE.exec(value);
  if (m === null) return false;
  const [, y, mo, d, h, min, s, , , zh, zm] = m;
  return isRealDate(Number(y), Number(mo), Number(d)) && Number(h) <= 23 && Number(min) <= 59 && Number(s ?? 0) <= 59 && Number(zh ?? 0) <= 23 && Number(zm ?? 0) <= 59;
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function parseDate(flag: string, value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m === null || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw invalidInput({ source: flag, field: '', expected: 'a date, YYYY-MM-DD', found: JSON.stringify(value) });
  }
  return value;
}

export function parseSha(flag: string, value: string): string {
  if (!/^[0-9a-f]{40}$/.test(value)) {
    // A short SHA, a tag or a branch: git turns any of them into the full commit id.
    const rev = `'${`${value}^{commit}`.replace(/'/g, `'\\''`)}'`;
    throw invalidInput({ source: flag, field: '', expected: 'a full 40-hex lowercase commit SHA', found: JSON.stringify(value) }, [
      `print the full SHA in the repository: git rev-parse ${rev}`,
    ]);
  }
  return value;
}

/** A contract name starts with a letter or digit, so `__proto__` or `constructor`-like keys never reach an object. */
const CONTRACT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function parseContracts(flag: string, values: readonly string[]): Record<string, string> {
  const entries: [string, string][] = [];
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq < 1 || eq === value.length - 1) {
      throw invalidInput({ source: flag, field: '', expected: 'name=version, e.g. service=service.v3', found: JSON.stringify(value) });
    }
    const name = value.slice(0, eq);
    if (!CONTRACT_NAME.test(name) || entries.some(([n]) => n === name)) {
      throw invalidInput({ source: flag, field: name, expected: 'a contract name of letters, digits, ".", "_" or "-", starting with a letter or digit, given once', found: JSON.stringify(value) });
    }
    entries.push([name, parseText(flag, value.slice(eq + 1))]);
  }
  return Object.fromEntries(entries);
}

/** An id the command line names for something new (`--id`): the pattern of ids in cutover.yaml. */
export function parseId(flag: string, value: string): string {
  if (!ID_PATTERN.test(value) || value.length > MAX_ID_CHARS) {
    throw invalidInput({ source: flag, field: '', expected: `an id of letters, digits, ".", "_" or "-", starting with a letter or digit, at most ${MAX_ID_CHARS} characters`, found: JSON.stringify(value) });
  }
  return value;
}

/** Free text (`--text`, `--note`, `--reason`, …): something to say, of a sane size. */
export function parseText(flag: string, value: string): string {
  if (value.trim() === '') throw invalidInput({ source: flag, field: '', expected: 'some text', found: value === '' ? 'an empty string' : 'only white space' });
  if (value.length > MAX_TEXT_CHARS) {
    throw invalidInput({ source: flag, field: '', expected: `at most ${MAX_TEXT_CHARS.toLocaleString('en-US')} characters`, found: `${value.length.toLocaleString('en-US')} characters` });
  }
  return value;
}

export function parseVerdict(value: string): 'GO' | 'NO-GO' {
  if (value !== 'GO' && value !== 'NO-GO') {
    throw invalidInput({ source: '<verdict>', field: '', expected: 'GO or NO-GO', found: JSON.stringify(value) });
  }
  return value;
}

export function parseSeverity(flag: string, value: string): SeverityName {
  if (value !== 'SEV-1' && value !== 'SEV-2' && value !== 'SEV-3') {
    throw invalidInput({ source: flag, field: '', expected: 'SEV-1, SEV-2 or SEV-3', found: JSON.stringify(value) });
  }
  return value;
}

/** A time with a zone, or a duration (`30m`, `1h30m`) after `from` (UTC ISO); returned in UTC. */
export function parseWhen(flag: string, value: string, from: string): string {
  const ms = parseDuration(value);
  if (ms !== null) return new Date(Date.parse(from) + ms).toISOString();
  if (!isRealTime(value) || Number.isNaN(Date.parse(value))) {
    throw invalidInput({ source: flag, field: '', expected: 'an ISO 8601 time with a zone (2026-02-10T15:30:00Z) or a duration such as 30m or 1h30m', found: JSON.stringify(value) });
  }
  return new Date(Date.parse(value)).toISOString();
}
