/**
 * The record family of hand-kept cutover documents (decision records, mirrors, checkpoints,
 * status files), read from markdown: title, date, whether it says it mirrors another record, the
 * decision outcomes, the window, the blockers, the phase statuses, the named roles and the durations
 * claimed. Tables count like lines: a phase and its status in any two columns, blockers in a table. Pure.
 */
import { MEASURED_WORD, parseDurations } from './durations.js';

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
  /** Durations claimed for a phase or for the window ("two-week soak"), each with what it is claimed for. */
  readonly durations: readonly TimeClaim[];
}

export interface TimeClaim {
  readonly line: number;
  readonly phrase: string;
  readonly hours: number;
  /** The phase the duration is claimed for; null: the record's window. */
  readonly phase: string | null;
}

/** The words records use for a status, with their spellings ("IN PROGRESS", "in_progress", "Not-Started"). */
const STATUS_WORDS = /(not[ _-]started|in[ _-]progress|under[ _-]?way|ongoing|active|started|closed|completed?|done|finished|pending|blocked|planned)/i;
const S = STATUS_WORDS.source;
const EMPHASIS = '[*_`~]*';
/** "Phase 8: **Not Started** (…)", "Phase 8 status: Active", "| Phase 8 | Active |": the status right after the phase. */
const PHASE_NEXT = new RegExp(`\\bPhase\\s+(\\d+[a-z]?)\\b(?:\\s+status)?\\s*(?::|\\||—|–|-|=)\\s*${EMPHASIS}\\s*${S}\\b`, 'i');
/**
 * "Phase 5 soak window: **IN PROGRESS**", "Phase 3 (load tests) — *closed*": words between the phase
 * and its status. Then the status must end the clause, so "Phase 8 - pending bilateral GO" is no status.
 */
const PHASE_WORDS_BETWEEN = new RegExp(
  `\\bPhase\\s+(\\d+[a-z]?)\\b((?:(?!\\bphase\\s+\\d)[^|\\n]){1,60}?)(?::|—|–|\\s-|=)\\s*${EMPHASIS}\\s*${S}\\s*${EMPHASIS}\\s*(?=$|[(\\[.,;|—–]|-\\s)`,
  'i',
);
/** "Status: **Closed**" on its own line, under a heading that names one phase. */
const STATUS_LINE = new RegExp(`^\\s*(?:[-*]\\s+)?${EMPHASIS}status${EMPHASIS}\\s*:\\s*${EMPHASIS}\\s*${S}\\b`, 'i');
const LEADING_STATUS = new RegExp(`^[^A-Za-z]*${S}\\b`, 'i');
const PHASE_IN_CELL = /^(?:phase\s+)?(\d+[a-z]?)\b/i;
const MENTIONS_PHASE = /phase/i;
const PHASE_ANYWHERE = /\bPhase\s+(\d+[a-z]?)\b/i;

export function normalStatus(word: string): string {
  const w = word.toLowerCase().replace(/[ _-]+/g, '-');
  if (w === 'not-started' || w === 'pending' || w === 'blocked' || w === 'planned') return 'not-started';
  if (w === 'active' || w === 'in-progress' || w === 'started' || w === 'ongoing' || w === 'underway' || w === 'under-way') return 'active';
  if (w === 'closed') return 'closed';
  if (w === 'complete' || w === 'completed' || w === 'done' || w === 'finished') return 'complete';
  return w;
}

/** A status word standing alone in a table cell or a value ("**Done** ✅", "in_progress"), or null. */
export function statusWord(text: string): string | null {
  const m = LEADING_STATUS.exec(text.trim());
  return m ? (m[1] as string) : null;
}

