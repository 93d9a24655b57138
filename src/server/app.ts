/**
 * `cutover serve`: the HTTP API over any LedgerStore, many programs. The server is a shared home,
 * not a trusted party: it holds no key, and stores a posted line only when it verifies as the
 * continuation of the program exactly as `verify` would check it (`admit-events.ts`).
 * No domain logic here: status and gate answers are the CLI's own reports.
 */
import { EventEmitter } from 'node:events';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { blockerView, statusReport } from '../app/status-report.js';
import type { Evaluation } from '../domain/evaluate.js';
import { currentPhase, overdueNow, urgencyOf } from '../domain/urgency.js';
import { StaleHeadError, UnknownNameError } from '../errors.js';
import type { LedgerStore } from '../store/ledger-store.js';
import { registerDashboard } from './dashboard/routes.js';
import { ErrorBody, httpErrorOf } from './http-errors.js';
import { ServerMetrics } from './metrics.js';
import { ProgramCache, type CachedProgram } from './program-cache.js';

export interface ServerOptions {
  readonly store: LedgerStore;
  /** Database reachable and migrated (default: always ready). */
  readonly ready?: () => Promise<boolean>;
  /** Read tokens per program: a program listed here is read only with `Authorization: Bearer <token>`. */
  readonly readTokens?: ReadonlyMap<string, readonly string[]>;
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

const ProgramId = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });
const ProgramParams = Type.Object({ id: ProgramId });
const GateParams = Type.Object({ id: ProgramId, decision: Type.String({ minLength: 1, maxLength: 200 }) });
const FromQuery = Type.Object({ from: Type.Optional(Type.Integer({ minimum: 1, description: 'the first seq to return (default 1)' })) });
const AtQuery = Type.Object({ at: Type.Optional(Type.String({ format: 'date-time', description: 'evaluate at this time instead of now' })) });
const AppendBody = Type.Object(
  {
    expectedHead: Type.Union([Type.String({ pattern: '^sha256:[0-9a-f]{64}$' }), Type.Null()], { description: 'the head the events were decided on; null for a new program' }),
    lines: Type.Array(Type.String({ minLength: 2 }), { minItems: 1, maxItems: 1000, description: 'sealed, signed ledger lines exactly as they are to be stored (canonical JSON)' }),
  },
  { additionalProperties: false },
);
const HeadBody = Type.Object({ program: Type.String(), seq: Type.Integer(), head: Type.String() });
const Empty = Type.Object({});
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody, 422: ErrorBody, 503: ErrorBody };

