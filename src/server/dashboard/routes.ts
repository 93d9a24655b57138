/**
 * The dashboard's routes: `/`, `/programs/:id`, `/programs/:id/events/:seq` and the page's script
 * and styles. Pages are drawn from the server's own verified, cached state and the very
 * `statusReport` the API serves: there is no second source of truth, and no domain rule here.
 */
import type { ReadAccess } from '../../domain/identity.js';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { statusReport } from '../../app/status-report.js';
import { describeEvent } from '../../render/event-words.js';
import { EVENT_TYPES, type LedgerEvent } from '../../domain/events.js';
import { readinessMatrix, runtimeDecisionOf } from '../../domain/readiness.js';
import type { ProgramDefinition } from '../../program/schema.js';
import type { LedgerStore } from '../../store/ledger-store.js';
import type { CachedProgram, ProgramCache } from '../program-cache.js';
import { eventPage, type PostedBy } from './event-page.js';
import { html } from './html.js';
import { page } from './format.js';
import { overviewPage, type FailingProgram } from './overview-page.js';
import type { ProgramList } from '../program-list.js';
import type { ProgramSummary } from '../../domain/summary.js';
import type { Urgency } from '../../domain/urgency.js';
import { programPage, type RoleView, type TimelineEvent, type TimelineView } from './program-page.js';
import { recordViews } from './records.js';
import { chartHistory } from './chart-events.js';
import { ProgramId } from '../route-schemas.js';

export interface DashboardDeps {
  readonly store: LedgerStore;
  readonly cache: ProgramCache;
  /** The programs as listed, from their summaries. */
  readonly list: ProgramList;
  readonly now: () => Date;
  /** `definition` given: the program's own identities are judged too (a signed-in person's session among them). */
  readonly mayRead: (request: FastifyRequest, program: string, definition?: ReadAccess | null) => boolean;
  /** Who posted a line, as the store kept it beside the ledger (JSON text), when it keeps any. */
  readonly posterOf?: (program: string, seq: number) => Promise<string | null>;
  /** Who is signed in (name null: no one), and whether this server offers sign-in. */
  readonly account?: (request: FastifyRequest) => { readonly name: string | null; readonly signIn: boolean };
}

/** Programs per page of the overview. */
export const OVERVIEW_PAGE = 100;

/** How long a rendering holds: deadlines' "how late" moves on at most this far behind the clock. */
export const PAGE_BUCKET_MS = 5_000;

const OverviewQuery = Type.Object({
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  party: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  state: Type.Optional(Type.Union([Type.Literal('overdue'), Type.Literal('incident'), Type.Literal('blocked'), Type.Literal('calm')])),
});

function bucketOf(now: Date): number {
  return Math.floor(now.getTime() / PAGE_BUCKET_MS) * PAGE_BUCKET_MS;
}

/** Who the page is drawn for, as far as it shows (the account line). */
function accountKey(deps: DashboardDeps, request: FastifyRequest): string | null {
  return deps.account?.(request).name ?? null;
}

/** A rendering, as it is and gzipped (made once, with it: a phone on a slow link gets a fifth of the bytes). */
interface Rendering {
  readonly identity: Buffer;
  readonly gzip: Buffer;
}

/** Renderings by ETag, the most recent few hundred kept; one in progress is shared by the requests that want it. */
class RenderedPages {
  private readonly pages = new Map<string, Promise<Rendering>>();

  etagOf(key: string): string {
    return `"${createHash('sha256').update(key).digest('base64url').slice(0, 27)}"`;
  }

  get(etag: string, render: () => Promise<Buffer>): Promise<Rendering> {
    let page = this.pages.get(etag);
    if (page === undefined) {
      page = render().then(async (identity) => ({ identity, gzip: await gzipped(identity) }));
      this.pages.set(etag, page);
      page.catch(() => this.pages.delete(etag));
      // Oldest first out: a bounded cache, whatever the number of programs.
      if (this.pages.size > 500) this.pages.delete(this.pages.keys().next().value!);
    }
    return page;
  }
}

const gzipped = promisify(gzip);

