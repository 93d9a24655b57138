/** `status` and `gate`: what the ledger says now. */
import { blockerView, statusReport } from '../../app/status-report.js';
import { evaluate } from '../../domain/evaluate.js';
import { UnknownNameError } from '../../errors.js';
import { relative } from 'node:path';
import { paletteFor, writeStyled } from '../colour.js';
import { formatGate, formatStatus, githubError } from '../format.js';
import { wrapText } from '../layout.js';
import { escapeForTerminal, escapeStrings } from '../terminal-text.js';
import { EXIT, type CliIo } from '../io.js';
import type { GateOptions, StatusOptions } from '../options.js';
import { parseTime } from '../parse.js';
import { openDefined, takeDriftNote } from './context.js';

function evaluationTime(at: string | undefined, io: CliIo): Date {
  return at === undefined ? io.now() : new Date(parseTime('--at', at));
}

export async function status(o: StatusOptions, io: CliIo): Promise<number> {
  const now = evaluationTime(o.at, io);
  const ws = await openDefined(o, io);
  const ev = evaluate(ws.state, now);
  if (o.json) io.stdout(JSON.stringify(statusReport(ev, now, !ws.drift), null, 2) + '\n');
  else {
    const paint = paletteFor(io);
    // The drift warning goes in the body, once (not on stderr too): stderr alone is easy to miss in a terminal or a CI log.
    const note = takeDriftNote();
    const changes = note === null || note.changes.length === 0 ? '' : `\n  what changed:\n${note.changes.map((c) => wrapText('    ', escapeForTerminal(c), '      ').join('\n')).join('\n')}`;
    const drift = ws.drift
      ? `${wrapText(`${paint.waiting('WARNING:')} `, `${escapeForTerminal(ws.file.path)} differs from the definition in force (seq ${ws.state.definitionSeq}): showing the recorded one; record the change with cutover program amend`, '  ').join('\n')}${changes}\n\n`
      : '';
    writeStyled(io, drift + formatStatus(escapeStrings(ev), paint));
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
  } else {
    const safe = escapeStrings(ev);
    writeStyled(io, formatGate(safe.decisions[ev.decisions.indexOf(decision)]!, safe, paletteFor(io)));
    if (decision.outcome !== 'GO' && o.format === 'github') {
      for (const b of decision.blockers) {
        io.stdout(githubError(relative(io.cwd, ws.file.path) || ws.file.path, [b.text, ...b.details, ...b.clear.map((c) => `→ ${c}`)].join('\n'), `${decision.id} ${decision.label}: ${b.gate}`));
      }
    }
  }
  return decision.outcome === 'GO' ? EXIT.ok : EXIT.noGo;
}
