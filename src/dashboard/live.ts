/**
 * The dashboard's only script. The server renders every page whole, readable without it; this
 * makes it live: it follows the heads of the programs on the page over one stream (server-sent
 * events), fetches the page again when one moves and swaps in the sections that changed, ticks the
 * deadline countdowns, shows times in the viewer's zone (UTC stays on hover), and makes the copy
 * buttons work.
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
  const nextChange = fresh.body.dataset.nextChange;
  if (nextChange === undefined) delete document.body.dataset.nextChange;
  else document.body.dataset.nextChange = nextChange;
  refreshWhenTimeMovesIt();
  tick();
  say(`Live: updated${seq === undefined ? '' : ` to seq ${seq}`} at ${zoned.format(new Date())}`);
}

/**
 * Time alone changes a page with no new line (a deadline due soon becomes overdue): the server names
 * that time (`data-next-change`), and the page is fetched again after it. The server draws a page at
 * most once per 5 s bucket (its page cache), so ask once that bucket has passed.
 */
const PAGE_CACHE_MS = 5_000;
let timeDriven: ReturnType<typeof setTimeout> | undefined;
function refreshWhenTimeMovesIt(): void {
  clearTimeout(timeDriven);
  const at = Date.parse(document.body.dataset.nextChange ?? '');
  if (Number.isNaN(at)) return;
  const wait = Math.min(Math.max(at - Date.now(), 0) + PAGE_CACHE_MS + 500, 86_400_000);
  timeDriven = setTimeout(() => void refresh().catch(() => say('Could not refresh; trying again at the next event')), wait);
}

let pending: ReturnType<typeof setTimeout> | undefined;
function soon(): void {
  clearTimeout(pending);
  pending = setTimeout(() => void refresh().catch(() => say('Could not refresh; the next event will try again')), 100);
}

/** The seq this page shows for `program` (its row on the overview, the page's own on a program page). */
function shownSeq(program: string): number {
  const row = document.querySelector<HTMLElement>(`tr[data-program="${CSS.escape(program)}"]`);
  return Number(row?.dataset.seq ?? (document.body.dataset.program === program ? document.body.dataset.seq : 0) ?? 0);
}

/**
 * Follow every program on the page over ONE stream of heads (a browser allows six connections per
 * host), refresh when one moved past what the page shows, and say truthfully whether the page is
 * live: not when the connection dropped, the endpoint is gone, or nothing (not even a keep-alive)
 * came for 40 s. A stream that failed for good is opened again after 5 s.
 */
function follow(all: readonly string[]): void {
  // The first programs whose ids fit one request line (the server takes up to 500); the words say how many.
  const programs: string[] = [];
  let length = 0;
  for (const id of all) {
    length += id.length + 1;
    if (programs.length === 500 || length > 8000) break;
    programs.push(id);
  }
  let source: EventSource | undefined;
  let silence: ReturnType<typeof setTimeout> | undefined;
  const live = `Live: following ${all.length === 1 ? 'the ledger' : programs.length === all.length ? `${all.length} programs` : `the first ${programs.length} of ${all.length} programs`}`;
  const heard = () => {
    clearTimeout(silence);
    silence = setTimeout(() => down('Not live: no word from the server for 40 s; reconnecting…'), 40_000);
  };
  const down = (words: string) => {
    say(words);
    clearTimeout(silence);
    source?.close();
    setTimeout(open, 5_000);
  };
  const open = () => {
    source = new EventSource(`/v1/streams/heads?programs=${programs.map(encodeURIComponent).join(',')}`);
    source.addEventListener('open', () => {
      say(live);
      heard();
    });
    source.addEventListener('keep-alive', heard);
    source.addEventListener('head', (event) => {
      heard();
      const { program, seq } = JSON.parse((event as MessageEvent<string>).data) as { program: string; seq: number };
      if (seq > shownSeq(program)) soon();
    });
    source.addEventListener('error', () => {
      if (source?.readyState === EventSource.CLOSED) down('Not live: the event stream is unavailable; trying again…');
      else say('Not live: reconnecting to the server…');
    });
  };
  open();
}

function start(): void {
  localTimes(document);
  enableCopy(document);
  tick();
  setInterval(tick, 1000);
  refreshWhenTimeMovesIt();
  const body = document.body.dataset;
  const programs = body.program !== undefined ? [body.program] : [...document.querySelectorAll<HTMLElement>('tr[data-program]')].map((row) => row.dataset.program!);
  if (programs.length > 0) follow(programs);
}

start();
