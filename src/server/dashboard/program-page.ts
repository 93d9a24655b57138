/**
 * A program's page: decisions, the readiness matrix, blockers, phases, incidents, the event
 * timeline and the rendered records, all drawn from the `status --json` report the API serves
 * (plus the matrix and the events, read from the same verified state). Each section has an id and
 * `data-live`, so the page script can swap in a fresh copy when the ledger moves.
 */
import type { StatusReport } from '../../app/status-report.js';
import type { ReadinessMatrix } from '../../domain/readiness.js';
import { html, type SafeHtml } from './html.js';
import { decisionBadge, outcomeBadge, page, plural, shortHash, statusBadge, time } from './format.js';
import type { RecordView } from './records.js';
import { nowStrip } from './now-strip.js';
import type { ChartEvent } from './chart-events.js';
import { evidenceAge, programTimeline } from './charts.js';

export interface RoleView {
  readonly title: string;
  readonly party: string;
}

export interface TimelineEvent {
  readonly seq: number;
  readonly at: string;
  readonly type: string;
  readonly actor: string;
  /** The party the signing role belongs to (`joint` for a joint role). */
  readonly party: string;
  readonly words: string;
  readonly key: string;
}

export interface TimelineView {
  readonly events: readonly TimelineEvent[];
  readonly party: string | null;
  readonly type: string | null;
  readonly types: readonly string[];
  /** The seq to continue from for older events, null when none are left. */
  readonly older: number | null;
  readonly limit: number;
}

export interface ProgramPageModel {
  readonly report: StatusReport;
  readonly parties: readonly { readonly id: string; readonly name: string }[];
  readonly roles: ReadonlyMap<string, RoleView>;
  readonly phaseEvents: Readonly<Record<string, { readonly seq: number; readonly at: string } | undefined>>;
  readonly matrix: ReadinessMatrix | null;
  readonly timeline: TimelineView;
  readonly records: readonly RecordView[];
  /** What the charts are drawn from: phase and verdict events, and each event's time by seq. */
  readonly chart: { readonly events: readonly ChartEvent[]; readonly times: readonly string[] };
}

export function programPage(m: ProgramPageModel): string {
  const r = m.report;
  const id = r.program.id;
  return page({
    title: r.program.title,
    live: { program: id, seq: r.seq, nextChangeAt: r.now?.nextChangeAt ?? null },
    crumbs: html` / <a href="/programs/${id}" aria-current="page">${id}</a>`,
    evaluatedAt: r.evaluatedAt,
    body: html`
<h1>${r.program.title} <span class="muted">${id}</span></h1>
${nowStrip(r, { partyName: (p) => partyName(m, p), roleTitle: (role) => roleTitle(m, role) })}
${summary(m)}
<p class="head">Ledger seq <strong id="seq">${r.seq}</strong>, head <code title="${r.head ?? ''}">${shortHash(r.head)}</code>, last event ${time(r.at)}</p>
${decisions(m)}
${matrixSection(m)}
${blockers(m)}
${phases(m)}
${incidents(m)}
${timeline(m)}
${records(m)}`,
  });
}

function partyName(m: ProgramPageModel, party: string): string {
  return m.parties.find((p) => p.id === party)?.name ?? party;
}

function roleTitle(m: ProgramPageModel, role: string): string {
  return m.roles.get(role)?.title ?? role;
}

function summary(m: ProgramPageModel): SafeHtml {
  const r = m.report;
  // Whose move is the now list's (src/domain/now.ts): one definition, on every screen.
  const waiting = (r.now?.whoseMove ?? []).map((move) => partyName(m, move.party));
  return html`<section id="summary" data-live aria-labelledby="summary-h"><h2 id="summary-h" class="visually-hidden">At a glance</h2>
<ul class="glance">
${r.decisions.map((d) => html`<li><span class="label">${d.title}</span> ${decisionBadge(d)}</li>`)}
<li><span class="label">Phase</span> ${r.currentPhase}</li>
<li><span class="label">Next phase</span> ${r.nextPhase === null ? 'none (all started)' : `Phase ${r.nextPhase}`}</li>
<li><span class="label">Blockers</span> <strong>${r.blockers.length}</strong></li>
<li><span class="label">Whose move</span> ${waiting.length === 0 ? 'no party' : waiting.join(', ')}</li>
<li><span class="label">Open incidents</span> <strong>${r.incidents.length}</strong></li>
</ul></section>`;
}

