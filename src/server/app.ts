/**
 * `cutover serve`: the HTTP API over any LedgerStore, many programs. The server is a shared home,
 * not a trusted party: it holds no key, and stores a posted line only when the one verified
 * program (`app/verified-program.ts`) admits it as the continuation of the program, exactly as
 * `verify` would check it. This module sets the server up (body parsing, errors, metrics, who may
 * read); the routes are one module per group in `routes/` and `dashboard/`. No domain logic here.
 */
import { EventEmitter } from 'node:events';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { LedgerStore } from '../store/ledger-store.js';
import type { ServerContext } from './context.js';
import { registerDashboard } from './dashboard/routes.js';
import { registerEventRoutes } from './routes/events.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerProgramRoutes } from './routes/programs.js';
import { httpErrorOf } from './http-errors.js';
import { ServerMetrics } from './metrics.js';
import { ProgramCache } from './program-cache.js';

export interface ServerOptions {
  readonly store: LedgerStore;
  /** Database reachable and migrated (default: always ready). */
  readonly ready?: () => Promise<boolean>;
  /** Read tokens per program: a program listed here is read, written and created only with `Authorization: Bearer <token>`. */
  readonly readTokens?: ReadonlyMap<string, readonly string[]>;
  /** How far ahead of this server's clock a posted line may be dated, in ms (default 5 minutes, as the CLI's). */
  readonly maxClockSkewMs?: number;
  /** Creating a program needs one of these bearer tokens (none given: anyone may create an unprotected id). */
  readonly createTokens?: readonly string[];
  /** Largest request body, bytes (default 1 MiB). */
  readonly bodyLimit?: number;
  /** Deepest JSON nesting accepted in a body (default 64). */
  readonly maxJsonDepth?: number;
  /** Fastify's logger level (default info); false: no log. */
  readonly logLevel?: string | false;
  /** Where the log goes (default stderr, so stdout holds only the URL). */
  readonly logStream?: NodeJS.WritableStream;
  readonly now?: () => Date;
  /** With a store that keeps checkpoints: keep one when a program is this many events past its last (default 1,000). */
  readonly checkpointEvery?: number;
}

export interface CutoverServer {
  readonly app: FastifyInstance;
  readonly metrics: ServerMetrics;
  /** Tell the server a program changed elsewhere (another replica): streams and caches catch up. */
  notifyAppended(program: string): void;
}

export function buildServer(options: ServerOptions): CutoverServer {
  const { store } = options;
  const now = options.now ?? (() => new Date());
  const metrics = new ServerMetrics();
  const appended = new EventEmitter().setMaxListeners(0);
  const streams = new Set<FastifyReply>();
  const maxDepth = options.maxJsonDepth ?? 64;
  const app = Fastify({
    logger: options.logLevel === false ? false : { level: options.logLevel ?? 'info', stream: options.logStream ?? process.stderr },
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    return503OnClosing: true,
    // Longer ids reach the schema, which refuses them in the documented error shape (not Fastify's 414).
    maxParamLength: 1000,
    ajv: { customOptions: { allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  const cache = new ProgramCache(store, {
    metrics,
    log: { info: (message) => app.log.info(message), warn: (message) => app.log.warn(message) },
    ...(options.checkpointEvery === undefined ? {} : { checkpointEvery: options.checkpointEvery }),
  });

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    const depth = jsonDepth(text as string);
    if (depth > maxDepth) return done(Object.assign(new Error(`the JSON body nests ${depth} levels deep; at most ${maxDepth} are accepted`), { statusCode: 400, code: 'FST_ERR_JSON_TOO_DEEP' }));
    try {
      done(null, JSON.parse(text as string));
    } catch (e) {
      done(Object.assign(new Error(`the body is not valid JSON: ${(e as Error).message}`), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }));
    }
  });

  app.setErrorHandler(async (error, request, reply) => {
    const { status, body } = httpErrorOf(error);
    if (status >= 500) request.log.error({ err: error }, body.error.message);
    if (status === 409) body.head = await store.head((request.params as { id?: string }).id ?? '').catch(() => null);
    if (request.method === 'POST' && request.routeOptions.url === '/v1/programs/:id/events') {
      if (status === 409) metrics.conflicts.inc();
      if (status === 422) metrics.refusals.inc({ code: body.error.code });
    }
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: { kind: 'input', code: 'not-found', message: `no route ${request.method} ${request.url}`, hint: null, hints: [] } });
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    metrics.latency.observe({ route, method: request.method }, reply.elapsedTime / 1000);
  });
  app.addHook('preClose', async () => {
    for (const reply of streams) reply.raw.end();
    streams.clear();
  });
  // After the requests in flight drained, before the store closes: a graceful restart resumes at the head.
  app.addHook('onClose', async () => cache.keepCheckpoints());

  const readTokens = options.readTokens ?? new Map<string, readonly string[]>();
  const mayRead = (request: FastifyRequest, program: string) => {
    const tokens = readTokens.get(program);
    if (tokens === undefined) return true;
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    return given !== undefined && tokens.includes(given);
  };
  const guardRead = async (request: FastifyRequest, reply: FastifyReply) => {
    const { id } = request.params as { id: string };
    if (!mayRead(request, id)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: { kind: 'input', code: 'unauthorized', message: `${request.method === 'GET' ? 'reading' : 'writing to'} program ${id} needs its bearer token`, hint: 'send Authorization: Bearer <token>', hints: ['send Authorization: Bearer <token>'] } });
    }
  };

  /** Creating `program`: its own token when it is protected (no one else may claim its id), else a creation token when the server has any. */
  const createTokens = options.createTokens ?? [];
  const mayCreate = (request: FastifyRequest, program: string) => {
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const tokens = readTokens.get(program) ?? (createTokens.length === 0 ? undefined : createTokens);
    return tokens === undefined || (given !== undefined && (tokens.includes(given) || createTokens.includes(given)));
  };

  // The dashboard (`/`, `/programs/:id`): HTML drawn from this cache and the same status report.
  registerDashboard(app, { store, cache, now, mayRead });
  // The API, one module per route group, each declaring its own routes.
  const context: ServerContext = { options, store, cache, metrics, now, appended, streams, mayRead, guardRead, mayCreate };
  registerHealthRoutes(app, context);
  registerProgramRoutes(app, context);
  registerEventRoutes(app, context);

  return {
    app,
    metrics,
    notifyAppended: (program) => appended.emit('appended', program),
  };
}

/** How deep a JSON text nests, counted without parsing it (strings skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}
