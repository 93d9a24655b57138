/**
 * What one file claims, read from its text alone: the commit ids it names, the tag/SHA pairs, the
 * machine paths, and (for markdown) the record it is. Pure: no git, no fs; the audit checks the
 * claims against the repositories afterwards, so a file's facts can be cached by its blob id.
 *
 * Ordinary hex is not a commit claim: UUIDs, CSS colours, `0x` numbers and anything on a line or
 * under a key that names a content hash (sha256, md5, checksum, digest, integrity…) are skipped,
 * and a short id (7–12 hex) counts only with a digit and a letter, in a line or table column that
 * names a commit.
 */
import { LineCounter, parseDocument, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import { objectRecordFacts } from './objects.js';
import { parseRecord, phaseClaims, tableCells, type PhaseClaim, type RecordFacts } from './record.js';

export interface HexMention {
  readonly line: number;
  /** Lowercase hex as written. */
  readonly hex: string;
}

/** A release tag and a commit id claimed to belong together. */
export interface PairClaim {
  readonly line: number;
  readonly tag: string;
  readonly sha: string;
  /** 'line': on one line or table row; 'object': one JSON/YAML object. */
  readonly via: 'line' | 'object';
  /** For 'object': the JSON Pointers of the tag and of the SHA (a pin file's shape, for --suggest). */
  readonly pointers?: { readonly tag: string; readonly sha: string };
}

export interface PathMention {
  readonly line: number;
  readonly path: string;
}

export interface FileFacts {
  /** 40-hex ids that claim to be git objects. */
  readonly fullShas: readonly HexMention[];
  /** 7–12 hex ids in a commit context. */
  readonly shortShas: readonly HexMention[];
  readonly pairs: readonly PairClaim[];
  readonly paths: readonly PathMention[];
  /** Phase statuses stated anywhere in the file. */
  readonly phases: readonly PhaseClaim[];
  /** The file's date (YYYY-MM-DD), from an `Updated:` line or its name; null when undated. */
  readonly date: string | null;
  /** Contract versions named (`service.v3`), once per mention. */
  readonly contracts: readonly string[];
  /** Markdown only: the record family's parts (outcomes, blockers, window, phases, roles). */
  readonly record: RecordFacts | null;
}

/** Does this token name a release tag? Known tags of the audited repositories, and `v1.2.3`-style names. */
export type TagPredicate = (token: string) => boolean;

const CONTENT_HASH = /(?<![a-z0-9])(sha-?1|sha-?224|sha-?256|sha-?384|sha-?512|md5|checksum|digest|integrity|fingerprint|etag|blob|tree|hash(es)?|uuid|guid|color|colour)(?![a-z0-9])/i;
const COMMIT_CONTEXT = /(?<![a-z0-9])(commit(s|ted)?|sha|revision|rev|cherry-pick(ed)?|fixup|hotfix|merged?)(?![a-z0-9])/i;
const PREFIXED_HASH = /(sha-?\d+|md5)[:=-]\s*[0-9a-f]+/gi;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const COLOUR_OR_NUMBER = /(#|0x)[0-9a-f]+/gi;
const URL = /[a-z][a-z0-9+.-]*:\/\/[^\s)<>"'`]+/gi;
const HEX_TOKEN = /(?<![0-9a-z_./-])[0-9a-f]{7,40}(?![0-9a-z_/-])/g;
const CONTRACT = /(?<![\w.-])[a-z][a-z0-9_-]*\.v\d+(?![\w.-])/g;
const RELEASE_TAG = /^v\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;
/** A table column of tags: "tag", "release tag", "release", "version tag". */
const TAG_HEADER = /^(?:release\s*)?tags?$|^release$|^version\s*tag$/i;
const TAG_TOKEN = /[A-Za-z0-9][\w.+/-]*[\w]/g;
const ABSOLUTE_PATH = /(?<![\w.~/\\-])(?:\/(?:Users|home)\/[^\s`'"<>)\]|,;]+|[A-Za-z]:\\{1,2}[^\s`'"<>)\]|,;]*)/g;

/**
 * Ids every git repository knows that name no commit: the null SHA (a workflow's `before:` on a new
 * branch, a deleted ref), the empty tree and the empty blob. Written in a record, they claim nothing.
 */
const WELL_KNOWN_IDS = ['0'.repeat(40), '4b825dc642cb6eb9a060e54bf8d69288fbee4904', 'e69de29bb2d1d64e6d04bc3d0d5d7bed2da3d1b3'];
const isWellKnown = (hex: string) => WELL_KNOWN_IDS.some((id) => id.startsWith(hex));

export function looksLikeReleaseTag(token: string): boolean {
  return RELEASE_TAG.test(token);
}

/** Blank out what looks like hex and is not a commit: same length, so columns stay put. */
function maskOrdinaryHex(line: string, repoNames: readonly string[]): string {
  const blank = (s: string) => ' '.repeat(s.length);
  return line
    .replace(PREFIXED_HASH, blank)
    .replace(UUID, blank)
    .replace(COLOUR_OR_NUMBER, blank)
    .replace(URL, (url) => (repoNames.some((n) => url.toLowerCase().includes(`/${n.toLowerCase()}`)) ? url.replace(/[^0-9a-f]/gi, ' ') : blank(url)));
}

const hasDigitAndLetter = (hex: string) => /[0-9]/.test(hex) && /[a-f]/.test(hex);

export interface ScanContext {
  readonly isTag: TagPredicate;
  /** Names of the audited repositories: a URL naming one of them may carry a claim about it. */
  readonly repoNames: readonly string[];
}

export function scanFile(path: string, text: string, ctx: ScanContext): FileFacts {
  const lines = text.split(/\r?\n/);
  const fullShas: HexMention[] = [];
  const shortShas: HexMention[] = [];
  const pairs: PairClaim[] = [];
  const paths: PathMention[] = [];
  let table: { header: readonly string[]; commit: Set<number>; hash: Set<number>; tag: Set<number> } | null = null; // the current table's header: which columns name a commit, a content hash, a tag

  lines.forEach((raw, index) => {
    const line = index + 1;
    for (const m of raw.matchAll(ABSOLUTE_PATH)) paths.push({ line, path: m[0] });

    const cells = tableCells(raw);
    if (cells === null) table = null;
    else if (table === null) {
      // The first row of a table is its header.
      const columns = (test: (c: string) => boolean) => new Set(cells.flatMap((c, i) => (test(c) ? [i] : [])));
      table = {
        header: cells,
        hash: columns((c) => CONTENT_HASH.test(c)),
        commit: columns((c) => COMMIT_CONTEXT.test(c) && !CONTENT_HASH.test(c)),
        tag: columns((c) => TAG_HEADER.test(c) && !COMMIT_CONTEXT.test(c) && !CONTENT_HASH.test(c)),
      };
    }
    const masked = maskOrdinaryHex(raw, ctx.repoNames);
    // A line about content hashes names no commit, unless it also says "commit" (as in "commit hash").
    if (CONTENT_HASH.test(masked) && !COMMIT_CONTEXT.test(masked.replace(CONTENT_HASH, ' '))) return;

    const column = (at: number) => raw.slice(0, at).split('|').length - 2;
    const lineHexes: string[] = [];
    for (const m of masked.matchAll(HEX_TOKEN)) {
      const hex = m[0];
      const cell = cells === null ? -1 : column(m.index ?? 0);
      if ((table !== null && table.hash.has(cell)) || isWellKnown(hex)) continue;
      if (hex.length === 40) {
        fullShas.push({ line, hex });
        lineHexes.push(hex);
      } else if (hex.length <= 12 && hasDigitAndLetter(hex) && (COMMIT_CONTEXT.test(masked) || (table !== null && table.commit.has(cell)))) {
        shortShas.push({ line, hex });
        lineHexes.push(hex);
      }
    }
    if (lineHexes.length === 0) return;
    // A table with a tag column: its cell is the tag, whatever else the row names; otherwise any token that is a tag.
    // A column headed "Release" may hold a name ("3.0 GA"): there only a tag counts; under "Tag", any value.
    const tagCells =
      table !== null && cells !== null
        ? [...table.tag].flatMap((i) => {
            const value = /^[`*_]*([^\s`*_|]+)/.exec(cells[i] ?? '')?.[1];
            return value !== undefined && (/tag/i.test(table?.header[i] ?? '') ? /[\w]/.test(value) : ctx.isTag(value)) ? [value] : [];
          })
        : [];
    const tags = tagCells.length > 0 ? tagCells : [...raw.matchAll(TAG_TOKEN)].map((m) => m[0]).filter((t) => ctx.isTag(t));
    // One tag and one id on a line (or row) belong together; several pair up in order when the counts match.
    if (tags.length > 0 && tags.length === lineHexes.length) tags.forEach((tag, i) => pairs.push({ line, tag, sha: lineHexes[i] as string, via: 'line' }));
  });

  const doc = /\.(json|ya?ml)$/i.test(path) ? parseObjects(text) : null;
  if (doc !== null) pairs.push(...objectPairs(doc, pairs));
  const record = /\.(md|markdown)$/i.test(path) ? parseRecord(path, lines) : doc === null ? null : objectRecord(doc, path);
  const date = record?.date ?? /(\d{4}-\d{2}-\d{2})/.exec(path.slice(path.lastIndexOf('/') + 1))?.[1] ?? null;
  const contracts = [...text.matchAll(CONTRACT)].map((m) => m[0]);
  return { fullShas, shortShas, pairs, paths, phases: record?.phases ?? phaseClaims(lines), date, contracts, record };
}

const TAG_KEY = /(^|[_-])tag$|^tag|release_?tag|version_?tag|^release$/i;
const SHA_KEY = /(^|[_-])(commit|sha|revision|rev)([_-]|$)|commit_?sha|commit_?id|^commit$|^sha$/i;

interface Parsed {
  readonly doc: Document.Parsed;
  readonly counter: LineCounter;
}

/** A JSON or YAML file as a document with line numbers; null when it does not parse. */
function parseObjects(text: string): Parsed | null {
  const counter = new LineCounter();
  try {
    const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false, strict: false });
    return doc.errors.length > 0 ? null : { doc, counter };
  } catch {
    return null;
  }
}

/** `{ "release_tag": "v3.0.0", "commit_sha": "…" }` in any JSON or YAML object, however deep (arrays of them included). */
function objectPairs({ doc, counter }: Parsed, already: readonly PairClaim[]): PairClaim[] {
  const found: PairClaim[] = [];
  const pointer = (path: readonly string[], key: string) => [...path, key].map((k) => `/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  const visit = (node: unknown, path: readonly string[]): void => {
    if (isMap(node)) {
      let tag: { value: string; key: string } | null = null;
      let sha: { value: string; line: number; key: string } | null = null;
      for (const item of node.items) {
        if (!isPair(item) || !isScalar(item.key) || !isScalar(item.value)) {
          if (isPair(item)) visit(item.value, [...path, String(isScalar(item.key) ? item.key.value : '')]);
          continue;
        }
        const key = String(item.key.value);
        const value = item.value.value;
        if (typeof value !== 'string') continue;
        if (TAG_KEY.test(key) && !SHA_KEY.test(key)) tag = { value, key };
        else if (SHA_KEY.test(key) && !CONTENT_HASH.test(key) && /^[0-9a-f]{7,40}$/.test(value) && !isWellKnown(value))
          sha = { value, key, line: counter.linePos((item.value as Node).range?.[0] ?? 0).line };
      }
      if (tag !== null && sha !== null) {
        const claim = { line: sha.line, tag: tag.value, sha: sha.value, via: 'object' as const, pointers: { tag: pointer(path, tag.key), sha: pointer(path, sha.key) } };
        if (!already.some((p) => p.line === claim.line && p.tag === claim.tag && p.sha === claim.sha)) found.push(claim);
      }
    } else if (isSeq(node)) node.items.forEach((item, i) => visit(item, [...path, String(i)]));
  };
  visit(doc.contents, []);
  return found;
}

/** A JSON or YAML file read as a record: null unless it has a title, blockers or phase statuses. */
function objectRecord({ doc, counter }: Parsed, path: string): RecordFacts | null {
  return objectRecordFacts(doc.contents, (node) => counter.linePos(node?.range?.[0] ?? 0).line, path);
}
