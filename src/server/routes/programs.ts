/** `/v1/programs`, a program's status and a decision's gate: the CLI's own reports, from the verified programs. */
import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { blockerView, statusReport } from '../../app/status-report.js';
import type { ProgramSummary } from '../../domain/summary.js';
import type { Evaluation } from '../../domain/evaluate.js';
import { UnknownNameError } from '../../errors.js';
import type { App, ServerContext } from '../context.js';
import type { CachedProgram } from '../program-cache.js';
import { AtQuery, errors, GateParams, ProgramParams, sendText } from '../route-schemas.js';
import type { ListedProgram } from '../program-list.js';

/** A page of `GET /v1/programs` when a limit is asked for without one. */
const DEFAULT_PAGE = 100;

export const ListQuerySchema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'programs per page; given (or a cursor, party or state), the list is paged and `next` names the next page' })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'the `next` of the page before' })),
  party: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'only programs waiting on this party (its move)' })),
  state: Type.Optional(Type.Union([Type.Literal('overdue'), Type.Literal('incident'), Type.Literal('blocked'), Type.Literal('calm')], { description: 'only programs of this urgency now' })),
});

/** A program as `GET /v1/programs` lists it: the fields it always had, then the summary's "now" fields. */
function listedView({ summary: s, urgency }: ListedProgram) {
  return {
    id: s.program,
    title: s.title,
    head: s.head,
    seq: s.seq,
    decisions: s.decisions.map((d) => ({ id: d.id, outcome: d.outcome, state: d.state })),
    nextPhase: s.nextPhase,
    blockers: s.blockers,
    urgency,
    currentPhase: s.currentPhase,
    overdue: s.overdue.map((o) => (o.kind === 'blocker' ? { blocker: o.blocker, due: o.due } : { incident: o.incident, deadline: o.deadline, due: o.due })),
    whoseMove: s.whoseMove,
    mostUrgent: s.mostUrgent,
    nextChangeAt: s.nextChangeAt,
    evaluatedAt: s.evaluatedAt,
  };
}

export function registerProgramRoutes(app: App, { cache, list, now, mayRead, guardRead }: ServerContext): void {
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

  app.get('/v1/programs', { schema: { querystring: ListQuerySchema, response: errors } }, async (request, reply) => {
    const { limit, cursor, party, state } = request.query;
    const readable = (summary: ProgramSummary) => mayRead(request, summary.program) && mayRead(request, summary.program, summary.readAccess);
    const failing = () => list.failing().filter((f) => mayRead(request, f.id));
    if (limit !== undefined || cursor !== undefined || party !== undefined || state !== undefined) {
      const page = await list.freshPage({ limit: limit ?? DEFAULT_PAGE, ...(cursor === undefined ? {} : { cursor }), ...(party === undefined ? {} : { party }), ...(state === undefined ? {} : { state }) }, readable);
      return sendText(reply, 'application/json; charset=utf-8', JSON.stringify({ version: 1, programs: page.programs.map(listedView), failing: cursor === undefined ? failing() : [], next: page.next }));
    }
    // Every program, as clients have always had it, streamed from the summaries a page at a time.
    await list.summariseMissing();
    const body = Readable.from(
      (async function* () {
        yield '{"version":1,"programs":[';
        let first = true;
        for await (const programs of list.all(readable)) {
          for (const p of programs) {
            yield (first ? '' : ',') + JSON.stringify(listedView(p));
            first = false;
          }
        }
        yield `],"failing":${JSON.stringify(failing())},"next":null}`;
      })(),
    );
    return reply.type('application/json; charset=utf-8').send(body as never);
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
}
