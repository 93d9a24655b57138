/**
 * Every program on the server, most urgent first: overdue deadlines, then open incidents, then
 * NO-GO with blockers, then the rest (by id within each).
 */
import type { Evaluation } from '../../domain/evaluate.js';
import { byUrgency, currentPhase, urgencyOf, type Urgency } from '../../domain/urgency.js';

export { urgencyOf };
import { html } from './html.js';
import { decisionBadge, page, plural, statusBadge, time } from './format.js';

export interface OverviewRow {
  readonly ev: Evaluation;
  readonly partyNames: ReadonlyMap<string, string>;
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

export function overviewPage(rows: readonly OverviewRow[], evaluatedAt: string, failing: readonly FailingProgram[] = []): string {
  const sorted = [...rows].sort((a, b) => byUrgency(a.ev, b.ev));
  return page({
    title: 'Programs',
    live: { programs: sorted.map((r) => r.ev.program.id) },
    evaluatedAt,
    body: html`<h1>Cutover programs</h1>
${failing.length === 0 ? '' : html`<section id="failing" aria-labelledby="failing-h"><h2 id="failing-h">Failing verification</h2>
<ul>${failing.map((f) => html`<li><a href="/programs/${f.id}">${f.id}</a>: ${f.message}</li>`)}</ul></section>`}
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
