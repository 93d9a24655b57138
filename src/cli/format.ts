/**
 * Human-readable output, within 100 columns. Colour comes in as a palette (plain unless stdout is a
 * terminal, see colour.ts) and only ever adds to words that already say the same thing.
 */
import { deadlineReport } from '../app/status-report.js';
import { nowReport } from '../app/now-report.js';
import { nowOf } from '../domain/now.js';
import { formatNow } from './now-format.js';
import { decisionReason } from '../domain/decision-reason.js';
import type { Blocker, Evaluation, IncidentView } from '../domain/evaluate.js';
import { deadlineText } from '../render/deadline.js';
import type { LedgerEvent } from '../domain/events.js';
import { describeTarget } from '../domain/evaluate.js';
import { CutoverError, InvalidInputError, PolicyRefusalError } from '../errors.js';
import { PLAIN, type Palette } from './colour.js';
import { padded, wrapCommand, wrapList, wrapText } from './layout.js';

/** A GitHub Actions workflow command: an error annotation on a file. */
export function githubError(file: string, message: string, title?: string): string {
  const escape = (v: string) => v.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const property = (v: string) => escape(v).replace(/:/g, '%3A').replace(/,/g, '%2C');
  return `::error file=${property(file)}${title === undefined ? '' : `,title=${property(title)}`}::${escape(message)}\n`;
}

export function formatBlockers(blockers: readonly Blocker[], paint: Palette = PLAIN): string {
  return blockers
    .map((b, i) => {
      const facts = [`gate: ${b.gate}`, `owner: ${b.owner.title} (${b.owner.role})`, ...(b.waitingOn.length === 0 ? [] : [`waiting on: ${b.waitingOn.join(', ')}`])];
      const lines = [...wrapText(`  ${i + 1}. `, b.text, '     '), ...wrapList('     ', facts, ' · ', '     ')];
      for (const d of b.details) lines.push(...wrapText('     - ', d, '       '));
      for (const c of b.clear) lines.push(...wrapCommand('     → ', c, '         ').map(paint.command));
      return lines.join('\n');
    })
    .join('\n');
}

/** A ledger head as people compare it by eye: `sha256:` and the first 12 hex digits (`status --json` has it whole). */
export function shortHead(head: string | null): string {
  return head === null ? '(none)' : head.replace(/^(sha256:)?([0-9a-f]{12})[0-9a-f]*$/, '$1$2');
}

/** The colour of a decision's word: GO good, NO-GO bad, pending waiting, closed plain (it no longer matters). */
function decisionPaint(d: Pick<Evaluation['decisions'][number], 'state' | 'outcome'>, paint: Palette): (t: string) => string {
  if (d.state === 'closed') return (t) => t;
  if (d.state === 'pending') return paint.waiting;
  return d.outcome === 'GO' ? paint.good : paint.bad;
}

/** `cutover gate` in words: the one line, and the blockers under a NO-GO. */
export function formatGate(decision: Evaluation['decisions'][number], ev: Evaluation, paint: Palette = PLAIN): string {
  const where = `(seq ${ev.seq}, head ${shortHead(ev.head)})`;
  if (decision.outcome === 'GO') return `${decision.id}: ${paint.good('GO')} ${where}\n`;
  const count = `${decision.blockers.length} blocker${decision.blockers.length === 1 ? '' : 's'}`;
  const head = wrapText(`${decision.id}: ${decisionPaint(decision, paint)(decision.label)} — `, `${count}; ${decisionReason(decision)} ${where}`, '  ').join('\n');
  return `${head}\n${formatBlockers(decision.blockers, paint)}\n`;
}

