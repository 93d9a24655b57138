/**
 * `cutover serve`: many programs over HTTP, from PostgreSQL (--database or DATABASE_URL) or a folder
 * of file ledgers (--data, the default). The first line on stdout is the URL it listens on. SIGTERM
 * (or SIGINT) drains the requests in flight, closes the database pool, and ends the command.
 */
import { mkdirSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { join, resolve } from 'node:path';
import { invalidInput } from '../../errors.js';
import { allowedSkew } from '../clock.js';
import { buildServer, type CutoverServer } from '../../server/app.js';
import { isLoopbackHost } from '../../domain/issuer-url.js';
import { checkIssuerUrl, type TrustedIssuer } from '../../server/auth/oidc-tokens.js';
import type { BrowserSignInOptions } from '../../server/auth/browser-sign-in.js';
import { defaultCacheDir } from '../../app/folder-ledger.js';
import { ServedFileStore } from '../../store/served-file-store.js';
import type { LedgerStore } from '../../store/ledger-store.js';
import { EXIT, type CliIo } from '../io.js';
import { untilStopped } from '../until-stopped.js';
import type { ServeOptions } from '../server-options.js';
import { parseDuration } from '../../program/duration.js';
import type { NotifyOptions } from '../../server/notify/server-notify.js';
import { FolderDeliveryState, PostgresDeliveryState, type DeliveryState } from '../../server/notify/delivery-state.js';
import { DeliveryKey } from '../../server/notify/signing.js';
import { parseSinkConfig, urlSink, type Sink } from '../../server/notify/sinks.js';

interface OpenedStore {
  readonly store: LedgerStore;
  readonly ready?: () => Promise<boolean>;
  /** Start following appends made by other processes (replicas); returns how to stop. */
  follow?(server: CutoverServer): Promise<void>;
  close(): Promise<void>;
  /** Where notification cursors and dead letters are kept. */
  deliveryState(): DeliveryState;
  /** The folder of a folder store (the delivery key's default home). */
  readonly dir?: string;
}

export async function serve(o: ServeOptions, io: CliIo): Promise<number> {
  const readTokens = parseTokens(o.token);
  const createTokens = [...o.createToken, ...(io.env.CUTOVER_CREATE_TOKEN ? [io.env.CUTOVER_CREATE_TOKEN] : [])];
  const oidcIssuers = pairIssuers(o.oidcIssuer, o.oidcAudience);
  const creators = o.creator.map((spec) => parseCreator(spec, new Set(oidcIssuers.map((i) => i.issuer)).size));
  // Beyond loopback, anyone who can reach the server could create programs: say so, or refuse to start.
  if (createTokens.length === 0 && creators.length === 0 && !o.allowAnonymousCreate && !isLoopbackHost(o.host)) {
    throw invalidInput({ source: '--host', field: '', expected: `a loopback address, or a creation credential for ${o.host} (--create-token TOKEN, $CUTOVER_CREATE_TOKEN or --creator CLAIM=VALUE)`, found: `${o.host} with neither` }, [
      'give creators a token: cutover serve --create-token <token>, and creators push with CUTOVER_TOKEN=<token>',
      'or let anyone create programs: --allow-anonymous-create',
    ]);
  }
  const database = o.database ?? (o.data === undefined ? io.env.DATABASE_URL : undefined);
  const opened = database !== undefined && database !== '' ? await openPostgres(database, io) : openFolder(resolve(io.cwd, o.data ?? 'cutover-data'), io);
  const server = buildServer({
    store: opened.store,
    readTokens,
    createTokens,
    oidcIssuers,
    creators,
    ...signInOf(o, io, oidcIssuers),
    ...cliLoginOf(o, oidcIssuers),
    maxClockSkewMs: allowedSkew(o.maxClockSkew, io.env).ms,
    ...(o.maxStreams === undefined ? {} : { maxStreams: o.maxStreams }),
    ...(o.maxStreamsPerProgram === undefined ? {} : { maxStreamsPerProgram: o.maxStreamsPerProgram }),
    bodyLimit: o.bodyLimit,
    ...(o.memoryBudget === undefined ? {} : { programMemoryBudget: o.memoryBudget * 1024 * 1024 }),
    logLevel: o.logLevel === 'silent' ? false : o.logLevel,
    ...(opened.ready === undefined ? {} : { ready: opened.ready }),
    now: io.now,
    ...notifyOf(o, io, opened),
  });
  try {
    await server.app.listen({ port: o.port, host: o.host });
  } catch (error) {
    await server.app.close().catch(() => undefined);
    await opened.close();
    // Only the socket's own refusals are about the port; anything else (a start-up hook) is said as it is.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw invalidInput({ source: '--port', field: '', expected: `a port ${o.host} can listen on`, found: `${o.port} (${(error as Error).message})` });
    }
    throw error;
  }
  const address = server.app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : o.port;
  io.stdout(`http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}\n`);
  await opened.follow?.(server);

  await untilStopped();
  server.app.log.info('draining requests in flight, then closing the store');
  await server.app.close();
  await opened.close();
  return EXIT.ok;
}

