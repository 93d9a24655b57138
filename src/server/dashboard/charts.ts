/**
 * The program page's charts, drawn on the server as SVG (readable with JavaScript off, styled by
 * app.css in both colour schemes): the program's timeline (phases as bands; verdicts, incidents and
 * deadlines as marks; now) and the age of the event each readiness cell rests on. Every mark has a
 * <title> in words, and the chart a text summary, so nothing is told by position or colour alone.
 */
import type { StatusReport } from '../../app/status-report.js';
import type { ChartEvent } from './chart-events.js';
import { html, type SafeHtml } from './html.js';

const W = 1000;
const LEFT = 180;
const RIGHT = 24;
const ROW = 26;
const TOP = 8;
/** A stretch of time with nothing in it, longer than this share of the span, is drawn as a break. */
const BREAK_SHARE = 0.2;
const BREAK_W = 48;

export interface TimelineInput {
  readonly report: StatusReport;
  readonly events: readonly ChartEvent[];
  readonly now: string;
  partyName(party: string): string;
}

interface Band {
  readonly phase: string;
  readonly from: number;
  readonly to: number;
  readonly status: 'active' | 'complete' | 'closed' | 'rolled-back';
}

interface Mark {
  readonly row: number;
  readonly at: number;
  readonly shape: 'go' | 'nogo' | 'incident' | 'deadline';
  readonly state: string;
  readonly title: string;
}

/** Phase bands from the phase events: a start, then the end that followed it (or now, while active). */
function bandsOf(events: readonly ChartEvent[], now: number): Band[] {
  const open = new Map<string, number>();
  const bands: Band[] = [];
  for (const e of events) {
    if (e.kind !== 'phase') continue;
    const at = Date.parse(e.at);
    if (e.step === 'started') open.set(e.phase, at);
    else {
      const from = open.get(e.phase);
      if (from === undefined) continue;
      open.delete(e.phase);
      bands.push({ phase: e.phase, from, to: at, status: e.step === 'completed' ? 'complete' : e.step });
    }
  }
  for (const [phase, from] of open) bands.push({ phase, from, to: now, status: 'active' });
  return bands;
}

/**
 * A time scale that draws long empty stretches as breaks of fixed width: a program idle for months
 * and an incident minutes long are both readable on one axis.
 */
function scaleOf(instants: readonly number[]): { x: (t: number) => number; breaks: { from: number; to: number; x: number }[] } {
  const ts = [...new Set(instants)].sort((a, b) => a - b);
  const first = ts[0]!;
  const last = ts.length > 1 ? ts.at(-1)! : first + 3600_000;
  if (ts.length === 1) ts.push(last);
  const span = last - first;
  const gaps = ts.slice(1).map((t, i) => ({ from: ts[i]!, to: t }));
  const isBreak = (g: { from: number; to: number }) => g.to - g.from > BREAK_SHARE * span;
  const breaks = gaps.length > 1 ? gaps.filter(isBreak) : [];
  const linear = gaps.filter((g) => !breaks.includes(g)).reduce((sum, g) => sum + (g.to - g.from), 0);
  const width = W - LEFT - RIGHT - breaks.length * BREAK_W;
  const perMs = linear === 0 ? 0 : width / linear;
  // The x of each instant, walked gap by gap.
  const xs = new Map<number, number>([[first, LEFT]]);
  let x = LEFT;
  const placed: { from: number; to: number; x: number }[] = [];
  for (const g of gaps) {
    if (breaks.includes(g)) {
      placed.push({ from: g.from, to: g.to, x });
      x += BREAK_W;
    } else x += linear === 0 ? width / Math.max(1, gaps.length) : (g.to - g.from) * perMs;
    xs.set(g.to, x);
  }
  const at = (t: number): number => {
    if (t <= first) return LEFT;
    const g = gaps.find((gap) => t >= gap.from && t <= gap.to);
    if (g === undefined) return W - RIGHT;
    const x0 = xs.get(g.from)!;
    const x1 = xs.get(g.to)!;
    return g.to === g.from ? x0 : x0 + ((t - g.from) / (g.to - g.from)) * (x1 - x0);
  };
  return { x: at, breaks: placed };
}

