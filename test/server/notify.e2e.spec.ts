/**
 * Notifications from a real `cutover serve` to receivers on loopback, on both stores: signed so a
 * receiver can verify them (v1 with the standardwebhooks package, v1a with node:crypto), retried
 * with the same webhook-id until taken, dead-lettered when never taken (other sinks unaffected) and
 * redelivered by hand, delivered after a kill -9, and sent when a deadline passes with no POST at all.
 */
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { NOTIFICATION_TYPES as T } from '../../src/domain/notifications.js';
import { serialize } from '../../src/ledger/chain.js';
import { at, decider, type Given } from '../support/decider-spec.js';
import { freshDatabase } from '../support/postgres.js';
import { programFixture, ROLE } from '../support/program.js';
import { receiversPerTest, waitUntil, type Received } from '../support/receiver.js';
import { headOf, metricOf, postLines, serversPerTest, startServer, type RunningServer } from '../support/server.js';
import { tempDir } from '../support/temp.js';

const ajv = new Ajv({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const schemaOf = (name: string) => ajv.compile(JSON.parse(readFileSync(join(import.meta.dirname, '../../schemas/notify', name), 'utf8')) as object);
const slackSchema = schemaOf('slack-incoming-webhook.schema.json');
const pagerDutySchema = schemaOf('pagerduty-events-v2.schema.json');

const SECRET = `whsec_${Buffer.from('the hooks sink secret, 32 bytes!').toString('base64')}`;

/** A program of the standard template (fresh keys) naming `sinks` in its notify:, defined now. */
class Program {
  private g: Given;
  private posted: string[] = [];
  constructor(sinks?: readonly string[], id?: string) {
    const fixture = programFixture((d) => {
      const named = id === undefined ? d : { ...d, program: { ...d.program, id } };
      return sinks === undefined ? named : { ...named, notify: [...sinks] };
    });
    this.g = decider({ fixture, start: new Date().toISOString() }).given();
  }
  get id(): string {
    return this.g.state.program!;
  }
  /** Record `command` now, after what is recorded. */
  record(command: Parameters<typeof at>[1]): this {
    this.g = this.g.and(at(new Date(Math.max(Date.now(), Date.parse(this.g.state.lastAt!) + 1)).toISOString(), command));
    return this;
  }
  /** Post every line not posted yet to `server`. */
  async post(server: RunningServer, token?: string): Promise<void> {
    const lines = this.g.events.map(serialize);
    const fresh = lines.slice(this.posted.length);
    const answer =
      token === undefined
        ? await postLines(server.url, this.id, headOf(this.posted), fresh)
        : await fetch(`${server.url}/v1/programs/${this.id}/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ expectedHead: headOf(this.posted), lines: fresh }) });
    if (answer.status !== 201) throw new Error(`posting answered ${answer.status}`);
    this.posted = lines;
  }
}

let blockers = 0;
const raiseBlocker = () => ({ type: 'raise-blocker', actor: ROLE.logOwner, text: `blocker ${++blockers}`, owner: ROLE.logOwner, due: '2099-01-01' }) as const;

const typeOf = (r: Received) => (JSON.parse(r.body) as { type: string }).type;
const ofType = (type: string) => (accepted: Received[]) => accepted.find((r) => typeOf(r) === type);

interface StoreCase {
  readonly name: string;
  args(): Promise<string[]>;
}

const STORES: readonly StoreCase[] = [
  { name: 'folder', args: async () => ['--data', tempDir()] },
  { name: 'postgres', args: async () => ['--database', await freshDatabase()] },
];

describe.each(STORES)('$name: notifications', (store) => {
  const serving = serversPerTest();
  const started: RunningServer[] = [];
  const stopAfter = (server: RunningServer) => started.push(server);
  afterEach(async () => {
    for (const s of started.splice(0)) await s.stop('SIGKILL');
  });
  const receiving = receiversPerTest();

  function config(sinks: readonly Record<string, unknown>[]): string {
    const file = join(tempDir(), 'sinks.json');
    writeFileSync(file, JSON.stringify({ sinks }));
    return file;
  }

  it('a receiver verifies v1 with the standardwebhooks package and v1a with node:crypto and the published key', async () => {
    const hooks = await receiving();
    const everything = await receiving();
    const server = await startServer([...(await store.args()), '--notify-config', config([{ name: 'hooks', url: hooks.url, secret_env: 'HOOKS_SECRET' }]), '--notify', everything.url], { HOOKS_SECRET: SECRET });
    try {
      const program = new Program(['hooks']).record(raiseBlocker());
      await program.post(server);
      const got = await hooks.waitFor(ofType(T.blockerAppeared));
      expect(got.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
      const event = new Webhook(SECRET).verify(got.body, got.headers) as { id: string; type: string; data: { summary: string; commands: string[] } };
      expect(event).toMatchObject({ id: got.headers['webhook-id'], type: T.blockerAppeared, data: { summary: expect.stringContaining('blocker') } });
      expect(event.data.commands[0]).toContain('cutover blocker resolve');
      const published = (await (await fetch(`${server.url}/.well-known/cutover-delivery-key`)).json()) as { keys: object[] };
      const v1a = got.headers['webhook-signature']!.split(' ').find((s) => s.startsWith('v1a,'))!.slice(4);
      const signed = Buffer.from(`${got.headers['webhook-id']}.${got.headers['webhook-timestamp']}.${got.body}`);
      expect(verify(null, signed, createPublicKey({ key: published.keys[0] as never, format: 'jwk' }), Buffer.from(v1a, 'base64'))).toBe(true);
      // The program names its sink: the --notify sink, for programs that name none, got nothing of it.
      expect(everything.received).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it('each sink gets its own format: Slack Block Kit and a PagerDuty trigger keyed by the incident, valid by their schemas', async () => {
    const slack = await receiving();
    const pagerduty = await receiving();
    const sinks = config([
      { name: 'team', url: slack.url, format: 'slack', types: [T.incidentReported, T.deadlineDueSoon] },
      { name: 'oncall', url: pagerduty.url, format: 'pagerduty', routing_key_env: 'PD_KEY' },
    ]);
    const server = await startServer([...(await store.args()), '--notify-config', sinks, '--public-url', 'https://cutover.example'], { PD_KEY: 'pd-routing-key' });
    stopAfter(server);
    const program = new Program(['team', 'oncall', 'not-on-this-server']).record({ type: 'declare-incident', actor: ROLE.producerIc, trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'non-2xx responses lack the error envelope', identifiedAt: new Date(Date.now() - 60_000).toISOString(), id: 'INC-1' });
    await program.post(server);
    const messages = await slack.waitFor((accepted) => (accepted.length >= 2 ? accepted : undefined));
    for (const m of messages) expect(slackSchema(JSON.parse(m.body)), JSON.stringify(slackSchema.errors)).toBe(true);
    const notice = messages.find((m) => m.body.includes('initial notice'))!;
    expect(notice.body).toContain(`cutover incident notify INC-1 --as ${ROLE.producerIc}`);
    expect(notice.body).toContain('https://cutover.example/programs/');
    const trigger = await pagerduty.waitFor((accepted) => accepted[0]);
    expect(pagerDutySchema(JSON.parse(trigger.body)), JSON.stringify(pagerDutySchema.errors)).toBe(true);
    expect(JSON.parse(trigger.body)).toMatchObject({ routing_key: 'pd-routing-key', event_action: 'trigger', dedup_key: `${program.id}/INC-1`, payload: { severity: 'critical' } });
    // A sink the program names but the server does not have: nothing sent, and the log says so.
    await waitUntil(() => (server.log().includes('names sink not-on-this-server') ? true : undefined));
  });

  it('many programs, few held: one that left memory is still told of its lines; a restarted server listens at once and tells each line once', async () => {
    const hooks = await receiving();
    // --memory-budget 1: the notifier holds 128 KiB of programs, a handful of these.
    const args = [...(await store.args()), '--notify', hooks.url, '--memory-budget', '1'];
    let server = await startServer(args);
    const blockersTold = () => hooks.accepted().filter((r) => typeOf(r) === T.blockerAppeared);
    const programs = Array.from({ length: 12 }, (_, i) => new Program(undefined, `held-${i}`).record(raiseBlocker()));
    // Three of them overdue: reminded again later, not on every start.
    for (const p of programs.slice(9)) p.record({ ...raiseBlocker(), due: '2020-01-01' });
    for (const p of programs) await p.post(server);
    await hooks.waitFor(() => (blockersTold().length >= 15 ? true : undefined));
    await hooks.waitFor(() => (hooks.accepted().filter((r) => typeOf(r) === T.deadlineOverdue).length >= 3 ? true : undefined));
    const held = metricOf(await (await fetch(`${server.url}/metrics`)).text(), 'cutover_notify_programs_held');
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(12);
    await programs[0]!.record(raiseBlocker()).post(server); // long gone from memory
    await hooks.waitFor(() => (blockersTold().length >= 16 ? true : undefined));
    await server.stop();

    server = await startServer(args);
    stopAfter(server);
    await programs[7]!.record(raiseBlocker()).post(server);
    await hooks.waitFor(() => (blockersTold().length >= 17 ? true : undefined));
    await new Promise((r) => setTimeout(r, 1500)); // the restarted server's first look at every program, meanwhile
    // Every other program's cursor is at its head and time has nothing to tell it yet (the overdue
    // ones' next reminder included): not even read.
    expect(metricOf(await (await fetch(`${server.url}/metrics`)).text(), 'cutover_notify_programs_held')).toBe(1);
    const ids = blockersTold().map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(17);
    expect(new Set(ids).size).toBe(17);
    expect(hooks.accepted().filter((r) => typeOf(r) === T.deadlineOverdue)).toHaveLength(3);
  });

  it('a receiver down for a while: retried with the same webhook-id, then delivered', async () => {
    const hooks = await receiving((_r, i) => (i < 3 ? 503 : 200));
    const server = await serving([...(await store.args()), '--notify', hooks.url, '--notify-backoff', '100ms']);
    const program = new Program().record(raiseBlocker());
    await program.post(server);
    const got = await hooks.waitFor(ofType(T.blockerAppeared));
    const tries = hooks.received.filter((r) => r.headers['webhook-id'] === got.headers['webhook-id']);
    expect(tries.map((r) => r.status)).toEqual([503, 503, 503, 200]);
    expect(hooks.accepted().filter((r) => r.headers['webhook-id'] === got.headers['webhook-id'])).toHaveLength(1);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metricOf(metrics, `cutover_notify_failed_attempts_total{sink="url:${hooks.url}"}`)).toBe(3);
  });

  it('a receiver that never answers: a dead letter, shown and counted, redelivered by hand; the other sink is unaffected', async () => {
    const silent = await receiving(() => 'hang');
    const good = await receiving();
    const server = await serving([...(await store.args()), '--notify', silent.url, '--notify', good.url, '--notify-timeout', '300ms', '--notify-attempts', '2', '--notify-backoff', '100ms', '--create-token', 'admin-token']);
    const program = new Program().record(raiseBlocker());
    await program.post(server, 'admin-token');
    const delivered = await good.waitFor(ofType(T.blockerAppeared));
    const dead = await waitUntil(async () => {
      const list = (await (await fetch(`${server.url}/v1/notify/dead-letters`)).json()) as { deadLetters: { id: string; sink: string; notification: string; attempts: number }[] };
      return list.deadLetters.find((d) => d.sink === `url:${silent.url}`);
    });
    expect(dead).toMatchObject({ notification: delivered.headers['webhook-id'], attempts: 2 });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metricOf(metrics, `cutover_notify_dead_letters_total{sink="url:${silent.url}"}`)).toBe(1);
    const pageText = await (await fetch(`${server.url}/notify/dead-letters`)).text();
    expect(pageText).toContain(delivered.headers['webhook-id']);
    expect(await (await fetch(`${server.url}/`)).text()).toContain('href="/notify/dead-letters"');
    // The receiver answers again: redelivered by hand, with the same webhook-id, and the list is empty.
    silent.answer = () => 200;
    // Redelivery is an authenticated POST: here, by a holder of the creation token.
    expect((await fetch(`${server.url}/v1/notify/dead-letters/${dead.id}/redeliver`, { method: 'POST' })).status).toBe(401);
    expect(silent.accepted()).toEqual([]);
    const redelivered = await fetch(`${server.url}/v1/notify/dead-letters/${dead.id}/redeliver`, { method: 'POST', headers: { authorization: 'Bearer admin-token' } });
    expect(redelivered.status).toBe(200);
    expect(silent.accepted().map((r) => r.headers['webhook-id'])).toEqual([delivered.headers['webhook-id']]);
    expect(((await (await fetch(`${server.url}/v1/notify/dead-letters`)).json()) as { deadLetters: unknown[] }).deadLetters).toEqual([]);
  });

  it('a slow receiver delays only itself: the other sink gets each append while the slow one still holds the first', async () => {
    const slow = await receiving(() => 'hang');
    const good = await receiving();
    const server = await serving([...(await store.args()), '--notify', slow.url, '--notify', good.url, '--notify-timeout', '60s']);
    const program = new Program();
    for (let i = 1; i <= 3; i++) {
      await program.record(raiseBlocker()).post(server);
      await good.waitFor((accepted) => (accepted.filter((r) => typeOf(r) === T.blockerAppeared).length >= i ? true : undefined));
    }
    // The slow receiver has the first delivery still open, unanswered, and nothing after it (in order, behind it).
    expect(slow.received.map((r) => r.status)).toEqual([null]);
  });

  it('kill -9 between an append committed and its delivery: delivered after the restart', async () => {
    const hooks = await receiving(() => 'hang');
    const args = [...(await store.args()), '--notify', hooks.url, '--notify-timeout', '60s'];
    const first = await serving(args);
    const program = new Program().record(raiseBlocker());
    await program.post(first);
    // The delivery is on its way (the receiver holds it): the server dies before it is answered.
    await waitUntil(async () => hooks.received.find((r) => typeOf(r) === T.blockerAppeared));
    const sentBefore = hooks.received.find((r) => typeOf(r) === T.blockerAppeared)!.headers['webhook-id'];
    await first.stop('SIGKILL');
    hooks.answer = () => 200;
    await serving(args);
    const got = await hooks.waitFor(ofType(T.blockerAppeared));
    expect(got.headers['webhook-id']).toBe(sentBefore);
  });

  it('a deadline passing while nothing is posted: the overdue notice arrives by itself', async () => {
    const hooks = await receiving();
    const server = await serving([...(await store.args()), '--notify', hooks.url]);
    // A SEV-1 identified 14 minutes 57 seconds ago: its 15-minute initial notice falls due in 3 seconds.
    const identified = new Date(Date.now() - (15 * 60_000 - 3000)).toISOString();
    const program = new Program().record({ type: 'declare-incident', actor: ROLE.producerIc, trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'non-2xx responses lack the error envelope', identifiedAt: identified, id: 'INC-1' });
    await program.post(server);
    const reported = await hooks.waitFor(ofType(T.incidentReported));
    const overdue = await hooks.waitFor((accepted) => accepted.find((r) => typeOf(r) === T.deadlineOverdue && r.body.includes('incident:INC-1:initial-notice')), 30_000);
    expect(overdue.at).toBeGreaterThan(reported.at);
    expect(JSON.parse(overdue.body).data).toMatchObject({ owedBy: [{ role: ROLE.producerIc }], commands: [`cutover incident notify INC-1 --as ${ROLE.producerIc}`] });
  });
});

describe('postgres: two replicas', () => {
  const serving = serversPerTest();
  const receiving = receiversPerTest();

  it('each notification is taken once, whichever replica sends it; a retry keeps its webhook-id', async () => {
    // Every third request fails: both replicas retry, each retry with the id it had.
    const hooks = await receiving((_r, i) => (i % 3 === 1 ? 503 : 200));
    const database = await freshDatabase();
    const key = join(tempDir(), 'delivery-key.pem');
    const args = ['--database', database, '--notify', hooks.url, '--notify-backoff', '100ms', '--delivery-key', key];
    const a = await serving(args);
    const b = await serving(args);
    const program = new Program();
    for (let i = 0; i < 6; i++) await program.record(raiseBlocker()).post(i % 2 === 0 ? a : b);
    const appeared = await hooks.waitFor((accepted) => {
      const ids = accepted.filter((r) => typeOf(r) === T.blockerAppeared).map((r) => r.headers['webhook-id']);
      return ids.length >= 6 ? ids : undefined;
    });
    // Let any duplicate arrive, then count: every id taken once, every failed id taken later.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const taken = hooks.accepted().map((r) => r.headers['webhook-id']!);
    expect(new Set(taken).size).toBe(taken.length);
    expect(new Set(appeared).size).toBe(6);
    const failed = hooks.received.filter((r) => r.status === 503).map((r) => r.headers['webhook-id']!);
    expect(failed.length).toBeGreaterThan(0);
    for (const id of failed) expect(taken).toContain(id);
    // Both replicas sign with the one key: the receiver checks every delivery against the one published.
    const published = (await (await fetch(`${b.url}/.well-known/cutover-delivery-key`)).json()) as { pem: string };
    for (const r of hooks.accepted()) {
      const v1a = r.headers['webhook-signature']!.split(' ').find((s) => s.startsWith('v1a,'))!.slice(4);
      expect(verify(null, Buffer.from(`${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.body}`), createPublicKey(published.pem), Buffer.from(v1a, 'base64'))).toBe(true);
    }
  });
});
