/**
 * Sinks as a server is given them (src/server/notify/sinks.ts): a --notify-config file read into
 * named sinks, refused with the field and what was expected when wrong; and which sinks a program's
 * `notify:` picks (names only; none named: the --notify sinks).
 */
import { describe, expect, it } from 'vitest';
import { NOTIFICATION_TYPES as T } from '../../src/domain/notifications.js';
import { parseSinkConfig, sinksOf, urlSink } from '../../src/server/notify/sinks.js';
import { InvalidInputError } from '../../src/errors.js';
import { programFixture } from '../support/program.js';

const ENV = { SECRET: `whsec_${Buffer.from('x'.repeat(32)).toString('base64')}`, PD: 'routing-key' };

describe('--notify-config', () => {
  it('reads named sinks: format, types, secrets from the environment, the overdue repeat', () => {
    const sinks = parseSinkConfig(
      `sinks:
  - name: oncall
    url: https://events.pagerduty.com/v2/enqueue
    format: pagerduty
    routing_key_env: PD
  - name: releases
    url: http://127.0.0.1:9/hook
    types: [${T.serviceUpgraded}]
    secret_env: SECRET
    repeat_overdue: 30m
`,
      'sinks.yaml',
      ENV,
    );
    expect(sinks).toMatchObject([
      { name: 'oncall', named: true, format: 'pagerduty', routingKey: 'routing-key' },
      { name: 'releases', format: 'cloudevents', types: [T.serviceUpgraded], secret: ENV.SECRET, repeatOverdueMs: 30 * 60_000 },
    ]);
  });

  it.each([
    ['sinks: 3', 'sinks', 'a list of sinks'],
    ['sinks: [{name: a, url: "ftp://x"}]', 'sinks[0].url', 'an http(s) URL'],
    ['sinks: [{name: a, url: "http://x", format: teams}]', 'sinks[0].format', 'cloudevents | slack | pagerduty'],
    ['sinks: [{name: a, url: "http://x", types: [dev.cutover.nothing.v1]}]', 'sinks[0].types', 'a list of'],
    ['sinks: [{name: a, url: "http://x", secret_env: UNSET}]', 'sinks[0].secret_env', 'an environment variable that is set'],
    ['sinks: [{name: a, url: "http://x", format: pagerduty}]', 'sinks[0].routing_key_env', 'PagerDuty routing key'],
    ['sinks: [{name: a, url: "http://x"}, {name: a, url: "http://y"}]', 'sinks[1].name', 'a name no other sink has'],
    ['sinks: [{name: a, url: "http://x", repeat_overdue: soon}]', 'sinks[0].repeat_overdue', 'a duration'],
    ['sinks: [{name: a, url: "http://x", token: t}]', 'sinks[0].token', 'one of'],
  ])('%s is refused, naming %s', (text, field, expected) => {
    let error: unknown;
    try {
      parseSinkConfig(text, 'sinks.yaml', ENV);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain('sinks.yaml');
    expect((error as Error).message).toContain(field);
    expect((error as Error).message).toContain(expected);
  });
});

describe("a program's notify:", () => {
  const sinks = [urlSink('http://127.0.0.1:9/all'), ...parseSinkConfig('sinks: [{name: team, url: "http://127.0.0.1:9/team"}, {name: oncall, url: "http://127.0.0.1:9/oncall"}]', 'sinks.yaml', {})];
  const named = (notify?: string[]) => sinksOf(programFixture((d) => (notify === undefined ? d : { ...d, notify })).definition, sinks).map((s) => s.name);

  it('names none: the --notify sinks', () => {
    expect(named()).toEqual(['url:http://127.0.0.1:9/all']);
  });

  it('names some: those, and only those the server has; never the --notify ones', () => {
    expect(named(['oncall', 'elsewhere'])).toEqual(['oncall']);
  });
});
