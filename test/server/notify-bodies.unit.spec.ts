/**
 * What a sink receives (src/server/notify/bodies.ts, signing.ts): CloudEvents envelopes, Slack and
 * PagerDuty bodies checked against the JSON Schemas written from their published documentation
 * (schemas/notify/), and Standard Webhooks signatures a receiver can verify: v1 with the
 * `standardwebhooks` package, v1a with node:crypto and the published key.
 */
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { HTTP } from 'cloudevents';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/domain/evaluate.js';
import { lineNotifications, NOTIFICATION_TYPES as T, timeNotifications, type Notification } from '../../src/domain/notifications.js';
import { replay } from '../../src/domain/state.js';
import { bodyOf, slackMessage } from '../../src/server/notify/bodies.js';
import { DeliveryKey, signedHeaders } from '../../src/server/notify/signing.js';
import { AFTER_GO, declareIncident, given, READY_FOR_GO, verdict, type Given } from '../support/decider-spec.js';
import { P, ROLE } from '../support/program.js';

const ajv = new Ajv({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const schema = (name: string) => ajv.compile(JSON.parse(readFileSync(join(import.meta.dirname, '../../schemas/notify', name), 'utf8')) as object);
const slackSchema = schema('slack-incoming-webhook.schema.json');
const pagerDutySchema = schema('pagerduty-events-v2.schema.json');

function ofLastLine(g: Given): Notification[] {
  const last = g.events[g.events.length - 1]!;
  const when = new Date(last.at);
  return lineNotifications(last, evaluate(replay(g.events.slice(0, -1)), when), evaluate(g.state, when));
}

const incident = given(declareIncident('2026-03-10T14:46:00Z', '2026-03-10T14:45:00Z'));

/** One notification of every kind a history here can give. */
function samples(): Notification[] {
  const reported = ofLastLine(incident);
  const upgraded = ofLastLine(given(...AFTER_GO.slice(0, -1)));
  const verdicts = ofLastLine(given(...READY_FOR_GO, verdict(P, 'runtime-cutover', 'GO'), verdict('consumer', 'runtime-cutover', 'GO')));
  const overdue = timeNotifications(incident.evaluate('2026-03-10T15:00:30Z'), Date.parse('2026-03-10T14:59:00Z'));
  return [...reported, ...upgraded, ...verdicts, ...overdue];
}

describe('CloudEvents envelope', () => {
  it('is structured JSON CloudEvents 1.0 that the cloudevents package reads back, with the notification id', () => {
    for (const n of samples()) {
      const body = bodyOf('cloudevents', n, { sinkUrl: 'http://127.0.0.1/hook', publicUrl: 'https://cutover.example' })!;
      expect(body.contentType).toBe('application/cloudevents+json; charset=utf-8');
      const event = HTTP.toEvent({ headers: { 'content-type': body.contentType }, body: body.text }) as { id: string; type: string; specversion: string; source: string; data: any };
      expect(event).toMatchObject({ id: n.id, type: n.type, specversion: '1.0', source: `https://cutover.example/programs/${n.program}` });
      if (n.type.startsWith('dev.cdevents.')) expect(event.data.context).toMatchObject({ id: n.id, type: n.type });
      else expect(event.data).toMatchObject({ summary: n.summary, commands: n.commands });
    }
  });

  it('a promotion is a CDEvents service.upgraded with the release as its artifact', () => {
    const n = samples().find((s) => s.type === T.serviceUpgraded)!;
    const event = JSON.parse(bodyOf('cloudevents', n, { sinkUrl: 'http://x/' })!.text) as { data: any };
    expect(event.data.subject).toMatchObject({ type: 'service', content: { artifactId: expect.stringContaining('v3.0.0') } });
  });
});

describe('Slack and PagerDuty bodies, against the schemas of their published documentation', () => {
  it('every Slack message validates, and says what happened, who must act and the command', () => {
    for (const n of samples()) {
      const message = JSON.parse(bodyOf('slack', n, { sinkUrl: 'http://x/', publicUrl: 'https://cutover.example' })!.text) as object;
      expect(slackSchema(message), JSON.stringify(slackSchema.errors)).toBe(true);
    }
    const overdue = samples().find((s) => s.type === T.deadlineOverdue)!;
    const text = JSON.stringify(slackMessage(overdue, { publicUrl: 'https://cutover.example' }));
    expect(text).toContain('OVERDUE');
    expect(text).toContain(`${ROLE.producerIc} (${P})`);
    expect(text).toContain(`cutover incident notify INC-1 --as ${ROLE.producerIc}`);
    expect(text).toContain('https://cutover.example/programs/');
  });

  it('a long summary is cut to what Slack accepts, and < > & are escaped', () => {
    const n = { ...samples()[0]!, summary: `<b>&${'x'.repeat(5000)}` };
    const message = slackMessage(n, {});
    expect(slackSchema(message), JSON.stringify(slackSchema.errors)).toBe(true);
    expect(JSON.stringify(message)).toContain('&lt;b&gt;&amp;');
  });

  it('PagerDuty: an incident reported triggers keyed by the incident; resolved resolves the same key; a promotion is a change event', () => {
    const context = { sinkUrl: 'https://events.pagerduty.com/v2/enqueue', routingKey: 'R0UT1NGKEY', publicUrl: 'https://cutover.example' };
    const reported = samples().find((s) => s.type === T.incidentReported)!;
    const trigger = JSON.parse(bodyOf('pagerduty', reported, context)!.text) as any;
    expect(pagerDutySchema(trigger), JSON.stringify(pagerDutySchema.errors)).toBe(true);
    expect(trigger).toMatchObject({ event_action: 'trigger', dedup_key: `${reported.program}/INC-1`, payload: { severity: 'critical' } });
    const resolved: Notification = { ...reported, type: T.incidentResolved, incident: { ...reported.incident!, open: false } };
    const resolve = JSON.parse(bodyOf('pagerduty', resolved, context)!.text) as any;
    expect(pagerDutySchema(resolve), JSON.stringify(pagerDutySchema.errors)).toBe(true);
    expect(resolve).toEqual({ routing_key: 'R0UT1NGKEY', event_action: 'resolve', dedup_key: trigger.dedup_key });
    const change = bodyOf('pagerduty', samples().find((s) => s.type === T.serviceUpgraded)!, context)!;
    expect(change.url).toBe('https://events.pagerduty.com/v2/change/enqueue');
    expect(pagerDutySchema(JSON.parse(change.text)), JSON.stringify(pagerDutySchema.errors)).toBe(true);
    // What PagerDuty has no use for is not sent there.
    expect(bodyOf('pagerduty', samples().find((s) => s.type === T.verdictCast)!, context)).toBeNull();
  });
});

describe('Standard Webhooks signatures', () => {
  const secret = `whsec_${Buffer.from('a secret of thirty-two bytes!!!!').toString('base64')}`;
  const key = DeliveryKey.ephemeral();
  const body = '{"hello":"receiver"}';
  const headers = signedHeaders('prog/7/dev.cutover.phase.started.v1/phase:8', new Date(), body, key, secret);

  it('v1 verifies with the standardwebhooks package and the sink secret; another secret fails', () => {
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual({ hello: 'receiver' });
    expect(() => new Webhook(`whsec_${Buffer.from('another secret, also 32 bytes!!!').toString('base64')}`).verify(body, { ...headers })).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, { ...headers })).toThrow();
  });

  it('v1a verifies with node:crypto and the published Ed25519 key; a changed body does not', () => {
    const published = key.published();
    const v1a = headers['webhook-signature'].split(' ').find((s) => s.startsWith('v1a,'))!.slice(4);
    const signed = (b: string) => Buffer.from(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${b}`);
    const pub = createPublicKey({ key: published.jwk as any, format: 'jwk' });
    expect(verify(null, signed(body), pub, Buffer.from(v1a, 'base64'))).toBe(true);
    expect(verify(null, signed(body), createPublicKey(published.pem), Buffer.from(v1a, 'base64'))).toBe(true);
    expect(verify(null, signed(`${body} `), pub, Buffer.from(v1a, 'base64'))).toBe(false);
    expect(verify(null, signed(body), createPublicKey(DeliveryKey.ephemeral().published().pem), Buffer.from(v1a, 'base64'))).toBe(false);
  });

  it('a sink without a secret gets v1a only', () => {
    expect(signedHeaders('id', new Date(), body, key)['webhook-signature']).toMatch(/^v1a,[A-Za-z0-9+/]+=*$/);
  });
});

