/**
 * Where a server sends notifications: sinks given at start. `--notify URL` gives an unnamed
 * CloudEvents sink of every type, for every program that names no sink; `--notify-config FILE` gives
 * named sinks (a format, type filters, a secret read from the environment variable it names), used
 * by the programs whose cutover.yaml names them (`notify:`). A program's file names sinks only: it
 * cannot make the server post anywhere else.
 */
import { parse as parseYaml } from 'yaml';
import { invalidInput } from '../../errors.js';
import { ALL_NOTIFICATION_TYPES, DEFAULT_OVERDUE_REPEAT_MS, type NotificationType } from '../../domain/notifications.js';
import { parseDuration } from '../../program/duration.js';
import type { ProgramDefinition } from '../../program/schema.js';
import type { SinkFormat } from './bodies.js';

export interface Sink {
  /** Named sinks by their name; `--notify` sinks as `url:<URL>`. */
  readonly name: string;
  readonly named: boolean;
  readonly url: string;
  readonly format: SinkFormat;
  /** The types it gets (all when the config names none). */
  readonly types: readonly NotificationType[];
  /** Standard Webhooks secret (`whsec_…`) for the v1 signature. */
  readonly secret?: string;
  /** PagerDuty: the integration's routing key. */
  readonly routingKey?: string;
  readonly changeUrl?: string;
  /** An overdue deadline is sent again this often. */
  readonly repeatOverdueMs: number;
}

const FORMATS: readonly SinkFormat[] = ['cloudevents', 'slack', 'pagerduty'];
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A `--notify URL` sink. */
export function urlSink(url: string, source = '--notify'): Sink {
  checkUrl(url, source, '');
  return { name: `url:${url}`, named: false, url, format: 'cloudevents', types: ALL_NOTIFICATION_TYPES, repeatOverdueMs: DEFAULT_OVERDUE_REPEAT_MS };
}

/**
 * The sinks of a `--notify-config` file (YAML or JSON):
 * ```yaml
 * sinks:
 *   - name: oncall
 *     url: https://events.pagerduty.com/v2/enqueue
 *     format: pagerduty            # cloudevents (default) | slack | pagerduty
 *     routing_key_env: PD_ROUTING_KEY
 *   - name: releases
 *     url: https://hooks.example/cutover
 *     types: [dev.cdevents.service.upgraded.0.3.0]
 *     secret_env: RELEASES_WEBHOOK_SECRET   # whsec_… for the v1 signature
 *     repeat_overdue: 30m
 * ```
 */
export function parseSinkConfig(text: string, source: string, env: Readonly<Record<string, string | undefined>>): Sink[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw invalidInput({ source, field: '', expected: 'YAML or JSON', found: (e as Error).message });
  }
  const sinks = (doc as { sinks?: unknown } | null)?.sinks;
  if (!Array.isArray(sinks)) throw invalidInput({ source, field: 'sinks', expected: 'a list of sinks', found: JSON.stringify(sinks ?? null) });
  const seen = new Set<string>();
  return sinks.map((raw: unknown, i) => {
    const field = (name: string) => `sinks[${i}].${name}`;
    if (typeof raw !== 'object' || raw === null) throw invalidInput({ source, field: `sinks[${i}]`, expected: 'a mapping', found: JSON.stringify(raw) });
    const s = raw as Record<string, unknown>;
    const known = ['name', 'url', 'format', 'types', 'secret_env', 'routing_key_env', 'change_url', 'repeat_overdue'];
    const unknown = Object.keys(s).filter((k) => !known.includes(k));
    if (unknown.length > 0) throw invalidInput({ source, field: field(unknown[0]!), expected: `one of ${known.join(', ')}`, found: unknown[0]! });
    if (typeof s.name !== 'string' || !NAME.test(s.name)) throw invalidInput({ source, field: field('name'), expected: 'a name of letters, digits, ., _ and -', found: JSON.stringify(s.name) });
    if (seen.has(s.name)) throw invalidInput({ source, field: field('name'), expected: 'a name no other sink has', found: s.name });
    seen.add(s.name);
    if (typeof s.url !== 'string') throw invalidInput({ source, field: field('url'), expected: 'an http(s) URL', found: JSON.stringify(s.url) });
    checkUrl(s.url, source, field('url'));
    const format = (s.format ?? 'cloudevents') as SinkFormat;
    if (!FORMATS.includes(format)) throw invalidInput({ source, field: field('format'), expected: FORMATS.join(' | '), found: JSON.stringify(s.format) });
    const types = s.types === undefined ? ALL_NOTIFICATION_TYPES : s.types;
    if (!Array.isArray(types) || types.some((t) => !ALL_NOTIFICATION_TYPES.includes(t as NotificationType))) {
      throw invalidInput({ source, field: field('types'), expected: `a list of: ${ALL_NOTIFICATION_TYPES.join(', ')}`, found: JSON.stringify(types) });
    }
    const fromEnv = (name: string): string | undefined => {
      const variable = s[name];
      if (variable === undefined) return undefined;
      if (typeof variable !== 'string' || env[variable] === undefined || env[variable] === '') {
        throw invalidInput({ source, field: field(name), expected: 'the name of an environment variable that is set', found: `${JSON.stringify(variable)} (unset)` });
      }
      return env[variable];
    };
    const secret = fromEnv('secret_env');
    if (secret !== undefined && !/^(whsec_)?[A-Za-z0-9+/]+={0,2}$/.test(secret)) {
      throw invalidInput({ source, field: field('secret_env'), expected: 'a Standard Webhooks secret: whsec_ and base64', found: 'another value' });
    }
    const routingKey = fromEnv('routing_key_env');
    if (format === 'pagerduty' && routingKey === undefined) throw invalidInput({ source, field: field('routing_key_env'), expected: 'the environment variable holding the PagerDuty routing key', found: 'none' });
    if (s.change_url !== undefined && typeof s.change_url !== 'string') throw invalidInput({ source, field: field('change_url'), expected: 'an http(s) URL', found: JSON.stringify(s.change_url) });
    if (typeof s.change_url === 'string') checkUrl(s.change_url, source, field('change_url'));
    let repeatOverdueMs = DEFAULT_OVERDUE_REPEAT_MS;
    if (s.repeat_overdue !== undefined) {
      const parsed = typeof s.repeat_overdue === 'string' ? parseDuration(s.repeat_overdue) : null;
      if (parsed === null || parsed <= 0) throw invalidInput({ source, field: field('repeat_overdue'), expected: 'a duration such as 30m or 1h', found: JSON.stringify(s.repeat_overdue) });
      repeatOverdueMs = parsed;
    }
    return {
      name: s.name,
      named: true,
      url: s.url,
      format,
      types: types as NotificationType[],
      repeatOverdueMs,
      ...(secret === undefined ? {} : { secret }),
      ...(routingKey === undefined ? {} : { routingKey }),
      ...(typeof s.change_url === 'string' ? { changeUrl: s.change_url } : {}),
    };
  });
}

function checkUrl(url: string, source: string, field: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidInput({ source, field, expected: 'an http(s) URL', found: JSON.stringify(url) });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalidInput({ source, field, expected: 'an http(s) URL', found: JSON.stringify(url) });
}

/** The sinks a program's news goes to: those its `notify:` names (known here), else the unnamed ones. */
export function sinksOf(definition: ProgramDefinition | null, sinks: readonly Sink[]): Sink[] {
  const names = definition?.notify;
  if (names === undefined || names.length === 0) return sinks.filter((s) => !s.named);
  return sinks.filter((s) => s.named && names.includes(s.name));
}