function decisions(m: ProgramPageModel): SafeHtml {
  const r = m.report;
  return html`<section id="decisions" data-live aria-labelledby="decisions-h"><h2 id="decisions-h">Decisions</h2>
${r.decisions.map(
  (d) => html`<article class="decision" id="decision-${d.id}"><h3>${d.title} ${decisionBadge(d)}</h3>
<p class="reason">${d.reason}</p>
<table class="stack"><caption class="visually-hidden">Latest verdict of each party on ${d.title}</caption>
<thead><tr><th scope="col">Party</th><th scope="col">Verdict</th><th scope="col">Signed by</th><th scope="col">When</th><th scope="col">Target</th></tr></thead>
<tbody>${m.parties.map((p) => {
    const v = d.verdicts[p.id] ?? null;
    if (v === null)
      return html`<tr data-party="${p.id}"><th scope="row" data-label="Party">${p.name}</th><td data-label="Verdict">${statusBadge('pending', 'pending: no verdict yet')}</td><td data-label="Signed by">—</td><td data-label="When">—</td><td data-label="Target">—</td></tr>`;
    const badge = v.verdict === 'GO' ? (v.stale ? html`${statusBadge('stale', 'GO (stale)')}` : outcomeBadge('GO')) : outcomeBadge('NO-GO');
    return html`<tr data-party="${p.id}"><th scope="row" data-label="Party">${p.name}</th><td data-label="Verdict" class="verdict">${badge}${v.note === undefined ? '' : html`<br><span class="note">${v.note}</span>`}</td><td data-label="Signed by">${roleTitle(m, v.role)} <span class="muted">(${v.role})</span></td><td data-label="When"><a href="/programs/${r.program.id}/events/${v.seq}">${time(v.at)}</a></td><td data-label="Target">${v.target === null ? '—' : html`<code>${v.target.tag}</code> <code class="sha">${v.target.sha.slice(0, 12)}</code>`}</td></tr>`;
  })}</tbody></table></article>`,
)}</section>`;
}

const CELL_WORDS: Record<string, string> = { met: 'met', missing: 'missing', failed: 'failed', stale: 'stale', 'not-required': 'not required' };

function matrixSection(m: ProgramPageModel): SafeHtml {
  const x = m.matrix;
  if (x === null) return html`<section id="matrix" data-live><h2>Readiness</h2><p>No decision to draw a matrix for.</p></section>`;
  const id = m.report.program.id;
  const blocked = new Set(m.report.blockers.map((b) => b.gate));
  return html`<section id="matrix" data-live aria-labelledby="matrix-h"><h2 id="matrix-h">Readiness for ${m.report.decisions.find((d) => d.id === x.decision)?.title ?? x.decision}</h2>
<table class="matrix stack"><caption>One row per party, one column per requirement of the ${x.decision} gates. A met cell links to the event that satisfies it; the bar under a cell is the age of that event (an hour, a day, a week, a quarter: longer is older).</caption>
<thead><tr><th scope="col">Party</th>${x.columns.map((c) => html`<th scope="col" data-gate="${c.gate}">${c.label}</th>`)}</tr></thead>
<tbody>${x.parties.map(
    (p) => html`<tr data-party="${p.id}"><th scope="row" data-label="Party">${p.name}</th>${x.columns.map((c) => {
      const cell = c.cells[p.id]!;
      const badge = statusBadge(cell.status, CELL_WORDS[cell.status]);
      const link =
        cell.seq !== null
          ? html`<a href="/programs/${id}/events/${cell.seq}" title="${cell.detail}">${badge}<span class="visually-hidden"> (event seq ${cell.seq})</span></a>`
          : cell.status !== 'met' && cell.status !== 'not-required' && blocked.has(c.gate)
            ? html`<a href="#blocker-${c.gate}" title="${cell.detail}">${badge}</a>`
            : html`<span title="${cell.detail}">${badge}</span>`;
      const at = cell.seq === null ? undefined : m.chart.times[cell.seq - 1];
      return html`<td class="cell c-${cell.status}" data-gate="${c.gate}" data-column="${c.id}" data-status="${cell.status}" data-label="${c.label}">${link}<span class="cell-detail">${cell.detail}</span>${at === undefined ? '' : evidenceAge(at, m.report.evaluatedAt)}</td>`;
    })}</tr>`,
  )}</tbody></table></section>`;
}