const NDJSON = 'application/x-ndjson; charset=utf-8';

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
        .send({ error: { kind: 'input', code: 'unauthorized', message: `reading program ${id} needs its bearer token`, hint: 'send Authorization: Bearer <token>', hints: ['send Authorization: Bearer <token>'] } });
    }
  };

  // The dashboard (`/`, `/programs/:id`): HTML drawn from this cache and the same status report.
  registerDashboard(app, { store, cache, now, mayRead });

  /** The program as verified now; 404 when the store does not hold it. */
  const defined = async (id: string): Promise<CachedProgram> => {
    const entry = await cache.current(id);
    if (entry.state.definition === null) throw new UnknownNameError('program', id, []);
    return entry;
  };
  const evaluationAt = (entry: CachedProgram, at: string | undefined): { ev: Evaluation; when: Date } => {
    if (at !== undefined) {
      const when = new Date(at);
      return { ev: cache.evaluationOf({ ...entry, evaluation: undefined }, when), when };
    }
    const ev = cache.evaluationOf(entry, now());
    return { ev, when: new Date(ev.evaluatedAt) };
  };
  const statusBodies = new WeakMap<Evaluation, Buffer>();

  app.get('/healthz', { schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async () => ({ ok: true }));
  app.get('/readyz', { schema: { response: { 200: Type.Object({ ready: Type.Boolean() }), 503: Type.Union([ErrorBody, Type.Object({ ready: Type.Boolean() })]) } } }, async (_request, reply) => {
    const ready = await (options.ready ?? (async () => true))();
    return reply.code(ready ? 200 : 503).send({ ready });
  });
  app.get('/metrics', { schema: { querystring: Empty } }, async (_request, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.text()));

  app.get('/v1/programs', { schema: { querystring: Empty } }, async (request) => {
    const ids = (await store.listPrograms()).filter((id) => mayRead(request, id));
    const programs = [];
    for (const id of ids) {
      const entry = await cache.current(id);
      if (entry.state.definition === null) continue;
      const ev = cache.evaluationOf(entry, now());
      programs.push({
        id,
        title: ev.program.title,
        head: ev.head,
        seq: ev.seq,
        decisions: ev.decisions.map((d) => ({ id: d.id, outcome: d.outcome })),
        nextPhase: ev.nextPhase,
        blockers: ev.blockers.map((b) => ({ gate: b.gate, text: b.text, owner: b.owner.role })),
        urgency: urgencyOf(ev),
        currentPhase: currentPhase(ev),
        overdue: overdueNow(ev).map((o) => (o.kind === 'blocker' ? { blocker: o.blocker, due: o.due } : { incident: o.incident, deadline: o.deadline, due: o.due })),
      });
    }
    return { version: 1, programs };
  });

  app.get('/v1/programs/:id/status', { schema: { params: ProgramParams, querystring: AtQuery, response: errors }, preHandler: guardRead }, async (request, reply) => {
    const entry = await defined(request.params.id);
    const { ev, when } = evaluationAt(entry, request.query.at);
    let body = statusBodies.get(ev);
    if (body === undefined) {
      // The same bytes as `cutover status --json` at the same time, encoded once per evaluation.
      body = Buffer.from(JSON.stringify(statusReport(ev, when, true), null, 2) + '\n', 'utf8');
      statusBodies.set(ev, body);
    }
    return sendText(reply.header('etag', `"${ev.head}"`), 'application/json; charset=utf-8', body);
  });

  app.get('/v1/programs/:id/gate/:decision', { schema: { params: GateParams, querystring: AtQuery, response: errors }, preHandler: guardRead }, async (request, reply) => {
    const entry = await defined(request.params.id);
    const { ev, when } = evaluationAt(entry, request.query.at);
    const decision = ev.decisions.find((d) => d.id === request.params.decision);
    if (decision === undefined) throw new UnknownNameError('decision', request.params.decision, ev.decisions.map((d) => d.id));
    const report = statusReport(ev, when, true);
    const gate = { version: report.version, program: report.program, head: report.head, seq: report.seq, decision: report.decisions.find((d) => d.id === decision.id), blockers: decision.blockers.map(blockerView) };
    return sendText(reply.header('etag', `"${ev.head}"`), 'application/json; charset=utf-8', JSON.stringify(gate, null, 2) + '\n');
  });

  app.get('/v1/programs/:id/events', { schema: { params: ProgramParams, querystring: FromQuery, response: errors }, preHandler: guardRead }, async (request, reply) => {
    const { id } = request.params;
    const head = await store.head(id);
    if (head === null) throw new UnknownNameError('program', id, []);
    const read = await store.read(id, request.query.from ?? 1);
    const last = read.lines.length === 0 ? head : lastOf(read.lines);
    reply.header('cutover-seq', String(last.seq)).header('cutover-head', last.hash);
    return sendText(reply, NDJSON, read.lines.map((l) => l + '\n').join(''));
  });

  app.get('/v1/programs/:id/events/stream', { schema: { params: ProgramParams, querystring: FromQuery, response: errors }, preHandler: guardRead }, async (request, reply) => {
    const { id } = request.params;
    const lastId = Number(request.headers['last-event-id']);
    let next = Number.isInteger(lastId) && lastId >= 0 ? lastId + 1 : (request.query.from ?? 1);
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    reply.raw.write(': cutover event stream\n\n');
    streams.add(reply);
    let busy = false;
    let again = false;
    const flush = async (): Promise<void> => {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        do {
          again = false;
          const read = await store.read(id, next);
          for (const line of read.lines) {
            reply.raw.write(`id: ${next}\nevent: line\ndata: ${line}\n\n`);
            next++;
          }
        } while (again);
      } catch (error) {
        request.log.warn({ err: error }, 'event stream could not read the ledger');
      } finally {
        busy = false;
      }
    };
    const listener = (program: string) => {
      if (program === id) void flush();
    };
    appended.on('appended', listener);
    const keepAlive = setInterval(() => {
      reply.raw.write(': keep-alive\n\n');
      void flush(); // catches up even when a replica's notification was lost (a crash right after its commit)
    }, 15_000);
    reply.raw.on('close', () => {
      clearInterval(keepAlive);
      appended.off('appended', listener);
      streams.delete(reply);
    });
    await flush();
  });

  app.post('/v1/programs/:id/events', { schema: { params: ProgramParams, body: AppendBody, response: { 201: HeadBody, ...errors } } }, async (request, reply) => {
    const { id } = request.params;
    const { expectedHead, lines } = request.body;
    const source = `POST /v1/programs/${id}/events`;
    const result = await cache.withProgram(id, async (program, attempt) => {
      // Decided on a head this process has not seen yet (another replica took it)? Read it first.
      if (attempt === 1 && program.state.head !== expectedHead) await program.catchUp();
      if (program.state.head !== expectedHead) throw new StaleHeadError(expectedHead, program.state.head);
      return { appendLines: lines, source, answer: (added) => ({ seq: program.state.seq, hash: program.state.head!, added: added.length }) };
    });
    metrics.appends.inc();
    metrics.appendedEvents.inc({}, result.added);
    appended.emit('appended', id);
    return reply.code(201).send({ program: id, seq: result.seq, head: result.hash });
  });

  return {
    app,
    metrics,
    notifyAppended: (program) => appended.emit('appended', program),
  };
}

/** Send text exactly as given (a Buffer is never passed through a response schema's serializer). */
function sendText(reply: FastifyReply, type: string, text: string | Buffer): FastifyReply {
  return reply.type(type).send(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
}

function lastOf(lines: readonly string[]): { seq: number; hash: string } {
  const { seq, hash } = JSON.parse(lines[lines.length - 1]!) as { seq: number; hash: string };
  return { seq, hash };
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
