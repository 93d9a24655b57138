/** `status` and `gate`: what the ledger says now. */
import { blockerView, statusReport } from '../../app/status-report.js';
import { decisionReason } from '../../domain/decision-reason.js';
import { evaluate } from '../../domain/evaluate.js';
import { UnknownNameError } from '../../errors.js';
import { relative } from 'node:path';
import { formatBlockers, formatStatus, githubError } from '../format.js';
import { EXIT, type CliIo } from '../io.js';
import type { GateOptions, StatusOptions } from '../options.js';
import { parseTime } from '../parse.js';
import { openDefined } from './context.js';

function evaluationTime(at: string | undefined, io: CliIo): Date {
  return at === undefined ? io.now() : new Date(parseTime('--at', at));
}

export async function status(o: StatusOptions, io: CliIo): Promise<number> {
  const now = evaluationTime(o.at, io);
  const ws = await openDefined(o, io);
  const ev = evaluate(ws.state, now);
  if (o.json) io.stdout(JSON.stringify(statusReport(ev, now, !ws.drift), null, 2) + '\n');
  else {
    // The drift warning belongs in the body too: stderr alone is easy to miss in a terminal or a CI log.
    if (ws.drift) io.stdout(`WARNING: ${ws.file.path} differs from the definition in force (seq ${ws.state.definitionSeq}): showing the recorded one; record the change with cutover program amend\n\n`);
    io.stdout(formatStatus(ev));
  }
  return EXIT.ok;
}

export async function gate(o: GateOptions, io: CliIo): Promise<number> {
  const now = evaluationTime(o.at, io);
  const ws = await openDefined(o, io);
  const ev = evaluate(ws.state, now);
  const decision = ev.decisions.find((d) => d.id === o.decision);
  if (decision === undefined) throw new UnknownNameError('decision', o.decision, ev.decisions.map((d) => d.id));
  if (o.json) {
    const report = statusReport(ev, now, !ws.drift);
    const gate = {
      version: report.version,
      program: report.program,
      head: report.head,
      seq: report.seq,
      decision: report.decisions.find((d) => d.id === decision.id),
      blockers: decision.blockers.map(blockerView),
    };
    io.stdout(JSON.stringify(gate, null, 2) + '\n');
  } else if (decision.outcome === 'GO') {
    io.stdout(`${decision.id}: GO (seq ${ev.seq}, head ${ev.head})\n`);
  } else {
    io.stdout(`${decision.id}: NO-GO — ${decision.blockers.length} blocker${decision.blockers.length === 1 ? '' : 's'}; ${decisionReason(decision)} (seq ${ev.seq}, head ${ev.head})\n`);
    io.stdout(formatBlockers(decision.blockers) + '\n');
    if (o.format === 'github') {
      for (const b of decision.blockers) {
        io.stdout(githubError(relative(io.cwd, ws.file.path) || ws.file.path, [b.text, ...b.details, ...b.clear.map((c) => `→ ${c}`)].join('\n'), `${decision.id} NO-GO: ${b.gate}`));
      }
    }
  }
  return decision.outcome === 'GO' ? EXIT.ok : EXIT.noGo;
}