/** Blocker text compared as a set member: no markdown emphasis, case, or trailing punctuation. */
export function normalText(text: string): string {
  return text.replace(/[*`_]/g, '').replace(/\s+/g, ' ').replace(/[.:;]+$/, '').trim().toLowerCase();
}

const clean = (text: string) => text.replace(/\*\*/g, '').replace(/`/g, '').trim();

/** The cells of a markdown table row, or null when the line is not one. */
export function tableCells(line: string): string[] | null {
  const t = line.trim();
  if (!t.startsWith('|')) return null;
  return t.replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
}

const isSeparatorRow = (cells: readonly string[]) => cells.every((c) => /^:?-+:?$/.test(c));

/** A markdown table's header: which column holds what, by the words heading it. */
export interface TableHeader {
  readonly cells: readonly string[];
  /** The first column whose heading matches. */
  column(test: RegExp): number;
}

function header(cells: readonly string[]): TableHeader {
  return { cells, column: (test) => cells.findIndex((c) => test.test(c)) };
}

/**
 * Walk the lines of a markdown text, knowing for each one the table it is a row of (its header), if
 * any: header rows and separator rows are not given to `row`.
 */
export function eachLine(lines: readonly string[], visit: (raw: string, index: number, table: { header: TableHeader; cells: string[] } | null) => void): void {
  let current: TableHeader | null = null;
  lines.forEach((raw, i) => {
    const cells = tableCells(raw);
    if (cells === null) {
      current = null;
      visit(raw, i, null);
      return;
    }
    if (current === null) {
      current = header(cells);
      return;
    }
    if (isSeparatorRow(cells)) return;
    visit(raw, i, { header: current, cells });
  });
}

/** A phase claim on one line (outside tables), by the two line forms. */
function linePhase(raw: string): { phase: string; word: string } | null {
  if (!MENTIONS_PHASE.test(raw)) return null; // most lines: one cheap test instead of two patterns
  const m = PHASE_NEXT.exec(raw) ?? PHASE_WORDS_BETWEEN.exec(raw);
  if (m === null) return null;
  return { phase: m[1] as string, word: (m[m.length - 1] as string).trim() };
}

/** A phase claim in a table row: the phase in its column (or anywhere in the row), the status in the status column. */
function rowPhase(t: { header: TableHeader; cells: string[] }, raw: string): { phase: string; word: string } | null {
  const statusCol = t.header.column(/\b(status|state)\b/i);
  const phaseCol = t.header.column(/\bphase\b/i);
  const phase = (phaseCol >= 0 ? PHASE_IN_CELL.exec(t.cells[phaseCol] ?? '')?.[1] : undefined) ?? PHASE_ANYWHERE.exec(raw)?.[1];
  if (phase === undefined) return null;
  if (statusCol >= 0) {
    const word = statusWord(clean(t.cells[statusCol] ?? '').replace(/[*_]/g, ''));
    return word === null ? null : { phase, word };
  }
  return linePhase(raw);
}

export function phaseClaims(lines: readonly string[]): PhaseClaim[] {
  const claims: PhaseClaim[] = [];
  let headingPhase: string | null = null;
  eachLine(lines, (raw, i, table) => {
    const heading = /^#{1,6}\s+(.+)$/.exec(raw);
    if (heading) {
      const named = [...(heading[1] as string).matchAll(/\bPhase\s+(\d+[a-z]?)\b/gi)];
      headingPhase = named.length === 1 ? ((named[0] as RegExpMatchArray)[1] as string) : null;
    }
    let found = table === null ? linePhase(raw) : rowPhase(table, raw);
    if (found === null && table === null && headingPhase !== null && heading === null) {
      const m = STATUS_LINE.exec(raw);
      if (m) found = { phase: headingPhase, word: m[1] as string };
    }
    if (found) claims.push({ line: i + 1, phase: found.phase, word: found.word, status: normalStatus(found.word) });
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
  const phases = phaseClaims(lines);
  const phaseAt = new Map(phases.map((c) => [c.line, c.phase]));
  const durations: TimeClaim[] = [];
  let headingPhase: string | null = null;

  eachLine(lines, (raw, i, table) => {
    const line = i + 1;
    const heading = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(raw);
    if (heading) {
      const text = heading[2] as string;
      const named = [...text.matchAll(/\bPhase\s+(\d+[a-z]?)\b/gi)];
      headingPhase = named.length === 1 ? ((named[0] as RegExpMatchArray)[1] as string) : null;
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
      if (MEASURED_WORD.test(raw)) durations.push(...claimedDurations(raw, line, phaseAt.get(line) ?? headingPhase, null));
      return;
    }
    if (MEASURED_WORD.test(raw)) {
      const mentioned = [...raw.matchAll(/\bPhase\s+(\d+[a-z]?)\b/gi)];
      durations.push(...claimedDurations(raw, line, phaseAt.get(line) ?? (mentioned.length === 1 ? ((mentioned[0] as RegExpMatchArray)[1] as string) : part === 'window' ? null : headingPhase), part));
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
    } else if (part === 'blockers' && table !== null) {
      const value = blockerCell(table.header, table.cells);
      if (value !== null) blockers.push({ line, value });
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
  return { title, date, mirror, outcomes, window, blockers, sections, phases, roles, durations };
}

/** The durations of a line, claimed for `phase`; with no phase, only in the window's section (for the window). */
function claimedDurations(raw: string, line: number, phase: string | null, part: string | null): TimeClaim[] {
  if (phase === null && part !== 'window') return [];
  return parseDurations(raw).map((d) => ({ line, phrase: d.phrase, hours: d.hours, phase }));
}

/** A blocker row of a table: the column headed blocker / item / description…, else the first cell that is not a number. */
function blockerCell(h: TableHeader, cells: readonly string[]): string | null {
  const col = h.column(/blocker|item|description|issue|title|summary|what/i);
  const text = col >= 0 ? cells[col] : cells.find((c) => !/^#?\s*\d*\.?$/.test(c));
  return text === undefined || text === '' ? null : clean(text);
}