const day = (t: number) => new Date(t).toISOString().slice(0, 10);
const minute = (t: number) => `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function programTimeline(input: TimelineInput): SafeHtml {
  const r = input.report;
  const now = Date.parse(input.now);
  const bands = bandsOf(input.events, now);
  const decisions = r.decisions.map((d) => d.id);
  const phaseRows = [...new Set(r.phases.map((p) => p.id))];
  const rowOfPhase = (phase: string) => phaseRows.indexOf(phase);
  const decisionRow = (d: string) => phaseRows.length + decisions.indexOf(d);
  const incidentRow = phaseRows.length + decisions.length;
  const marks: Mark[] = [];
  for (const e of input.events) {
    if (e.kind !== 'verdict' || !decisions.includes(e.decision)) continue;
    marks.push({ row: decisionRow(e.decision), at: Date.parse(e.at), shape: e.verdict === 'GO' ? 'go' : 'nogo', state: e.verdict, title: `${input.partyName(e.party)} ${e.verdict} on ${e.decision} by ${e.role}, ${minute(Date.parse(e.at))} (seq ${e.seq})` });
  }
  for (const i of [...r.incidents, ...r.closedIncidents]) {
    marks.push({ row: incidentRow, at: Date.parse(i.declaredAt), shape: 'incident', state: i.status, title: `${i.id} ${i.severity} declared ${minute(Date.parse(i.declaredAt))}: ${i.summary}` });
    for (const d of i.deadlines) {
      if (d.due === null) continue;
      marks.push({ row: incidentRow, at: Date.parse(d.due), shape: 'deadline', state: d.status, title: `${i.id} ${d.title} due ${minute(Date.parse(d.due))}: ${d.status}${d.overdueBy === null ? '' : ` by ${d.overdueBy}`}` });
    }
  }
  for (const d of r.now?.items ?? []) {
    if (d.kind === 'deadline' && d.incident === null) marks.push({ row: incidentRow, at: Date.parse(d.due), shape: 'deadline', state: d.state === 'overdue' ? 'overdue' : 'pending', title: d.headline });
  }
  const instants = [...bands.flatMap((b) => [b.from, b.to]), ...marks.map((m) => m.at), now];
  const { x, breaks } = scaleOf(instants);
  const rows = incidentRow + 1;
  const height = TOP + rows * ROW + 34;
  const y = (row: number) => TOP + row * ROW;
  const label = (row: number, text: string) => html`<text class="row-label" x="${LEFT - 8}" y="${y(row) + ROW / 2 + 4}" text-anchor="end">${text}</text>`;
  const phaseTitle = (id: string) => r.phases.find((p) => p.id === id)?.title ?? '';
  const short = (text: string, n: number) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
  const summary = [
    ...bands.map((b) => `Phase ${b.phase} ${b.status === 'active' ? `active since ${minute(b.from)}` : `${b.status} ${minute(b.to)}, started ${minute(b.from)}`}`),
    `${marks.filter((m) => m.shape === 'go' || m.shape === 'nogo').length} verdicts, ${marks.filter((m) => m.shape === 'incident').length} incidents, ${marks.filter((m) => m.shape === 'deadline').length} deadlines`,
    `now ${minute(now)}`,
  ].join('; ');
  // Axis labels at the start, after each break, and now; one that would overlap the last is left out.
  const ticks: { x: number; text: string }[] = [];
  for (const t of [Math.min(...instants), ...breaks.map((b) => b.to)]) {
    const tx = x(t);
    // The now label ends at the now line and is about 190 units long.
    const clear = tx + 80 < x(now) - 190 || tx > x(now) + 8;
    if (ticks.every((k) => Math.abs(k.x - tx) > 90) && clear && tx + 80 < W) ticks.push({ x: tx, text: day(t) });
  }
  // Focusable: on a phone it scrolls sideways, and a keyboard must be able to scroll it too.
  return html`<figure class="chart timeline-chart" tabindex="0"><svg viewBox="0 0 ${W} ${height}" role="img" aria-labelledby="timeline-chart-title timeline-chart-desc" preserveAspectRatio="xMinYMin meet">