/** `--oidc-issuer` and `--oidc-audience`, paired by position; a plain-HTTP issuer only on loopback. */
function pairIssuers(issuers: readonly string[], audiences: readonly string[]): TrustedIssuer[] {
  if (issuers.length !== audiences.length) {
    throw invalidInput({ source: '--oidc-audience', field: '', expected: `one --oidc-audience for each --oidc-issuer (${issuers.length})`, found: `${audiences.length}` });
  }
  return issuers.map((issuer, i) => {
    checkIssuerUrl(issuer, '--oidc-issuer');
    return { issuer, audiences: [audiences[i]!] };
  });
}

/** `CLAIM=VALUE[,CLAIM=VALUE…]`: all must match; `iss` among them when more than one issuer is trusted. */
export function parseCreator(spec: string, issuers: number): Record<string, string> {
  const matchers: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const at = part.indexOf('=');
    if (at < 1 || at === part.length - 1) throw invalidInput({ source: '--creator', field: '', expected: 'CLAIM=VALUE[,CLAIM=VALUE…]', found: JSON.stringify(spec) });
    matchers[part.slice(0, at)] = part.slice(at + 1);
  }
  if (issuers === 0) throw invalidInput({ source: '--creator', field: '', expected: 'an --oidc-issuer (with its --oidc-audience) whose tokens name the creator', found: 'no issuer' });
  if (issuers > 1 && matchers.iss === undefined) {
    throw invalidInput({ source: '--creator', field: '', expected: `iss=ISSUER among the claims (${issuers} issuers are trusted: the same claims from another would match too)`, found: JSON.stringify(spec) });
  }
  return matchers;
}

function signInOf(o: ServeOptions, io: CliIo, issuers: readonly TrustedIssuer[]): { signIn?: BrowserSignInOptions } {
  if (o.oidcClientId === undefined) return {};
  const issuer = issuers[0];
  if (issuer === undefined) throw invalidInput({ source: '--oidc-client-id', field: '', expected: 'an --oidc-issuer the client is registered at', found: 'no issuer' });
  if (o.publicUrl === undefined) throw invalidInput({ source: '--oidc-client-id', field: '', expected: '--public-url URL: where browsers reach this server (the callback is URL/auth/callback)', found: 'none' });
  const secret = o.oidcClientSecret ?? io.env.CUTOVER_OIDC_CLIENT_SECRET;
  return { signIn: { issuer: issuer.issuer, clientId: o.oidcClientId, ...(secret ? { clientSecret: secret } : {}), publicUrl: o.publicUrl } };
}

function cliLoginOf(o: ServeOptions, issuers: readonly TrustedIssuer[]): { cliLogin?: { issuer: string; clientId: string } } {
  if (o.oidcCliClientId === undefined) return {};
  const issuer = issuers[0];
  if (issuer === undefined) throw invalidInput({ source: '--oidc-cli-client-id', field: '', expected: 'an --oidc-issuer the client is registered at', found: 'no issuer' });
  return { cliLogin: { issuer: issuer.issuer, clientId: o.oidcCliClientId } };
}

function parseTokens(specs: readonly string[]): Map<string, string[]> {
  const tokens = new Map<string, string[]>();
  for (const spec of specs) {
    const at = spec.indexOf('=');
    if (at < 1 || at === spec.length - 1) throw invalidInput({ source: '--token', field: '', expected: 'PROGRAM=TOKEN', found: JSON.stringify(spec) });
    const program = spec.slice(0, at);
    tokens.set(program, [...(tokens.get(program) ?? []), spec.slice(at + 1)]);
  }
  return tokens;
}

