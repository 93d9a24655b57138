/** Turning flag strings into typed values, with errors that name the flag. */
import { invalidInput } from '../errors.js';
import { parseDuration } from '../program/duration.js';
import type { SeverityName } from '../program/schema.js';

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 time with an explicit zone, returned in UTC (`…Z`, milliseconds). */
export function parseTime(flag: string, value: string): string {
  const ms = Date.parse(value);
  if (!ISO_WITH_ZONE.test(value) || Number.isNaN(ms)) {
    throw invalidInput({ source: flag, field: '', expected: 'an ISO 8601 time with a zone, e.g. 2026-02-08T16:00:00Z or 2026-02-08T17:00:00+01:00', found: JSON.stringify(value) });
  }
  return new Date(ms).toISOString();
}

export function parseDate(flag: string, value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw invalidInput({ source: flag, field: '', expected: 'a date, YYYY-MM-DD', found: JSON.stringify(value) });
  }
  return value;
}

export function parseSha(flag: string, value: string): string {
  if (!/^[0-9a-f]{40}$/.test(value)) {
    throw invalidInput({ source: flag, field: '', expected: 'a full 40-hex lowercase commit SHA', found: JSON.stringify(value) });
  }
  return value;
}

export function parseContracts(flag: string, values: readonly string[]): Record<string, string> {
  const contracts: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq < 1 || eq === value.length - 1) {
      throw invalidInput({ source: flag, field: '', expected: 'name=version, e.g. service=service.v3', found: JSON.stringify(value) });
    }
    contracts[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return contracts;
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
  if (!ISO_WITH_ZONE.test(value) || Number.isNaN(Date.parse(value))) {
    throw invalidInput({ source: flag, field: '', expected: 'an ISO 8601 time with a zone (2026-02-10T15:30:00Z) or a duration such as 30m or 1h30m', found: JSON.stringify(value) });
  }
  return new Date(Date.parse(value)).toISOString();
}
