/**
 * The record family of hand-kept cutover documents (decision records, mirrors, checkpoints,
 * status files), read from markdown: title, date, whether it says it mirrors another record, the
 * decision outcomes, the window, the blockers, the phase statuses and the named roles. Pure.
 */

export interface Located<T> {
  readonly line: number;
  readonly value: T;
}

/** A phase status as written, and its normal form. */
export interface PhaseClaim {
  readonly line: number;
  readonly phase: string;
  /** not-started | active | closed | complete, or the word lowercased when it is none of these. */
  readonly status: string;
  /** As written, e.g. "Not Started". */
  readonly word: string;
}

export interface RoleClaim {
  readonly line: number;
  /** e.g. "MemoryKernel incident commander". */
  readonly role: string;
  /** e.g. "MemoryKernel Producer On-Call Lead". */
  readonly title: string;
}

export interface RecordFacts {
  readonly title: string | null;
  /** YYYY-MM-DD from an `Updated:` / `Date:` line, else from the file name; null when undated. */
  readonly date: string | null;
  /** The record says it mirrors another ("Mirror" in its title, or "mirror record" in its text). */
  readonly mirror: boolean;
  /** Decision label (normalised) → outcome (GO / NO-GO…). */
  readonly outcomes: ReadonlyMap<string, Located<string> & { readonly label: string }>;
  readonly window: Located<string> | null;
  readonly blockers: readonly Located<string>[];
  /** Line of each section heading, by part, to point at when a part is missing on one side. */
  readonly sections: { readonly outcomes?: number; readonly window?: number; readonly blockers?: number; readonly phases?: number };
  readonly phases: readonly PhaseClaim[];
  readonly roles: readonly RoleClaim[];
}

const STATUS_WORDS = /(not[ -]started|in[ -]progress|active|started|closed|completed?|done|pending|blocked)/i;
/** "Phase 8: **Not Started** (…)", "Phase 8 status: Active", "| Phase 8 | Active |". */
const PHASE_LINE = new RegExp(`\\bPhase\\s+(\\d+[a-z]?)\\b(?:\\s+status)?\\s*(?::|\\||—|-|=)\\s*\\**\\s*${STATUS_WORDS.source}\\b`, 'i');

export function normalStatus(word: string): string {
  const w = word.toLowerCase().replace(/[ _]+/g, '-');
  if (w === 'not-started' || w === 'pending' || w === 'blocked') return 'not-started';
  if (w === 'active' || w === 'in-progress' || w === 'started') return 'active';
  if (w === 'closed') return 'closed';
  if (w === 'complete' || w === 'completed' || w === 'done') return 'complete';
  return w;
}

/** Blocker text compared as a set member: no markdown emphasis, case, or trailing punctuation. */
export function normalText(text: string): string {
  return text.replace(/[*`_]/g, '').replace(/\s+/g, ' ').replace(/[.:;]+$/, '').trim().toLowerCase();
}

const clean = (text: string) => text.replace(/\*\*/g, '').replace(/`/g, '').trim();

export function phaseClaims(lines: readonly string[]): PhaseClaim[] {
  const claims: PhaseClaim[] = [];
  lines.forEach((raw, i) => {
    const m = PHASE_LINE.exec(raw);
    if (m) claims.push({ line: i + 1, phase: m[1] as string, word: m[2] as string, status: normalStatus(m[2] as string) });
  });
  return claims;
}

export function parseRecord(path: string, lines: readonly string[]): RecordFacts {
  let title: string | null = null;
  let date: string | null = null;
  let mirror = false;
  const outcomes = new Map<string, Located<string> & { label: string }>();
  let window: Located<string> | null = null;
  const blockers: Located<string>[] = [];
  const roles: RoleClaim[] = [];
  const sections: { outcomes?: number; window?: number; blockers?: number; phases?: number } = {};
  let part: 'outcomes' | 'window' | 'blockers' | 'phases' | 'roles' | null = null;

  lines.forEach((raw, i) => {
    const line = i + 1;
    const heading = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(raw);
    if (heading) {
      const text = heading[2] as string;
      if (heading[1] === '#' && title === null) {
        title = clean(text);
        if (/\bmirror\b/i.test(text)) mirror = true;
      }
      part =
        /decision outcome|outcomes?$/i.test(text) ? 'outcomes'
        : /window/i.test(text) ? 'window'
        : /blocker/i.test(text) ? 'blockers'
        : /phase/i.test(text) && /status/i.test(text) ? 'phases'
        : /ownership|roles/i.test(text) ? 'roles'
        : null;
      if (part !== null && part !== 'roles') sections[part] ??= line;
      return;
    }
    if (/\bmirror record\b|\bmirrors?\s+(the\s+)?(record|file)\b/i.test(raw)) mirror = true;
    const dated = /^\s*(?:[-*]\s*)?(?:\*\*)?(?:updated|last updated|date|as of)(?:\*\*)?\s*:\s*(?:\*\*)?\s*(\d{4}-\d{2}-\d{2})/i.exec(raw);
    if (dated && date === null) date = dated[1] as string;

    if (part === 'outcomes') {
      const m = /^\s*(?:\d+\.|[-*])\s+(.+?)\s*:\s*\**\s*([A-Z][A-Z-]*(?: [A-Z-]+)*)\s*\**/.exec(raw);
      if (m) outcomes.set(normalText(m[1] as string), { line, label: clean(m[1] as string), value: m[2] as string });
    } else if (part === 'window') {
      const m = /^\s*[-*]\s+status\s*:\s*(.+)$/i.exec(raw);
      if (m && window === null) window = { line, value: clean(m[1] as string) };
    } else if (part === 'blockers') {
      // Top-level items only: the sub-bullets belong to the blocker above them.
      const m = /^(?:\d+\.|[-*])\s+(.+)$/.exec(raw);
      if (m) blockers.push({ line, value: clean(m[1] as string) });
    } else if (part === 'roles') {
      const m = /^\s*[-*]\s+(.+?)\s+role\s*:\s*(.+)$/i.exec(raw);
      if (m) roles.push({ line, role: clean(m[1] as string), title: clean(m[2] as string) });
    }
  });
  if (date === null) date = /(\d{4}-\d{2}-\d{2})/.exec(path.slice(path.lastIndexOf('/') + 1))?.[1] ?? null;
  return { title, date, mirror, outcomes, window, blockers, sections, phases: phaseClaims(lines), roles };
}
