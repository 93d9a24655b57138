/** `/v1/programs`, a program's status and a decision's gate: the CLI's own reports, from the verified programs. */
import { blockerView, statusReport } from '../../app/status-report.js';
import type { Evaluation } from '../../domain/evaluate.js';
import { currentPhase, overdueNow, urgencyOf } from '../../domain/urgency.js';
import { LedgerVerificationError, UnknownNameError } from '../../errors.js';
import type { App, ServerContext } from '../context.js';
import type { CachedProgram } from '../program-cache.js';
import { AtQuery, Empty, errors, GateParams, ProgramParams, sendText } from '../route-schemas.js';

export function registerProgramRoutes(app: App, { store, cache, now, mayRead, guardRead }: ServerContext): void {
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

  app.get('/v1/programs', { schema: { querystring: Empty } }, async (request) => {
    const ids = (await store.listPrograms()).filter((id) => mayRead(request, id));
    const programs = [];
    const failing: { id: string; line: number; seq: number | null; fault: string; message: string }[] = [];
    for (const id of ids) {
      // One program that fails verification is listed as such; it does not take the others down.
      const entry = await cache.current(id).catch((error: unknown) => {
        if (!(error instanceof LedgerVerificationError)) throw error;
        failing.push({ id, line: error.line, seq: error.seq, fault: error.fault, message: error.message });
        return null;
      });
      if (entry === null || entry.state.definition === null || !mayRead(request, id, entry.state.definition)) continue;
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
    return { version: 1, programs, failing };
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