export function formatStatus(ev: Evaluation, paint: Palette = PLAIN): string {
  const out: string[] = [];
  out.push(...wrapText('', `${ev.program.id} — ${ev.program.title}`, '  '));
  // What must happen next comes first: at 2 a.m. nobody should have to scroll for it.
  out.push(...formatNow(nowReport(nowOf(ev)), paint), '');
  out.push(`ledger: seq ${ev.seq}, head ${shortHead(ev.head)}, last event ${ev.at}`);
  out.push('', paint.heading('Decisions'));
  const dWidth = Math.max(...ev.decisions.map((d) => d.id.length)) + 2;
  const oWidth = Math.max(7, ...ev.decisions.map((d) => d.label.length + 2));
  const under = ' '.repeat(2 + dWidth);
  for (const d of ev.decisions) {
    const verdicts = Object.entries(d.verdicts).map(([party, v]) => {
      const word = v === null ? paint.waiting('pending') : v.verdict === 'GO' ? paint.good('GO') : paint.bad(v.verdict);
      return `${party} ${word}${v?.stale ? ' (stale)' : ''}`;
    });
    const first = `  ${padded(d.id, dWidth)}${padded(d.label, oWidth, decisionPaint(d, paint))}`;
    out.push(...wrapList(first, verdicts, ' · ', under + ' '.repeat(oWidth)));
    out.push(...wrapText(under, `${d.outcome === 'GO' || d.state === 'closed' ? '' : 'because: '}${decisionReason(d)}`, under));
  }
  out.push('', paint.heading('Phases'));
  const pWidth = Math.max(...ev.phases.map((p) => p.title.length)) + 2;
  for (const p of ev.phases) {
    const status = padded(p.status, 13, p.status === 'active' ? paint.waiting : (t) => t);
    out.push(...wrapText(`  ${padded(p.id, 4)}${padded(p.title, pWidth)}${status}`, p.reason, ' '.repeat(6 + pWidth + 13)));
  }
  out.push('');
  const targetState = (t: NonNullable<Evaluation['target']>) => {
    if (t.rolledBack) return paint.bad(`ROLLED BACK by ${t.rolledBack.incident} at seq ${t.rolledBack.seq}`);
    return t.verified ? paint.good('verified') : paint.bad(t.checkedSeq === null ? 'NOT verified' : 'verification FAILED');
  };
  const field = (label: string, text: string) => out.push(...wrapText(label.padEnd(10), text, ' '.repeat(10)));
  field('Target:', ev.target === null ? 'none published' : `${describeTarget(ev.target)} ${contracts(ev.target.contracts)} (seq ${ev.target.seq}, ${targetState(ev.target)})`);
  // Whether the baseline's tag and commit were checked in git: a rollback goes to it, so it matters.
  const baselineState = ev.baselineVerified ? paint.good('verified') : paint.waiting('unverified');
  field('Baseline:', ev.baseline === null ? 'none recorded' : `${describeTarget(ev.baseline)} ${contracts(ev.baseline.contracts)} (${baselineState})`);
  if (ev.rollbackTarget !== null && (ev.baseline === null || ev.rollbackTarget.sha !== ev.baseline.sha)) {
    field('Rollback:', `${describeTarget(ev.rollbackTarget)} ${contracts(ev.rollbackTarget.contracts)} (the last approved baseline: where a rollback goes)`);
  }
  if (ev.window !== null) field('Window:', `${ev.window.approved ? paint.good('approved') : paint.waiting('not approved')} (${ev.window.decision})`);
  if (ev.evidence.length > 0) {
    out.push('', paint.heading('Evidence (latest per party, kind and target)'));
    for (const e of ev.evidence) {
      const result = padded(e.result.toUpperCase(), 6, e.result === 'pass' ? paint.good : paint.bad);
      const line = `${describeTarget(e.target)}${e.stale ? `  ${paint.waiting('STALE')}` : ''}  (seq ${e.seq})`;
      out.push(...wrapText(`  ${padded(e.party, 16)}${padded(e.kind, 20)}${result}`, line, ' '.repeat(44)));
    }
  }
  if (ev.openIncidents.length > 0) {
    out.push('', paint.heading(`Open incidents (deadlines at ${ev.evaluatedAt})`));
    for (const i of ev.openIncidents) out.push(...formatIncident(i, paint));
  }
  if (ev.closedIncidents.length > 0) {
    out.push('', paint.heading('Closed incidents (deadlines as they stood at the close)'));
    for (const i of ev.closedIncidents) out.push(...formatIncident(i, paint));
  }
  if (ev.nextPhase !== null) {
    out.push(
      '',
      ev.blockers.length === 0
        ? paint.good(`Phase ${ev.nextPhase} can start: every entry gate holds.`)
        : paint.heading(`Blockers before Phase ${ev.nextPhase} start (${ev.blockers.length})`),
    );
    if (ev.blockers.length > 0) out.push(formatBlockers(ev.blockers, paint));
  }
  return out.join('\n') + '\n';
}

function formatIncident(i: IncidentView, paint: Palette): string[] {
  const closed = i.closed === null ? '' : `; closed ${i.closed.at}`;
  const lines = [
    ...wrapText(`  ${i.id}  ${paint.bad(i.severity)}  `, `${i.trigger} → ${i.action}  (${i.party}; declared ${i.at} by ${i.actor}; identified ${i.identifiedAt}${closed})`, '     '),
    ...wrapText('     ', i.summary, '     '),
  ];
  if (i.rolledBack !== null) {
    lines.push(...wrapText('     ', `rolled back ${describeTarget(i.rolledBack.from)} → ${describeTarget(i.rolledBack.to)} at ${i.rolledBack.at} (seq ${i.rolledBack.seq})`, '     '));
  }
  const width = Math.max(...i.deadlines.map((d) => d.title.length)) + 2;
  for (const d of i.deadlines) lines.push(...wrapText(`     ${padded(d.title, width)}`, deadlineText(deadlineReport(d)), ' '.repeat(5 + width)));
  if (i.missing.length > 0) {
    lines.push(`     before it can close (${i.missing.length}):`);
    for (const m of i.missing) lines.push(...wrapText('       - ', m.what, '         '), ...wrapCommand('         → ', m.command, '           ').map(paint.command));
  }
  return lines;
}

function contracts(c: Readonly<Record<string, string>>): string {
  const list = Object.entries(c).map(([k, v]) => `${k}=${v}`);
  return list.length === 0 ? '' : `[${list.join(', ')}]`;
}

export function formatError(error: unknown): string {
  if (error instanceof CutoverError) {
    const lines =
      error instanceof InvalidInputError && error.problems.length > 1
        ? [`cutover: ${error.problems.length} problems:`, ...error.message.split('\n').map((l) => `  - ${l}`)]
        : [`cutover: ${error.message}`];
    if (error instanceof PolicyRefusalError) lines.push(formatBlockers(error.blockers));
    for (const hint of error.hints) lines.push(`  hint: ${hint}`);
    return lines.join('\n') + '\n';
  }
  return `cutover: internal error: ${(error as Error)?.stack ?? String(error)}\n`;
}

