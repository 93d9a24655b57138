/**
 * The notifier's routes: the delivery key's public half (where receivers check `v1a`), the dead
 * letters as JSON and as a dashboard page, and redelivery by hand (an authenticated POST: a caller
 * who may create the letter's program, as `serve --create-token`, a creator, or the program's token).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { App, ServerContext } from '../context.js';
import { page } from '../dashboard/format.js';
import { errorBody } from '../http-errors.js';
import { html } from '../dashboard/html.js';
import type { DeadLetter } from './delivery-state.js';
import type { Notifier } from './notifier.js';
import type { DeliveryKey } from './signing.js';

export const DELIVERY_KEY_PATH = '/.well-known/cutover-delivery-key';

const CSP = "default-src 'none'; style-src 'self'; script-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export function registerNotifyRoutes(app: App, context: ServerContext, notifier: Notifier | null, key: DeliveryKey | null): void {
  app.get(DELIVERY_KEY_PATH, async (_request, reply) => {
    if (key === null) return reply.code(404).send({ error: { kind: 'input', code: 'not-found', message: 'this server sends no notifications (serve --notify or --notify-config)', hint: null, hints: [] } });
    const published = key.published();
    // Receivers cache it; a rotated key is published here first.
    return reply.header('cache-control', 'public, max-age=300').send({ keys: [published.jwk], whpk: published.whpk, pem: published.pem });
  });

  // Judged as the read routes judge: on the definition last verified here, else verified now, so a
  // program that left memory (or was never loaded since a restart) keeps its readers.
  const definitionOf = async (program: string) => (context.cache.peek(program) ?? (await context.cache.current(program).catch(() => null)))?.state.definition ?? null;
  const mayReadLetter = async (request: FastifyRequest, letter: DeadLetter) => context.mayRead(request, letter.program, await definitionOf(letter.program));

  const readable = async (request: FastifyRequest): Promise<DeadLetter[]> => {
    const all = notifier === null ? [] : await notifier.deadLetters();
    const allowed = await Promise.all(all.map((d) => mayReadLetter(request, d)));
    return all.filter((_d, i) => allowed[i]);
  };

  app.get('/v1/notify/dead-letters', async (request) => ({ deadLetters: (await readable(request)).map(({ body: _body, ...rest }) => rest) }));

  app.post('/v1/notify/dead-letters/:id/redeliver', { schema: { params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) }) } }, async (request, reply) => {
    const { id } = request.params;
    const letter = notifier === null ? undefined : (await notifier.deadLetters()).find((d) => d.id === id);
    if (letter === undefined || !(await mayReadLetter(request, letter))) {
      return reply.code(404).send(errorBody('input', 'not-found', `no dead letter ${id}`, ['cutover --server URL notify dead-letters (or GET /v1/notify/dead-letters) lists them']));
    }
    const refusal = context.access.createRefusal(request, letter.program, `redelivering dead letter ${id} of program ${letter.program}`);
    if (refusal !== null) throw refusal;
    const failure = await notifier!.redeliver(letter);
    if (failure !== null) return reply.code(502).send(errorBody('unavailable', 'redelivery-failed', `the receiver did not take it: ${failure}`, ['the dead letter stays; try again once the receiver answers']));
    return { redelivered: id, sink: letter.sink, program: letter.program, type: letter.type, notification: letter.notification };
  });

  app.get('/notify/dead-letters', async (request, reply) => {
    const letters = await readable(request);
    const rows = letters.map(
      (d) => html`<tr><td>${d.id}</td><td>${d.sink}</td><td><a href="/programs/${d.program}">${d.program}</a></td><td>${d.type}</td><td><code>${d.notification}</code></td><td>${d.attempts}</td><td>${d.error}</td><td><time datetime="${d.deadAt}">${d.deadAt}</time></td></tr>`,
    );
    const body =
      notifier === null
        ? html`<h1>Undelivered notifications</h1><p>This server sends no notifications (<code>cutover serve --notify URL</code> or <code>--notify-config FILE</code>).</p>`
        : html`<h1>Undelivered notifications</h1>
<p>${letters.length === 0 ? 'No dead letters: every notification was delivered.' : `${letters.length} notification(s) a receiver did not take after every retry. Redeliver one with cutover --server URL notify redeliver ID, or POST /v1/notify/dead-letters/ID/redeliver (a creation token, a creator, or the program's token).`}</p>
${letters.length === 0 ? '' : html`<table><thead><tr><th>#</th><th>Sink</th><th>Program</th><th>Type</th><th>Id (webhook-id)</th><th>Attempts</th><th>Last error</th><th>Given up at</th></tr></thead><tbody>${rows}</tbody></table>`}`;
    return reply
      .header('content-security-policy', CSP)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(page({ title: 'Undelivered notifications', evaluatedAt: context.now().toISOString(), body, crumbs: html` › Notifications` }));
  });
}