/** Does the request take gzip (`Accept-Encoding`, a q of 0 refusing it)? */
function takesGzip(request: FastifyRequest): boolean {
  const accepted = request.headers['accept-encoding'];
  if (typeof accepted !== 'string') return false;
  return accepted.split(',').some((part) => {
    const [coding, ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return (coding === 'gzip' || coding === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/** How many events the timeline shows at once; older ones are a link away. */
export const TIMELINE_LIMIT = 100;

const PageQuery = Type.Object({
  party: Type.Optional(Type.String({ maxLength: 200 })),
  type: Type.Optional(Type.String({ maxLength: 100 })),
  before: Type.Optional(Type.Integer({ minimum: 2 })),
});

// Pages carry no inline script or style: the policy forbids any, so injected markup could not run.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export function registerDashboard(app: FastifyInstance, deps: DashboardDeps): void {
  const assets = loadAssets();
  const sendPage = (reply: FastifyReply, status: number, rendered: string) => {
    const text = withAccount(rendered, deps.account?.(reply.request));
    return reply.code(status).header('content-security-policy', CSP).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(Buffer.from(text, 'utf8'));
  };
  /** A page by its ETag: 304 when the browser holds it, else the rendering kept for it (made once). */
  const sendCached = async (request: FastifyRequest, reply: FastifyReply, etag: string, render: () => string | Promise<string>) => {
    // Each encoding is its own representation, with its own ETag (RFC 9110 8.8.3).
    const gzip = takesGzip(request);
    const tag = gzip ? `${etag.slice(0, -1)}-gzip"` : etag;
    reply.header('vary', 'accept-encoding');
    if (request.headers['if-none-match'] === tag) return reply.code(304).header('etag', tag).header('cache-control', 'no-cache').send();
    const page = await rendered.get(etag, async () => Buffer.from(withAccount(await render(), deps.account?.(request)), 'utf8'));
    if (gzip) reply.header('content-encoding', 'gzip');
    return reply.code(200).header('content-security-policy', CSP).header('cache-control', 'no-cache').header('etag', tag).type('text/html; charset=utf-8').send(gzip ? page.gzip : page.identity);
  };
  const notice = (reply: FastifyReply, status: number, title: string, words: string) =>
    sendPage(reply, status, page({ title, evaluatedAt: deps.now().toISOString(), body: html`<h1>${title}</h1><p>${words}</p><p><a href="/">All programs</a></p>` }));

  /** The program verified up to the store's head, or null when the store does not hold it. */
  const programOf = async (id: string): Promise<CachedProgram | null> => {
    const entry = await deps.cache.current(id);
    return entry.state.definition === null ? null : entry;
  };

  // Pages are rendered once per head (the overview: per page of summaries) and time bucket, and
  // answered 304 when the browser holds that rendering: how late a deadline is moves with the bucket.
  const rendered = new RenderedPages();

  app.get('/', { schema: { querystring: OverviewQuery } }, async (request, reply) => {
    const query = request.query as { cursor?: string; party?: string; state?: Urgency };
    const now = deps.now();
    const readable = (summary: ProgramSummary) => deps.mayRead(request, summary.program) && deps.mayRead(request, summary.program, summary.readAccess);
    const listed = await deps.list.freshPage({ limit: OVERVIEW_PAGE, ...query }, readable, now);
    const failing: FailingProgram[] = query.cursor === undefined ? deps.list.failing().filter((f) => deps.mayRead(request, f.id)) : [];
    const next = listed.next === null ? null : `/?${new URLSearchParams({ ...query, cursor: listed.next }).toString()}`;
    const bucket = bucketOf(now);
    const key = JSON.stringify([bucket, listed.programs.map((p) => [p.summary.program, p.summary.head, p.urgency]), failing.map((f) => f.id), next, query, accountKey(deps, request)]);
    return sendCached(request, reply, rendered.etagOf(key), () =>
      overviewPage(
        listed.programs.map((p) => ({ summary: p.summary, urgency: p.urgency })),
        new Date(bucket).toISOString(),
        failing,
        { next, filtered: query.party !== undefined || query.state !== undefined },
      ),
    );
  });

  app.get('/programs/:id', { schema: { params: Type.Object({ id: ProgramId }), querystring: PageQuery } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const query = request.query as { party?: string; type?: string; before?: number };
    if (!deps.mayRead(request, id)) return notice(reply, 401, 'Not readable here', `Program ${id} needs its bearer token; read it through the API or the CLI.`);
    const entry = await programOf(id);
    if (entry === null) return notice(reply, 404, 'No such program', `This server holds no program ${id}.`);
    const def = entry.state.definition!;
    if (!deps.mayRead(request, id, def)) return notice(reply, 403, 'Not readable by you', `Program ${id} lists who may read it, and you are not among them (or are not signed in).`);
    const key = JSON.stringify([id, entry.state.head, bucketOf(deps.now()), query, accountKey(deps, request)]);
    return sendCached(request, reply, rendered.etagOf(key), async () => {
      const ev = deps.cache.evaluationOf(entry, deps.now());
      const report = statusReport(ev, new Date(ev.evaluatedAt), true);
      const decision = runtimeDecisionOf(def);
      return programPage({
        report,
        parties: def.parties.map((p) => ({ id: p.id, name: p.name })),
        roles: rolesOf(def),
        phaseEvents: Object.fromEntries(Object.entries(entry.state.phases).map(([phase, r]) => [phase, { seq: r.seq, at: r.at }])),
        matrix: decision === null ? null : readinessMatrix(entry.state, decision, new Date(ev.evaluatedAt)),
        timeline: await timelineOf(deps.store, id, entry.state.seq, def, { party: query.party || null, type: query.type || null, before: query.before ?? null }),
        records: recordViews(ev, def),
        chart: await chartHistory(deps.store, id, entry.state.seq, entry.state.head),
      });
    });
  });

  app.get('/programs/:id/events/:seq', { schema: { params: Type.Object({ id: ProgramId, seq: Type.Integer({ minimum: 1 }) }) } }, async (request, reply) => {
    const { id, seq } = request.params as { id: string; seq: number };
    if (!deps.mayRead(request, id)) return notice(reply, 401, 'Not readable here', `Program ${id} needs its bearer token.`);
    const entry = await programOf(id);
    if (entry === null) return notice(reply, 404, 'No such program', `This server holds no program ${id}.`);
    const def = entry.state.definition!;
    if (!deps.mayRead(request, id, def)) return notice(reply, 403, 'Not readable by you', `Program ${id} lists who may read it, and you are not among them (or are not signed in).`);
    if (seq > entry.state.seq) return notice(reply, 404, 'No such event', `Program ${id} has ${entry.state.seq} events.`);
    const line = (await deps.store.read(id, seq)).lines[0]!;
    const event = JSON.parse(line) as LedgerEvent;
    const posted = (await deps.posterOf?.(id, seq).catch(() => null)) ?? null;
    return sendPage(
      reply,
      200,
      eventPage({ program: { id, title: def.program.title }, event, words: describeEvent(event), roleTitle: rolesOf(def).get(event.actor)?.title ?? event.actor, postedBy: posterView(posted), evaluatedAt: deps.now().toISOString() }),
    );
  });

  for (const [name, asset] of Object.entries(assets)) {
    app.get(`/dashboard/${name}`, async (request, reply) => {
      if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
      return reply.header('etag', asset.etag).header('cache-control', 'no-cache').type(asset.type).send(asset.bytes);
    });
  }
}

/** Who posted, as kept: an issuer and subject, a static token, or no one known (a line written before this was kept reads as unknown). */
function posterView(record: string | null): PostedBy | null {
  if (record === null) return null;
  try {
    const r = JSON.parse(record) as { issuer?: unknown; subject?: unknown; via?: unknown; at?: unknown };
    return { issuer: typeof r.issuer === 'string' ? r.issuer : null, subject: typeof r.subject === 'string' ? r.subject : null, via: String(r.via), at: typeof r.at === 'string' ? r.at : null };
  } catch {
    return null;
  }
}

/** The header's account line: who is signed in with a sign-out button, or a sign-in link back to this page. */
function withAccount(text: string, account: { readonly name: string | null; readonly signIn: boolean } | undefined): string {
  if (account === undefined || !account.signIn) return text;
  const line =
    account.name === null
      ? html`<p class="account"><a href="/auth/sign-in">Sign in</a></p>`
      : html`<form class="account" method="post" action="/auth/sign-out"><span>Signed in as <strong>${account.name}</strong></span> <button type="submit">Sign out</button></form>`;
  return text.replace('<p class="live-state"', `${line.text}<p class="live-state"`);
}

function rolesOf(def: ProgramDefinition): Map<string, RoleView> {
  return new Map(def.roles.map((r) => [r.id, { title: r.title, party: r.party }]));
}

/** The newest events before `before` (all verified: none past the cached head), filtered by the signing role's party and by type. */
async function timelineOf(
  store: LedgerStore,
  id: string,
  seq: number,
  def: ProgramDefinition,
  filter: { party: string | null; type: string | null; before: number | null },
): Promise<TimelineView> {
  const end = Math.min(seq, (filter.before ?? seq + 1) - 1);
  const roles = rolesOf(def);
  const filtered = filter.party !== null || filter.type !== null;
  // Unfiltered, only the last page of lines is parsed; a filter looks back through all of them.
  const from = filtered ? 1 : Math.max(1, end - TIMELINE_LIMIT + 1);
  const lines = end < from ? [] : (await store.read(id, from)).lines.slice(0, end - from + 1);
  const events: TimelineEvent[] = [];
  let older: number | null = null;
  for (let i = lines.length - 1; i >= 0; i--) {
    const e = JSON.parse(lines[i]!) as LedgerEvent;
    const party = roles.get(e.actor)?.party ?? 'joint';
    if (filter.party !== null && party !== filter.party) continue;
    if (filter.type !== null && e.type !== filter.type) continue;
    if (events.length === TIMELINE_LIMIT) {
      older = e.seq + 1;
      break;
    }
    events.push({ seq: e.seq, at: e.at, type: e.type, actor: e.actor, party, words: describeEvent(e), key: e.sig.key });
  }
  if (!filtered && from > 1) older = from;
  return { events, party: filter.party, type: filter.type, types: EVENT_TYPES, older, limit: TIMELINE_LIMIT };
}

interface Asset {
  readonly bytes: Buffer;
  readonly type: string;
  readonly etag: string;
}

/** The page's script and styles, built by scripts/bundle.js into dist/dashboard/ (found from here, in dist/ or dist/bundle/). */
function loadAssets(): Record<string, Asset> {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'dist/dashboard/app.js'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('dist/dashboard/app.js is missing: run npm run build');
    dir = up;
  }
  const asset = (name: string, type: string): Asset => {
    const bytes = readFileSync(join(dir, 'dist/dashboard', name));
    return { bytes, type, etag: `"${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}"` };
  };
  return { 'app.js': asset('app.js', 'text/javascript; charset=utf-8'), 'app.css': asset('app.css', 'text/css; charset=utf-8') };
}
