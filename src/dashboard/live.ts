/**
 * The dashboard's only script. The server renders every page whole, readable without it; this
 * makes it live: it follows each program's event stream (server-sent events), fetches the page
 * again when a line lands and swaps in the sections that changed, ticks the deadline countdowns,
 * shows times in the viewer's zone (UTC stays on hover), and makes the copy buttons work.
 */

const zoned = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });

function localTimes(root: ParentNode): void {
  for (const t of root.querySelectorAll<HTMLTimeElement>('time[datetime]')) {
    const when = new Date(t.dateTime);
    if (!Number.isNaN(when.getTime())) t.textContent = zoned.format(when);
  }
}

/** 1h 5m 3s, as the CLI writes durations (seconds only under an hour). */
function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [d > 0 ? `${d}d` : '', h > 0 ? `${h}h` : '', m > 0 ? `${m}m` : '', d === 0 && h === 0 ? `${s % 60}s` : ''].filter((p) => p !== '');
  return parts.length === 0 ? '0s' : parts.join(' ');
}

function tick(): void {
  const now = Date.now();
  for (const el of document.querySelectorAll<HTMLElement>('.countdown[data-due]')) {
    const due = Date.parse(el.dataset.due ?? '');
    if (Number.isNaN(due)) continue;
    const left = due - now;
    el.textContent = left >= 0 ? `due in ${duration(left)}` : `overdue by ${duration(-left)}`;
    el.classList.toggle('late', left < 0);
  }
}

function enableCopy(root: ParentNode): void {
  for (const button of root.querySelectorAll<HTMLButtonElement>('button.copy[hidden]')) button.hidden = false;
}

document.addEventListener('click', (event) => {
  const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button.copy');
  if (!button) return;
  const text = button.dataset.copy ?? '';
  const done = (words: string) => {
    button.textContent = words;
    setTimeout(() => (button.textContent = 'Copy'), 2000);
  };
  navigator.clipboard.writeText(text).then(
    () => done('Copied'),
    () => done('Copy failed: select the command'),
  );
});

function say(words: string): void {
  const state = document.getElementById('live-state');
  if (state) state.textContent = words;
}

/** Fetch this page again and swap in each live section whose content changed (open <details> stay open). */
async function refresh(): Promise<void> {
  const response = await fetch(location.href, { headers: { accept: 'text/html' }, cache: 'no-store' });
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
  for (const next of fresh.querySelectorAll<HTMLElement>('[data-live][id]')) {
    const old = document.getElementById(next.id);
    if (!old || old.innerHTML === next.innerHTML) continue;
    for (const d of old.querySelectorAll<HTMLDetailsElement>('details[id][open]')) next.querySelector<HTMLDetailsElement>(`#${CSS.escape(d.id)}`)?.setAttribute('open', '');
    localTimes(next);
    enableCopy(next);
    old.replaceWith(document.importNode(next, true));
  }
  for (const id of ['evaluated', 'seq']) {
    const next = fresh.getElementById(id);
    const old = document.getElementById(id);
    if (next && old) {
      old.innerHTML = next.innerHTML;
      localTimes(old);
    }
  }
  const seq = fresh.body.dataset.seq;
  if (seq !== undefined) document.body.dataset.seq = seq;
  tick();
  say(`Updated${seq === undefined ? '' : ` to seq ${seq}`} at ${zoned.format(new Date())}`);
}

let pending: ReturnType<typeof setTimeout> | undefined;
function soon(): void {
  clearTimeout(pending);
  pending = setTimeout(() => void refresh().catch(() => say('Could not refresh; the next event will try again')), 100);
}

/** Follow one program's stream from the line after the one this page shows. */
function follow(program: string, seq: number): void {
  const stream = new EventSource(`/v1/programs/${encodeURIComponent(program)}/events/stream?from=${seq + 1}`);
  stream.addEventListener('line', soon);
  stream.addEventListener('open', () => say('Live: following the ledger'));
  stream.addEventListener('error', () => say('Reconnecting to the event stream…'));
}

function start(): void {
  localTimes(document);
  enableCopy(document);
  tick();
  setInterval(tick, 1000);
  const body = document.body.dataset;
  if (body.program !== undefined) follow(body.program, Number(body.seq ?? '0'));
  for (const row of document.querySelectorAll<HTMLElement>('tr[data-program][data-seq]')) follow(row.dataset.program!, Number(row.dataset.seq));
}

start();