function blockers(m: ProgramPageModel): SafeHtml {
  const r = m.report;
  return html`<section id="blockers" data-live aria-labelledby="blockers-h"><h2 id="blockers-h">Blockers${r.nextPhase === null ? '' : ` before Phase ${r.nextPhase}`} <span class="count">(${r.blockers.length})</span></h2>
${r.blockers.length === 0 ? html`<p>No blockers.</p>` : ''}
<ol class="blockers">${r.blockers.map(
    (b) => html`<li class="blocker" id="blocker-${b.gate}" data-gate="${b.gate}"><h3>${b.text}</h3>
<dl class="facts"><dt>Gate</dt><dd><code>${b.gate}</code></dd>
<dt>Owner</dt><dd>${b.owner.title} <span class="muted">(${b.owner.role})</span></dd>
<dt>Waiting on</dt><dd>${b.waitingOn.length === 0 ? 'no party in particular' : b.waitingOn.map((p) => partyName(m, p)).join(', ')}</dd>
${b.missing.length === 0 ? '' : html`<dt>Missing</dt><dd><ul>${b.missing.map((x) => html`<li>${x}</li>`)}</ul></dd>`}
<dt>What exactly</dt><dd><ul>${b.details.map((x) => html`<li>${x}</li>`)}</ul></dd></dl>
${b.clear.length === 0 ? '' : html`<p class="label">Clears it:</p><ul class="commands">${b.clear.map((c) => html`<li><pre><code>${c}</code></pre><button type="button" class="copy" data-copy="${c}" hidden>Copy</button></li>`)}</ul>`}
</li>`,
  )}</ol></section>`;
}

function phases(m: ProgramPageModel): SafeHtml {
  const chart = programTimeline({ report: m.report, events: m.chart.events, now: m.report.evaluatedAt, partyName: (p) => partyName(m, p) });
  return html`<section id="phases" data-live aria-labelledby="phases-h"><h2 id="phases-h">Phases</h2>
${chart}
<ol class="timeline">${m.report.phases.map((p) => {
    const at = m.phaseEvents[p.id];
    return html`<li class="phase p-${p.status}"><span class="phase-id">Phase ${p.id}</span> <strong>${p.title}</strong> ${statusBadge(p.status === 'complete' || p.status === 'closed' ? 'met' : p.status === 'active' ? 'pending' : 'missing', p.status)}
<p class="reason">${p.reason}${at === undefined ? '' : html` · ${time(at.at)} (<a href="/programs/${m.report.program.id}/events/${at.seq}">seq ${at.seq}</a>)`}</p></li>`;
  })}</ol></section>`;
}

function incidents(m: ProgramPageModel): SafeHtml {
  const all = [...m.report.incidents, ...m.report.closedIncidents];
  return html`<section id="incidents" data-live aria-labelledby="incidents-h"><h2 id="incidents-h">Incidents <span class="count">(${m.report.incidents.length} open)</span></h2>
${all.length === 0 ? html`<p>No incidents.</p>` : ''}
${all.map(
  (i) => html`<article class="incident" id="incident-${i.id}"><h3>${i.id} · ${i.severity} · ${statusBadge(i.status === 'open' ? 'failed' : 'met', i.status)}</h3>
<p>${i.summary}</p><p class="muted">${i.triggerDescription ?? i.trigger} (${i.action}), ${partyName(m, i.party)}, identified ${time(i.identifiedAt)}</p>
<table class="stack"><caption class="visually-hidden">Deadlines of incident ${i.id}</caption>
<thead><tr><th scope="col">Deadline</th><th scope="col">Due</th><th scope="col">State</th><th scope="col">Countdown</th></tr></thead>
<tbody>${i.deadlines.map((d) => html`<tr class="deadline d-${d.status}" data-deadline="${d.id}"><th scope="row" data-label="Deadline">${d.title} <span class="muted">(within ${d.within})</span></th><td data-label="Due">${time(d.due)}</td><td data-label="State">${statusBadge(d.status)}</td><td data-label="Countdown">${countdown(d)}</td></tr>`)}</tbody></table>
${i.missing.length === 0 ? '' : html`<p class="label">Still needed before it can close:</p><ul class="commands">${i.missing.map((x) => html`<li>${x.what}<pre><code>${x.command}</code></pre><button type="button" class="copy" data-copy="${x.command}" hidden>Copy</button></li>`)}</ul>`}
</article>`,
)}</section>`;
}