function openFolder(dir: string, io: CliIo): OpenedStore {
  let watcher: FSWatcher | undefined;
  return {
    store: new ServedFileStore({ dir }, defaultCacheDir(io.env)),
    // Appends by another process (a second server on the folder) are noticed by watching the folder:
    // one watch for every program; each followed program then checks its file's size, once.
    async follow(server) {
      mkdirSync(dir, { recursive: true });
      watcher = watch(dir, (_event, name) => {
        if (typeof name === 'string' && name.endsWith('.jsonl')) server.notifyAppended(name.slice(0, -'.jsonl'.length));
      });
      watcher.on('error', (error) => io.stderr(`cutover serve: no longer watching ${dir} (${error.message}); streams still check every 15 s\n`));
    },
    close: async () => watcher?.close(),
    deliveryState: () => new FolderDeliveryState(join(dir, '.notify')),
    dir,
  };
}

/** The sinks (`--notify`, `--notify-config`), the delivery key and where cursors are kept; none without sinks. */
function notifyOf(o: ServeOptions, io: CliIo, opened: OpenedStore): { notify?: NotifyOptions } {
  const sinks: Sink[] = (o.notify ?? []).map((url) => urlSink(url));
  if (o.notifyConfig !== undefined) {
    const file = resolve(io.cwd, o.notifyConfig);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw invalidInput({ source: '--notify-config', field: '', expected: 'a readable sink configuration file', found: `${file} (${(e as Error).message})` });
    }
    sinks.push(...parseSinkConfig(text, file, io.env));
  }
  if (sinks.length === 0) return {};
  const keyFile = o.deliveryKey ?? (opened.dir === undefined ? undefined : join(opened.dir, '.notify', 'delivery-key.pem'));
  if (keyFile === undefined) io.stderr('cutover serve: no --delivery-key: deliveries are signed (v1a) with a key of this process only; give every replica the same --delivery-key FILE\n');
  const duration = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const ms = /^\d+ms$/.test(text) ? Number(text.slice(0, -2)) : parseDuration(text);
    if (ms === null || ms <= 0) throw invalidInput({ source: flag, field: '', expected: 'a duration such as 500ms, 10s or 1m', found: JSON.stringify(text) });
    return ms;
  };
  const backoffMs = duration('--notify-backoff', o.notifyBackoff);
  const timeoutMs = duration('--notify-timeout', o.notifyTimeout);
  return {
    notify: {
      sinks,
      state: opened.deliveryState(),
      key: keyFile === undefined ? DeliveryKey.ephemeral() : DeliveryKey.atFile(resolve(io.cwd, keyFile)),
      ...(o.publicUrl === undefined ? {} : { publicUrl: o.publicUrl }),
      ...(o.notifyAttempts === undefined ? {} : { attempts: o.notifyAttempts }),
      ...(backoffMs === undefined ? {} : { backoffMs }),
      // The notifier's programs are an eighth of the memory budget, beside the server's own.
      ...(o.memoryBudget === undefined ? {} : { feedBudgetBytes: (o.memoryBudget * 1024 * 1024) / 8 }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    },
  };
}

async function openPostgres(url: string, io: CliIo): Promise<OpenedStore> {
  const [{ default: pg }, { PostgresLedgerStore, APPEND_CHANNEL }] = await Promise.all([import('pg'), import('../../store/postgres/postgres-store.js')]);
  const pool = new pg.Pool({ connectionString: url, max: 20, connectionTimeoutMillis: 5000 });
  // An idle connection dropped by the server (a restart) is discarded by the pool; say so, do not crash.
  pool.on('error', (error) => io.stderr(`cutover serve: database connection lost: ${error.message}\n`));
  let store;
  try {
    store = await PostgresLedgerStore.open(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  let listener: InstanceType<typeof pg.Client> | undefined;
  let closing = false;
  let retry: NodeJS.Timeout | undefined;
  const listen = async (server: CutoverServer): Promise<void> => {
    const client = new pg.Client({ connectionString: url });
    client.on('notification', (n) => {
      // `program seq hash`: this replica's own appends come back too, and fetch nothing again.
      const [program, seq] = n.payload?.split(' ') ?? [];
      if (program) server.notifyAppended(program, Number.isSafeInteger(Number(seq)) ? Number(seq) : undefined);
    });
    const again = () => {
      if (closing) return;
      listener = undefined;
      retry = setTimeout(() => void listen(server).catch(() => again()), 1000);
    };
    client.on('error', () => {
      void client.end().catch(() => {});
      again();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${APPEND_CHANNEL}`);
      listener = client;
    } catch {
      void client.end().catch(() => {});
      again();
    }
  };
  return {
    store,
    ready: () => store.ready(),
    follow: listen,
    deliveryState: () => new PostgresDeliveryState(pool, store.schema),
    async close() {
      closing = true;
      clearTimeout(retry);
      await listener?.end().catch(() => {});
      await pool.end();
    },
  };
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can reach them. */