<title id="timeline-chart-title">The program over time: phases as bands, verdicts, incidents and deadlines as marks, and now</title>
<desc id="timeline-chart-desc">${summary}</desc>
${phaseRows.map((p) => html`${label(rowOfPhase(p), `Phase ${p} ${short(phaseTitle(p), 13)}`)}<line class="row-rule" x1="${LEFT}" x2="${W - RIGHT}" y1="${y(rowOfPhase(p)) + ROW}" y2="${y(rowOfPhase(p)) + ROW}"/>`)}
${decisions.map((d) => label(decisionRow(d), short(r.decisions.find((x) => x.id === d)?.title ?? d, 22)))}
${label(incidentRow, 'Incidents')}
${breaks.map((b) => html`<g class="break"><rect x="${b.x + 4}" y="${TOP}" width="${BREAK_W - 8}" height="${rows * ROW}"/><text x="${b.x + BREAK_W / 2}" y="${TOP + rows * ROW + 14}" text-anchor="middle">≈${Math.round((b.to - b.from) / 86_400_000)}d</text><title>nothing drawn from ${minute(b.from)} to ${minute(b.to)}</title></g>`)}
${bands.map((b) => html`<rect class="band b-${b.status}" data-phase="${b.phase}" x="${x(b.from).toFixed(1)}" y="${y(rowOfPhase(b.phase)) + 5}" width="${Math.max(3, x(b.to) - x(b.from)).toFixed(1)}" height="${ROW - 10}" rx="3"><title>Phase ${b.phase} ${phaseTitle(b.phase)}: ${b.status === 'active' ? `active since ${minute(b.from)}` : `${minute(b.from)} to ${minute(b.to)} (${b.status})`}</title></rect>`)}
${marks.map((m) => markOf(m, x(m.at), y(m.row) + ROW / 2))}
<line class="now-line" x1="${x(now).toFixed(1)}" x2="${x(now).toFixed(1)}" y1="${TOP}" y2="${TOP + rows * ROW}"/>
<text class="now-label" x="${x(now).toFixed(1)}" y="${TOP + rows * ROW + 28}" text-anchor="end">now ${minute(now)}</text>
${ticks.map((k) => html`<text class="tick" x="${k.x.toFixed(1)}" y="${TOP + rows * ROW + 28}" text-anchor="start">${k.text}</text>`)}
</svg>
<figcaption>Phases as bands; <span class="key k-go">●</span> GO, <span class="key k-nogo">■</span> NO-GO, <span class="key k-incident">▲</span> incident declared, <span class="key k-deadline">◆</span> deadline due (outlined: met or pending; filled: overdue); the line is now. Long idle stretches are drawn as breaks (≈ days). Hover a mark for its details.</figcaption></figure>`;
}

function markOf(m: Mark, cx: number, cy: number): SafeHtml {
  const title = html`<title>${m.title}</title>`;
  const X = cx.toFixed(1);
  switch (m.shape) {
    case 'go':
      return html`<circle class="mark-go" cx="${X}" cy="${cy}" r="6">${title}</circle>`;
    case 'nogo':
      return html`<rect class="mark-nogo" x="${(cx - 6).toFixed(1)}" y="${cy - 6}" width="12" height="12">${title}</rect>`;
    case 'incident':
      return html`<path class="mark-incident s-${m.state}" d="M${X} ${cy - 8} l8 14 h-16 z">${title}</path>`;
    case 'deadline':
      return html`<path class="mark-deadline s-${m.state}" d="M${X} ${cy - 7} l7 7 l-7 7 l-7 -7 z">${title}</path>`;
  }
}

/** How long ago, in the largest whole unit that reads well: 45m, 5h, 3d. */
export function ageWords(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${Math.max(0, minutes)}m`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h` : `${Math.floor(hours / 24)}d`;
}

/** A cell's evidence age as a small bar (log scale: an hour, a day, a week, a quarter) and in words. */
export function evidenceAge(at: string, now: string): SafeHtml {
  const ms = Math.max(0, Date.parse(now) - Date.parse(at));
  const hours = ms / 3600_000;
  const share = Math.min(1, Math.log10(1 + hours) / Math.log10(1 + 24 * 90));
  const words = `${ageWords(ms)} old`;
  return html`<span class="age" title="the event this cell rests on was recorded ${minute(Date.parse(at))}"><svg class="age-bar" viewBox="0 0 60 8" aria-hidden="true" focusable="false"><rect class="age-track" x="0" y="1" width="60" height="6" rx="2"/><rect class="age-fill" x="0" y="1" width="${Math.max(2, share * 60).toFixed(1)}" height="6" rx="2"/></svg> ${words}</span>`;
}