function countdown(d: StatusReport['incidents'][number]['deadlines'][number]): SafeHtml {
  if (d.status === 'waiting') return html`<span>the clock has not started</span>`;
  if (d.doneAt !== null) return html`<span>done ${time(d.doneAt)}${d.status === 'overdue' ? `, ${d.overdueBy} late` : d.margin === null ? '' : `, ${d.margin} early`}</span>`;
  if (d.status === 'overdue') return html`<span class="countdown late" data-due="${d.due ?? ''}">overdue by ${d.overdueBy ?? ''}</span>`;
  return html`<span class="countdown" data-due="${d.due ?? ''}">due in ${d.margin ?? ''}</span>`;
}

function timeline(m: ProgramPageModel): SafeHtml {
  const t = m.timeline;
  const id = m.report.program.id;
  const filtered = t.party !== null || t.type !== null;
  const query = (extra: Record<string, string>) => {
    const params = new URLSearchParams({ ...(t.party === null ? {} : { party: t.party }), ...(t.type === null ? {} : { type: t.type }), ...extra });
    return `?${params.toString()}#timeline`;
  };
  return html`<section id="timeline" data-live aria-labelledby="timeline-h"><h2 id="timeline-h">Event timeline</h2>
<form class="filters" method="get" action="/programs/${id}#timeline">
<label>Party <select name="party"><option value="">every party</option>${[...m.parties.map((p) => [p.id, p.name] as const), ['joint', 'joint roles'] as const].map(([value, name]) => html`<option value="${value}"${t.party === value ? ' selected' : ''}>${name}</option>`)}</select></label>
<label>Type <select name="type"><option value="">every type</option>${t.types.map((type) => html`<option value="${type}"${t.type === type ? ' selected' : ''}>${type}</option>`)}</select></label>
<button type="submit">Filter</button>${filtered ? html` <a href="/programs/${id}#timeline">clear</a>` : ''}
</form>
<table class="events stack"><caption class="visually-hidden">Events, newest first</caption>
<thead><tr><th scope="col">Seq</th><th scope="col">Time</th><th scope="col">Signed by</th><th scope="col">Event</th><th scope="col">Signature</th></tr></thead>
<tbody>${t.events.map(
    (e) => html`<tr id="event-${e.seq}" data-party="${e.party}" data-type="${e.type}"><td data-label="Seq"><a href="/programs/${id}/events/${e.seq}">${e.seq}</a></td><td data-label="Time">${time(e.at)}</td><td data-label="Signed by">${roleTitle(m, e.actor)}</td><td data-label="Event"><code>${e.type}</code> ${e.words}</td><td data-label="Signature"><span class="sig" title="${e.key}"><span aria-hidden="true">✔ </span>verified</span></td></tr>`,
  )}</tbody></table>
${t.events.length === 0 ? html`<p>No events match.</p>` : ''}
${t.older === null ? '' : html`<p><a href="/programs/${id}${query({ before: String(t.older) })}">Older events</a> (the ${t.limit} shown are the newest${filtered ? ' that match' : ''})</p>`}
</section>`;
}

function records(m: ProgramPageModel): SafeHtml {
  return html`<section id="records" data-live aria-labelledby="records-h"><h2 id="records-h">Records <span class="count">(${plural(m.records.length, 'record')})</span></h2>
${m.records.map(
  (r) => html`<details class="record" id="record-${r.record.id}"><summary>${r.record.label ?? r.record.title} <span class="muted">· ${partyName(m, r.record.party)} · ${r.record.path}</span></summary>
<p class="head">Rendered from head <code title="${r.head ?? ''}">${shortHash(r.head)}</code> (seq ${r.seq}).</p>
${r.body === null ? html`<p>This record has a template of its own, kept with the program's repository; render it there with <code>cutover render --record ${r.record.id}</code>.</p>` : html`<div class="markdown">${r.body}</div>`}
</details>`,
)}</section>`;
}
