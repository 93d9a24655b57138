/**
 * Every program on the server, most urgent first (overdue deadlines, then open incidents, then
 * NO-GO with blockers, then the rest; by id within each), a page at a time, drawn from the
 * programs' summaries: no ledger is read to draw it. Each row names its most urgent item: which
 * deadline, how late, and who owes it.
 */
import type { Owed, NowItem } from '../../domain/now.js';
import type { ProgramSummary } from '../../domain/summary.js';
import { urgencyOf, type Urgency } from '../../domain/urgency.js';
import { formatDuration } from '../../program/duration.js';
import { html, type SafeHtml } from './html.js';
import { decisionBadge, page, plural, statusBadge, time } from './format.js';

export { urgencyOf };

/** A program as the overview lists it: its summary, and its urgency at the page's time. */
export interface OverviewRow {
  readonly summary: ProgramSummary;
  readonly urgency: Urgency;
}

const URGENCY_WORDS: Record<Urgency, [string, string]> = {
  overdue: ['overdue', 'deadline overdue'],
  incident: ['failed', 'open incident'],
  blocked: ['missing', 'NO-GO, blocked'],
  calm: ['met', 'nothing pressing'],
};

/** A program whose stored lines fail verification: listed first, with the line and why, never hidden. */
export interface FailingProgram {
  readonly id: string;
  readonly message: string;
}

export interface OverviewPaging {
  /** The link to the next page (null: this is the last). */
  readonly next: string | null;
  /** The filters in force, shown with a link that clears them. */
  readonly filtered: boolean;
}

export function overviewPage(rows: readonly OverviewRow[], evaluatedAt: string, failing: readonly FailingProgram[] = [], paging: OverviewPaging = { next: null, filtered: false }): string {
  const at = Date.parse(evaluatedAt);
  return page({
    title: 'Programs',
    live: { programs: rows.map((r) => r.summary.program), nextChangeAt: earliest(rows.map((r) => r.summary.nextChangeAt)) },
    evaluatedAt,
    body: html`<h1>Cutover programs</h1>
${failing.length === 0 ? '' : html`<section id="failing" aria-labelledby="failing-h"><h2 id="failing-h">Failing verification</h2>
<ul>${failing.map((f) => html`<li><a href="/programs/${f.id}">${f.id}</a>: ${f.message}</li>`)}</ul></section>`}
<section id="programs" data-live aria-labelledby="programs-h"><h2 id="programs-h" class="visually-hidden">Programs, most urgent first</h2>
${rows.length === 0 ? (paging.filtered ? html`<p>No program matches. <a href="/">All programs</a></p>` : html`<p>No programs on this server yet. Push one: <code>cutover push --server URL</code>.</p>`) : ''}
<table class="programs stack"><caption>Most urgent first: overdue deadlines, then open incidents, then NO-GO with blockers.</caption>
<thead><tr><th scope="col">Program</th><th scope="col">Urgency</th><th scope="col">Most urgent</th><th scope="col">Decisions</th><th scope="col">Phase</th><th scope="col">Blockers</th><th scope="col">Whose move</th><th scope="col">Last event</th></tr></thead>
<tbody>${rows.map(({ summary: s, urgency }) => {
      const [status, words] = URGENCY_WORDS[urgency];
      const party = (id: string) => s.parties[id] ?? id;
      const moves = s.whoseMove.map((m) => (m.roles.length === 0 ? party(m.party) : `${party(m.party)} (${m.roles.join(', ')})`));
      return html`<tr data-program="${s.program}" data-seq="${s.seq}" data-urgency="${urgency}"><th scope="row" data-label="Program"><a href="/programs/${s.program}">${s.title}</a><br><span class="muted">${s.program}</span></th>
<td data-label="Urgency">${statusBadge(status, words)}${s.openIncidents === 0 ? '' : html`<br>${plural(s.openIncidents, 'open incident')}`}</td>
<td data-label="Most urgent">${s.mostUrgent === null ? html`<span class="muted">—</span>` : mostUrgentCell(s.mostUrgent, at, party)}</td>
<td data-label="Decisions"><ul class="plain">${s.decisions.map((d) => html`<li>${d.title}: ${decisionBadge(d)}</li>`)}</ul></td>
<td data-label="Phase">${s.currentPhase}</td>
<td data-label="Blockers">${s.blockers.length}</td>
<td data-label="Whose move">${moves.length === 0 ? '—' : moves.join('; ')}</td>
<td data-label="Last event">${time(s.at)}</td></tr>`;
    })}</tbody></table>
${paging.next === null ? '' : html`<p class="paging"><a rel="next" href="${paging.next}">Next page</a></p>`}</section>`,
  });
}

/** The first of these times (ISO), or null: when time alone next moves a row of the page. */
function earliest(times: readonly (string | null)[]): string | null {
  let first: string | null = null;
  for (const t of times) if (t !== null && (first === null || Date.parse(t) < Date.parse(first))) first = t;
  return first;
}

/** What is due, how late (or how soon) at the page's time, and who owes it. */
function mostUrgentCell(item: NowItem, at: number, party: (id: string) => string): SafeHtml {
  const owed = (o: readonly Owed[]) => o.map((x) => (x.role === null ? party(x.party) : `${x.role} (${party(x.party)})`)).join(', ');
  if (item.kind === 'deadline') {
    const due = Date.parse(item.due);
    // The domain says whether it is overdue; the page only says how late at its own time.
    const when = item.state === 'overdue' ? html`<strong>overdue by ${formatDuration(Math.max(at - due, item.overdueByMs ?? 0))}</strong>` : html`due in ${formatDuration(Math.max(due - at, 0))}`;
    return html`${item.what}: ${when}<br><span class="muted">owed by ${item.owedBy.length === 0 ? 'no role named' : owed(item.owedBy)}</span>`;
  }
  if (item.kind === 'incident') return html`${item.incident} ${item.severity} open: ${item.summary}<br><span class="muted">incident commander ${owed([item.commander])}</span>`;
  return html`${item.what}<br><span class="muted">waiting on ${owed(item.waitingOn)}</span>`;
}
