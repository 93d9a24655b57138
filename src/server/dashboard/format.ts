/**
 * The small pieces every dashboard page is built of: times (UTC on the server, the viewer's zone
 * in the browser, UTC on hover), outcome and status badges that differ in text and shape, not only
 * in colour, and the page frame.
 */
import { html, type SafeHtml } from './html.js';

/** A time as the server writes it: UTC, in the `datetime` attribute and on hover; the script shows it in the viewer's zone. */
export function time(iso: string | null | undefined): SafeHtml {
  if (iso === null || iso === undefined || iso === '') return html`<span class="muted">—</span>`;
  const utc = `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
  return html`<time datetime="${iso}" title="${utc}">${utc}</time>`;
}

/** GO and NO-GO differ in words, in the mark before them (✔ / ✖) and in the badge's shape. */
export function outcomeBadge(outcome: 'GO' | 'NO-GO'): SafeHtml {
  return outcome === 'GO' ? html`<span class="badge go"><span aria-hidden="true">✔ </span>GO</span>` : html`<span class="badge nogo"><span aria-hidden="true">✖ </span>NO-GO</span>`;
}

/** A decision: GO or NO-GO once decided; pending (…) while a party owes its verdict; closed (—) once it no longer matters. */
export function decisionBadge(d: { readonly state?: 'pending' | 'decided' | 'closed'; readonly outcome: 'GO' | 'NO-GO'; readonly label?: string }): SafeHtml {
  if (d.state === 'pending') return statusBadge('pending', 'pending');
  if (d.state === 'closed') return statusBadge('not-required', d.label ?? `closed (${d.outcome})`);
  return outcomeBadge(d.outcome);
}

const CELL_MARKS: Record<string, string> = { met: '✔', missing: '○', failed: '✖', stale: '⟲', 'not-required': '—', pending: '…', overdue: '!' };

// Marks no font every system has would draw (⏸ is an empty box in Debian's Chromium): inline SVG.
const SVG_MARKS: Record<string, SafeHtml> = {
  waiting: html`<svg class="mark" viewBox="0 0 10 10" aria-hidden="true" focusable="false"><rect x="1.5" y="1" width="2.5" height="8"/><rect x="6" y="1" width="2.5" height="8"/></svg>`,
};

/** A status in words with its mark; the class colours it, the words and the mark carry it alone. */
export function statusBadge(status: string, words: string = status): SafeHtml {
  const svg = SVG_MARKS[status];
  if (svg !== undefined) return html`<span class="badge s-${status}">${svg} ${words}</span>`;
  return html`<span class="badge s-${status}"><span aria-hidden="true">${CELL_MARKS[status] ?? '•'} </span>${words}</span>`;
}

export function shortHash(hash: string | null): string {
  if (hash === null) return '—';
  return hash.startsWith('sha256:') ? `sha256:${hash.slice(7, 19)}…` : hash.length > 12 ? `${hash.slice(0, 12)}…` : hash;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export interface Frame {
  readonly title: string;
  /** data- attributes on <body> that the live script reads (program, seq, and when time alone next changes the page). */
  readonly live?: { readonly program?: string; readonly programs?: readonly string[]; readonly seq?: number; readonly nextChangeAt?: string | null };
  readonly crumbs?: SafeHtml;
  readonly evaluatedAt: string;
  readonly body: SafeHtml;
}

export function page(frame: Frame): string {
  const live = frame.live;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${frame.title} · cutover</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/app.css">
<script type="module" src="/dashboard/app.js"></script>
</head>
<body${live?.program === undefined ? '' : html` data-program="${live.program}"`}${live?.seq === undefined ? '' : html` data-seq="${live.seq}"`}${live?.programs === undefined ? '' : html` data-programs="${live.programs.join(' ')}"`}${live?.nextChangeAt == null ? '' : html` data-next-change="${live.nextChangeAt}"`}>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><nav aria-label="Breadcrumb"><a href="/">cutover</a>${frame.crumbs ?? ''}</nav><p class="live-state" id="live-state" role="status" aria-live="polite"></p></header>
<main id="main">
${frame.body}
</main>
<footer><p id="evaluated">Evaluated at ${time(frame.evaluatedAt)} from the ledger the API serves (<a href="/v1/programs">/v1/programs</a>). <a href="/notify/dead-letters">Undelivered notifications</a></p></footer>
</body>
</html>
`.text;
}
