/**
 * `cutover serve`: the HTTP API over any LedgerStore, many programs. The server is a shared home,
 * not a trusted party: it holds no key, and stores a posted line only when the one verified
 * program (`app/verified-program.ts`) admits it as the continuation of the program, exactly as
 * `verify` would check it. This module sets the server up (body parsing, errors, metrics, who may
 * read); the routes are one module per group in `routes/` and `dashboard/`. No domain logic here.
 */
import type { ReadAccess } from '../domain/identity.js';
import { EventEmitter } from 'node:events';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { keepsPosters, keepsSummaries, type LedgerStore } from '../store/ledger-store.js';
import { MemorySummaryShelf } from '../store/summary-index.js';
import { ProgramList } from './program-list.js';
import { Access } from './auth/access.js';
import { BrowserSignIn, type BrowserSignInOptions } from './auth/browser-sign-in.js';
import { OidcTokens, type TrustedIssuer } from './auth/oidc-tokens.js';
import { StaticTokens } from './auth/static-tokens.js';
import type { ServerContext } from './context.js';
import { registerDashboard } from './dashboard/routes.js';
import { registerEventRoutes } from './routes/events.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerProgramRoutes } from './routes/programs.js';
import { registerStreamRoutes } from './routes/streams.js';
import { httpErrorOf } from './http-errors.js';
import { ServerMetrics } from './metrics.js';
import { ProgramCache } from './program-cache.js';
import { Broadcasts } from './broadcast.js';
import { DEFAULT_MAX_STREAMS, DEFAULT_MAX_STREAMS_PER_PROGRAM, StreamBounds } from './stream-bounds.js';
import { startNotifications, type NotifyOptions } from './notify/server-notify.js';

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
  /** OpenID Connect issuers whose bearer JWTs identify callers (`--oidc-issuer`, `--oidc-audience`). */
  readonly oidcIssuers?: readonly TrustedIssuer[];
  /** How far a token's exp and nbf may be off this server's clock, seconds (default 60). */
  readonly tokenClockSkewSeconds?: number;
  /** `--creator`: identities (claim matchers, `iss` among them) that may create programs. */
  readonly creators?: readonly Readonly<Record<string, string>>[];
  /** Dashboard sign-in for people (authorization code + PKCE at one issuer); none: no sign-in. */
  readonly signIn?: BrowserSignInOptions;
  /** `cutover login`: the issuer and the CLI's public client id there, named at `GET /v1/auth/login`. */
  readonly cliLogin?: { readonly issuer: string; readonly clientId: string };
  /** Largest request body, bytes (default 1 MiB). */
  readonly bodyLimit?: number;
  /** Deepest JSON nesting accepted in a body (default 64). */
  readonly maxJsonDepth?: number;
  /** Fastify's logger level (default info); false: no log. */
  readonly logLevel?: string | false;
  /** Where the log goes (default stderr, so stdout holds only the URL). */
  readonly logStream?: NodeJS.WritableStream;
  readonly now?: () => Date;
  /** Event streams held open at most, in total (default 10,000) and per program (default 5,000); past either, 503 with Retry-After. */
  readonly maxStreams?: number;
  readonly maxStreamsPerProgram?: number;
  /** With a store that keeps checkpoints: keep one when a program is this many events past its last (default 1,000). */
  readonly checkpointEvery?: number;
  /** Sinks that get what happens and what falls due (`--notify`, `--notify-config`); none: nothing is sent. */
  readonly notify?: NotifyOptions;
  /** Bytes the loaded programs are estimated to take before the least recently read leave memory (default: no bound). */
  readonly programMemoryBudget?: number;
  /** How often summaries of another build, or past their next change, are looked for (default 30 s). */
  readonly summarySweepMs?: number;
}

export interface CutoverServer {
  readonly app: FastifyInstance;
  readonly metrics: ServerMetrics;
  /** Tell the server a program changed elsewhere (another replica): streams and caches catch up. `seq`: its last seq, when the notice says. */
  notifyAppended(program: string, seq?: number): void;
}

