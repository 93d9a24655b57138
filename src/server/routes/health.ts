/** `/healthz`, `/readyz`, `/metrics`: is the process up, is its store ready, and what it counted. */
import { Type } from '@sinclair/typebox';
import type { App, ServerContext } from '../context.js';
import { ErrorBody } from '../http-errors.js';
import { Empty } from '../route-schemas.js';

export function registerHealthRoutes(app: App, { options, metrics }: ServerContext): void {
  app.get('/healthz', { schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async () => ({ ok: true }));
  app.get('/readyz', { schema: { response: { 200: Type.Object({ ready: Type.Boolean() }), 503: Type.Union([ErrorBody, Type.Object({ ready: Type.Boolean() })]) } } }, async (_request, reply) => {
    const ready = await (options.ready ?? (async () => true))();
    return reply.code(ready ? 200 : 503).send({ ready });
  });
  app.get('/metrics', { schema: { querystring: Empty } }, async (_request, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.text()));
}
