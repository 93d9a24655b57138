/**
 * The "now" strip at the top of a program page: the list `status` opens with (report.now, from
 * src/domain/now.ts), most urgent first, each item with how late, who owes it (role and party), a
 * link to its section below and the command that meets it; then whose move. Drawn by the server,
 * whole, so it reads the same with JavaScript off; the page script only ticks the countdowns.
 */
import type { NowItemReport, NowReport, StatusReport } from '../../app/status-report.js';
import { html, type SafeHtml } from './html.js';
import { statusBadge } from './format.js';

export interface NowNames {
  partyName(party: string): string;
  roleTitle(role: string): string;
}

const EMPTY: NowReport = { at: '', items: [], whoseMove: [], nextChangeAt: null };

export function nowStrip(report: StatusReport, names: NowNames): SafeHtml {
  const now = report.now ?? EMPTY;
  // A manual blocker is listed under the gate that sums them up, whatever the program calls it.
  const gate = report.blockers.find((b) => b.kind === 'no-manual-blockers')?.gate;
  const manual = gate === undefined ? '#blockers' : `#blocker-${gate}`;
  const who = (o: { party: string; role: string | null }) =>
    html`<span class="who" data-party="${o.party}"${o.role === null ? '' : html` data-role="${o.role}"`}>${o.role === null ? '' : html`${names.roleTitle(o.role)} <span class="muted">(${o.role})</span>, `}<strong>${names.partyName(o.party)}</strong></span>`;
  return html`<section id="now" class="now" data-live aria-labelledby="now-h"><h2 id="now-h">Now <span class="count">most urgent first</span></h2>
${now.items.length === 0 ? html`<p>Nothing pressing: no deadline due within the hour, no open incident, no blocker.</p>` : ''}
<ol class="now-items">${now.items.map((item) => html`<li class="now-item k-${item.kind}" data-key="${item.key}">${itemBody(item, who, manual)}</li>`)}</ol>
${now.whoseMove.length === 0 ? '' : html`<p class="whose-move"><span class="label">Whose move:</span> ${now.whoseMove.map((m, i) => html`${i === 0 ? '' : ' · '}<span data-party="${m.party}"><strong>${names.partyName(m.party)}</strong>${m.roles.length === 0 ? '' : html` (${m.roles.map((r) => names.roleTitle(r)).join(', ')})`}</span>`)}</p>`}
</section>`;
}

type Who = (o: { party: string; role: string | null }) => SafeHtml;

function itemBody(item: NowItemReport, who: Who, manual: string): SafeHtml {
  switch (item.kind) {
    case 'deadline': {
      const state =
        item.state === 'overdue'
          ? html`<span class="badge s-overdue"><span aria-hidden="true">! </span><span class="countdown late" data-due="${item.due}">overdue by ${item.overdueBy}</span></span>`
          : html`<span class="badge s-pending"><span aria-hidden="true">… </span><span class="countdown" data-due="${item.due}">due in ${item.dueIn}</span></span>`;
      return html`${state} <a class="what" href="${anchorOf(item, manual)}">${item.what}</a>
<p class="owed">${item.owedBy.length === 0 ? '' : html`owed by ${item.owedBy.map((o, i) => html`${i === 0 ? '' : '; '}${who(o)}`)}`}</p>${command(item.commands)}`;
    }
    case 'incident':
      return html`${statusBadge('failed', `${item.severity} open`)} <a class="what" href="#incident-${item.incident}">${item.incident}</a> ${item.summary}
<p class="owed">incident commander: ${who(item.commander)}</p>`;
    case 'blocker':
      return html`${statusBadge('missing', item.manual ? `blocker ${item.blocker}` : 'blocker')} <a class="what" href="${item.manual ? manual : `#blocker-${item.blocker}`}">${item.what}</a>${item.due === null ? '' : html` <span class="muted">(due ${item.due})</span>`}
<p class="owed">waiting on ${item.waitingOn.map((o, i) => html`${i === 0 ? '' : '; '}${who(o)}`)}${item.owner.role === null ? '' : html` · owner: ${who(item.owner)}`}</p>`;
  }
}

function anchorOf(item: Extract<NowItemReport, { kind: 'deadline' }>, manual: string): string {
  if (item.incident !== null) return `#incident-${item.incident}`;
  if (item.blocker !== null) return manual;
  return '#phases';
}

/** The command that meets a deadline, with a copy button the script shows. */
function command(commands: readonly string[]): SafeHtml {
  const first = commands[0];
  return first === undefined ? html`` : html`<div class="command"><pre><code>${first}</code></pre><button type="button" class="copy" data-copy="${first}" hidden>Copy</button></div>`;
}