export function buildServer(options: ServerOptions): CutoverServer {
  const { store } = options;
  const now = options.now ?? (() => new Date());
  const metrics = new ServerMetrics();
  const appended = new EventEmitter().setMaxListeners(0);
  const streams = new Set<FastifyReply>();
  // One fetch per append, shared by every viewer of the program (broadcast.ts).
  const broadcasts = new Broadcasts(store, { warn: (message, error) => app.log.warn({ err: error }, message), fetched: () => metrics.streamFetches.inc() });
  appended.on('appended', (program: string, seq?: number) => broadcasts.notify(program, seq));
  const streamBounds = new StreamBounds(options.maxStreams ?? DEFAULT_MAX_STREAMS, options.maxStreamsPerProgram ?? DEFAULT_MAX_STREAMS_PER_PROGRAM, {
    opened: (stream) => metrics.streamsOpened.inc({ stream }),
    refused: (bound) => metrics.streamsRefused.inc({ bound }),
  });
  metrics.streamsOpen.read = () => streamBounds.open;
  const maxDepth = options.maxJsonDepth ?? 64;
  const app = Fastify({
    logger: options.logLevel === false ? false : { level: options.logLevel ?? 'info', stream: options.logStream ?? process.stderr },
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    return503OnClosing: true,
    // Longer ids reach the schema, which refuses them in the documented error shape (not Fastify's 414).
    routerOptions: { maxParamLength: 1000 },
    ajv: { customOptions: { allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Summaries beside the ledgers when the store keeps them; else in memory, made again after a start.
  const summaries = keepsSummaries(store) ? store : new MemorySummaryShelf(store);
  const cache = new ProgramCache(store, {
    metrics,
    now,
    summaries,
    ...(options.programMemoryBudget === undefined ? {} : { memoryBudget: options.programMemoryBudget }),
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
    const { status, body, retryAfterSeconds } = httpErrorOf(error);
    if (status >= 500) request.log.error({ err: error }, body.error.message);
    if (status === 401) void reply.header('www-authenticate', 'Bearer');
    if (retryAfterSeconds !== undefined) void reply.header('retry-after', String(retryAfterSeconds));
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
    if (reply.statusCode === 401 || reply.statusCode === 403) {
      // Who was refused where, never the token.
      const reason = access.refusalReason(request) ?? 'unknown';
      const who = access.poster(request);
      metrics.authRefusals.inc({ route, status: String(reply.statusCode), reason });
      request.log.warn({ issuer: who.issuer, subject: who.subject, route, method: request.method, status: reply.statusCode, reason }, 'refused: not authenticated or not allowed');
    }
  });
  app.addHook('preClose', async () => {
    for (const reply of streams) reply.raw.end();
    streams.clear();
  });
  const list = new ProgramList(summaries, cache, now, { warn: (message) => app.log.warn(message) });
  // Summaries of another build, or past their next change, are made again in the background.
  const sweeps = setInterval(() => void list.sweep().catch((error: Error) => app.log.warn(`summaries: a sweep failed (${error.message}); tried again later`)), options.summarySweepMs ?? 30_000);
  sweeps.unref();
  // After the requests in flight drained, before the store closes: a graceful restart resumes at the head.
  app.addHook('onClose', async () => {
    broadcasts.close();
    clearInterval(sweeps);
    await list.stop();
    await cache.keepCheckpoints();
  });

  // Who is asking: static tokens (kept as digests), OpenID Connect tokens, browser sessions (auth/).
  const access = new Access({
    tokens: new StaticTokens(options.readTokens ?? new Map(), options.createTokens ?? []),
    oidc: new OidcTokens(options.oidcIssuers ?? [], options.tokenClockSkewSeconds ?? 60, now),
    creators: options.creators ?? [],
  });
  const signIn = options.signIn === undefined ? undefined : new BrowserSignIn(options.signIn, now);
  if (signIn !== undefined) {
    signIn.register(app);
    access.useSessions((request) => signIn.claimsOf(request));
  }
  app.addHook('onRequest', async (request) => access.identify(request));
  // Where `cutover login` signs in (404 when the server names no CLI client).
  app.get('/v1/auth/login', async (_request, reply) => {
    if (options.cliLogin === undefined) return reply.code(404).send({ error: { kind: 'input', code: 'not-found', message: 'this server names no client for cutover login (serve --oidc-cli-client-id)', hint: null, hints: [] } });
    return { issuer: options.cliLogin.issuer, clientId: options.cliLogin.clientId };
  });
  /** `definition` undefined: judged on static tokens only (the program not loaded yet). */
  const mayRead = (request: FastifyRequest, program: string, definition?: ReadAccess | null) => access.readRefusal(request, program, definition) === null;
  const guardRead = async (request: FastifyRequest) => {
    const { id } = request.params as { id: string };
    // Refused on static tokens alone before anything is loaded: an unauthenticated request costs no verification.
    const early = access.readRefusal(request, id, undefined);
    if (early !== null) throw early;
    // The program's own identities: its definition as last verified here, else as verified now (one
    // that cannot be verified is judged on static tokens alone). The route looks the head up itself.
    const entry = cache.peek(id) ?? (await cache.current(id).catch(() => null));
    const refusal = access.readRefusal(request, id, entry === null ? null : entry.state.definition);
    if (refusal !== null) throw refusal;
  };
  const mayCreate = (request: FastifyRequest, program: string) => access.createRefusal(request, program) === null;

  // The dashboard (`/`, `/programs/:id`): HTML drawn from this cache and the same status report.
  registerDashboard(app, { store, cache, list, now, mayRead, account: (request) => accountOf(access, signIn !== undefined, request), ...(keepsPosters(store) ? { posterOf: (program: string, seq: number) => store.posterOf(program, seq) } : {}) });
  // The API, one module per route group, each declaring its own routes.
  const context: ServerContext = { options, store, cache, list, summaries, metrics, now, appended, streams, broadcasts, streamBounds, mayRead, guardRead, mayCreate, access };
  registerHealthRoutes(app, context);
  registerProgramRoutes(app, context);
  registerEventRoutes(app, context);
  registerStreamRoutes(app, context);
  startNotifications(app, context, options.notify);

  return {
    app,
    metrics,
    notifyAppended: (program, seq) => appended.emit('appended', program, seq),
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

/** The dashboard's account line: who is signed in and a sign-out button, or a sign-in link (only with sign-in configured). */
function accountOf(access: Access, signIn: boolean, request: FastifyRequest): { readonly name: string | null; readonly signIn: boolean } {
  const caller = access.callerOf(request);
  if (caller.kind !== 'identity') return { name: null, signIn };
  const c = caller.claims;
  const name = typeof c.email === 'string' ? c.email : typeof c.name === 'string' ? c.name : String(c.sub);
  return { name, signIn };
}
