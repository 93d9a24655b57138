/**
 * One event of a program, in full: what a matrix cell or a verdict links to. Evidence shows what it
 * rests on: the commit, the file hashes, the run's duration and each command's exit code.
 */
import type { CommandRun, LedgerEvent, RunData } from '../../domain/events.js';
import { html, type SafeHtml } from './html.js';
import { page, time } from './format.js';

export interface EventPageModel {
  readonly program: { readonly id: string; readonly title: string };
  readonly event: LedgerEvent;
  readonly words: string;
  readonly roleTitle: string;
  /** Who posted the line to this server, as kept beside the ledger (null: not known). */
  readonly postedBy?: PostedBy | null;
  readonly evaluatedAt: string;
}

export interface PostedBy {
  readonly issuer: string | null;
  readonly subject: string | null;
  /** bearer, session, token or anonymous */
  readonly via: string;
  readonly at: string | null;
}

export function eventPage(m: EventPageModel): string {
  const e = m.event;
  const id = m.program.id;
  return page({
    title: `${id} seq ${e.seq}`,
    crumbs: html` / <a href="/programs/${id}">${id}</a> / <a href="/programs/${id}/events/${e.seq}" aria-current="page">seq ${e.seq}</a>`,
    evaluatedAt: m.evaluatedAt,
    body: html`<h1>Seq ${e.seq}: <code>${e.type}</code></h1>
<p>${m.words}</p>
<dl class="facts">
<dt>Time</dt><dd>${time(e.at)}</dd>
<dt>Signed by</dt><dd>${m.roleTitle} <span class="muted">(${e.actor})</span></dd>
<dt>Posted by</dt><dd>${postedBy(m.postedBy ?? null)}</dd>
<dt>Signature</dt><dd><span aria-hidden="true">✔ </span>verified by the server on load (chain, hash, Ed25519 signature, key in force, authority, policy) with key <code class="sha">${e.sig.key}</code></dd>
<dt>Hash</dt><dd><code class="sha">${e.hash}</code></dd>
<dt>Previous</dt><dd><code class="sha">${e.prev ?? 'none (first event)'}</code></dd>
</dl>
${evidenceFacts(e)}
<details><summary>The ledger line</summary><pre class="raw"><code>${JSON.stringify(e, null, 2)}</code></pre></details>
<p><a href="/programs/${id}#event-${e.seq}">Back to the timeline</a></p>`,
  });
}

function postedBy(p: PostedBy | null): SafeHtml {
  if (p === null) return html`<span class="muted">not known (kept only for lines posted to this server since it records who posts)</span>`;
  const when = p.at === null ? html`` : html` <span class="muted">at ${time(p.at)}</span>`;
  if (p.subject !== null) return html`<code>${p.subject}</code> of <code>${p.issuer ?? ''}</code>${p.via === 'session' ? ' (signed in)' : ''}${when} <span class="muted">(kept by the server beside the line, not signed)</span>`;
  return html`${p.via === 'token' ? 'a static bearer token' : 'no identity (anonymous)'}${when}`;
}

function evidenceFacts(e: LedgerEvent): SafeHtml {
  if (e.type !== 'evidence.added') return html``;
  const d = e.data;
  const rows: SafeHtml[] = [
    html`<dt>Party</dt><dd>${d.party}</dd>`,
    html`<dt>Kind</dt><dd>${d.kind}</dd>`,
    html`<dt>Result</dt><dd>${d.result === 'pass' ? 'PASS' : 'FAIL'}</dd>`,
    html`<dt>Target</dt><dd><code>${d.target.tag}</code> <code class="sha">${d.target.sha}</code></dd>`,
  ];
  switch (d.kind) {
    case 'handoff-payload':
      rows.push(html`<dt>Payload</dt><dd><code>${d.file}</code> <code class="sha">${d.sha256}</code> (version ${d.payloadVersion})</dd>`);
      break;
    case 'repin':
      rows.push(html`<dt>Commit</dt><dd><code class="sha">${d.commit}</code></dd>`);
      rows.push(html`<dt>Files</dt><dd><ul>${d.files.map((f) => html`<li><code>${f.path}</code> blob <code class="sha">${f.blob}</code></li>`)}</ul></dd>`);
      break;
    case 'artifact':
      rows.push(html`<dt>Artifact</dt><dd><code>${d.file}</code> <code class="sha">${d.sha256}</code> (${d.bytes} bytes)</dd>`);
      break;
    case 'rollback-drill':
    case 'rollback-execution':
      rows.push(html`<dt>Rollback target</dt><dd><code>${d.rollbackTarget.tag}</code> <code class="sha">${d.rollbackTarget.sha}</code>, verdict ${d.verdict}</dd>`);
      break;
    case 'verification-run':
      break;
  }
  const run = 'run' in d ? d.run : null;
  return html`<h2>Evidence</h2><dl class="facts">${rows}<dt>Summary</dt><dd>${d.summary}</dd></dl>${run === null ? '' : runFacts(run)}`;
}

function runFacts(run: RunData): SafeHtml {
  return html`<h2>Run</h2><dl class="facts"><dt>Suite</dt><dd>${run.suite} on ${run.host}</dd>
<dt>Commit</dt><dd><code class="sha">${run.head ?? 'not a git checkout'}</code></dd>
<dt>Started</dt><dd>${time(run.startedAt)}</dd><dt>Duration</dt><dd>${seconds(run.durationMs)}</dd><dt>Passed</dt><dd>${run.passed ? 'yes' : 'no'}</dd>
${run.skipped.length === 0 ? '' : html`<dt>Skipped</dt><dd>${run.skipped.join(', ')}</dd>`}</dl>
<table class="stack"><caption>Commands</caption><thead><tr><th scope="col">Command</th><th scope="col">Exit code</th><th scope="col">Duration</th><th scope="col">stdout</th><th scope="col">stderr</th></tr></thead>
<tbody>${run.commands.map((c) => commandRow(c))}</tbody></table>`;
}

function commandRow(c: CommandRun): SafeHtml {
  const exit = c.timedOut ? 'timed out' : c.signal !== null ? `signal ${c.signal}` : String(c.exitCode);
  return html`<tr><th scope="row" data-label="Command"><code>${c.id}</code>: <code>${c.run}</code></th><td data-label="Exit code">${exit}</td><td data-label="Duration">${seconds(c.durationMs)}</td><td data-label="stdout"><code class="sha">${c.stdout.sha256}</code> (${c.stdout.bytes} bytes)</td><td data-label="stderr"><code class="sha">${c.stderr.sha256}</code> (${c.stderr.bytes} bytes)</td></tr>`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
