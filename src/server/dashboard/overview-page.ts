/**
 * Every program on the server, most urgent first: overdue deadlines, then open incidents, then
 * NO-GO with blockers, then the rest (by id within each).
 */
import type { Evaluation } from '../../domain/evaluate.js';
import { html } from './html.js';
import { decisionBadge, page, plural, statusBadge, time } from './format.js';

export interface OverviewRow {
  readonly ev: Evaluation;
  readonly partyNames: ReadonlyMap<string, string>;
}

export type Urgency = 'overdue' | 'incident' | 'blocked' | 'calm';

export function urgencyOf(ev: Evaluation): Urgency {
  const overdue = ev.openIncidents.some((i) => i.deadlines.some((d) => d.status === 'overdue' && d.doneAt === null)) || ev.manualBlockers.some((b) => b.overdue);
  if (overdue) return 'overdue';
  if (ev.openIncidents.length > 0) return 'incident';
  if (ev.decisions.some((d) => d.outcome === 'NO-GO' && d.state !== 'closed') && ev.blockers.length > 0) return 'blocked';
  return 'calm';
}

const RANK: Record<Urgency, number> = { overdue: 0, incident: 1, blocked: 2, calm: 3 };
const URGENCY_WORDS: Record<Urgency, [string, string]> = {
  overdue: ['overdue', 'deadline overdue'],
  incident: ['failed', 'open incident'],
  blocked: ['missing', 'NO-GO, blocked'],
  calm: ['met', 'nothing pressing'],
};

export function byUrgency(rows: readonly OverviewRow[]): OverviewRow[] {
  return [...rows].sort((a, b) => RANK[urgencyOf(a.ev)] - RANK[urgencyOf(b.ev)] || a.ev.program.id.localeCompare(b.ev.program.id));
}

/** Where a program stands: its active phase, else the last one done and the next. */
export function currentPhase(ev: Evaluation): string {
  const active = ev.phases.find((p) => p.status === 'active');
  if (active !== undefined) return `Phase ${active.id} ${active.title}: active`;
  const done = [...ev.phases].reverse().find((p) => p.status === 'closed' || p.status === 'complete');
  const next = ev.nextPhase === null ? 'all phases done' : `next Phase ${ev.nextPhase}`;
  return done === undefined ? `not started; ${next}` : `Phase ${done.id} ${done.status}; ${next}`;
}

export function overviewPage(rows: readonly OverviewRow[], evaluatedAt: string): string {
  const sorted = byUrgency(rows);
  return page({
    title: 'Programs',
    live: { programs: sorted.map((r) => r.ev.program.id) },
    evaluatedAt,
    body: html`<h1>Cutover programs</h1>
<section id="programs" data-live aria-labelledby="programs-h"><h2 id="programs-h" class="visually-hidden">Programs, most urgent first</h2>
${sorted.length === 0 ? html`<p>No programs on this server yet. Push one: <code>cutover push --server URL</code>.</p>` : ''}
<table class="programs stack"><caption>Most urgent first: overdue deadlines, then open incidents, then NO-GO with blockers.</caption>
<thead><tr><th scope="col">Program</th><th scope="col">Urgency</th><th scope="col">Decisions</th><th scope="col">Phase</th><th scope="col">Blockers</th><th scope="col">Whose move</th><th scope="col">Last event</th></tr></thead>
<tbody>${sorted.map(({ ev, partyNames }) => {
      const urgency = urgencyOf(ev);
      const [status, words] = URGENCY_WORDS[urgency];
      const waiting = [...new Set(ev.blockers.flatMap((b) => b.waitingOn))].map((p) => partyNames.get(p) ?? p);
      return html`<tr data-program="${ev.program.id}" data-seq="${ev.seq}" data-urgency="${urgency}"><th scope="row" data-label="Program"><a href="/programs/${ev.program.id}">${ev.program.title}</a><br><span class="muted">${ev.program.id}</span></th>
<td data-label="Urgency">${statusBadge(status, words)}${ev.openIncidents.length === 0 ? '' : html`<br>${plural(ev.openIncidents.length, 'open incident')}`}</td>
<td data-label="Decisions"><ul class="plain">${ev.decisions.map((d) => html`<li>${d.title}: ${decisionBadge(d)}</li>`)}</ul></td>
<td data-label="Phase">${currentPhase(ev)}</td>
<td data-label="Blockers">${ev.blockers.length}</td>
<td data-label="Whose move">${waiting.length === 0 ? '—' : waiting.join(', ')}</td>
<td data-label="Last event">${time(ev.at)}</td></tr>`;
    })}</tbody></table></section>`,
  });
}
