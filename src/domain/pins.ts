/**
 * The consumer's atomic repin, checked: one commit changes every file of the pin set, and at that
 * commit every file says exactly what the current target is. Pure: the files come in as data.
 */
import { parseEnv } from 'node:util';
import { compileLinePattern } from '../program/line-pattern.js';
import { smolToml, yamlParser } from '../program/text-parsers.js';
import type { PartyDefinition, PinDefinition, PinValueName } from '../program/schema.js';
import type { TargetDefinition } from '../program/schema.js';

/** A file as it is at the repin commit (null: it does not exist there). */
export interface FileAtCommit {
  readonly blob: string;
  readonly text: string;
  readonly sha256: string;
}

export interface RepinFacts {
  readonly commit: string;
  /** Paths the commit changes (against its first parent). */
  readonly changed: readonly string[];
  /** Every file the pin set names (pinned files and the files their hashes are recorded in). */
  readonly files: Readonly<Record<string, FileAtCommit | null>>;
  /**
   * The blob id of each `same_as_producer` file in the producer's repository at the target commit
   * (null: no such file there); absent when the producer's repository was not read.
   */
  readonly producerBlobs?: Readonly<Record<string, string | null>>;
}

/** A pin-set file that must be byte-identical to a producer file: equal git blob ids mean equal bytes. */
export interface SameAsProducer {
  readonly path: string;
  readonly producerPath: string;
  readonly blob: string;
}

export interface RepinCheck {
  readonly problems: readonly string[];
  /** The pin-set files with their blob ids at the commit. */
  readonly files: readonly { readonly path: string; readonly blob: string }[];
  /** The files checked against the producer's, as the event records them (empty when no pin asks). */
  readonly sameAsProducer: readonly SameAsProducer[];
  /** Pinned files the commit does not change (a repin that is not atomic); empty for a recorded repin. */
  readonly unchanged: readonly string[];
}

/** The producer files the pin set must match, by consumer path. */
export function producerCopies(pins: readonly PinDefinition[]): { path: string; producerPath: string }[] {
  return pins.flatMap((p) => (p.same_as_producer === undefined ? [] : [{ path: p.file, producerPath: p.same_as_producer }]));
}

/** Every path whose content the check needs: the pinned files and the JSON files hashes are kept in. */
export function pinSetPaths(pins: readonly PinDefinition[]): string[] {
  const paths = new Set<string>();
  for (const pin of pins) {
    paths.add(pin.file);
    if ('sha256_at' in pin) paths.add(pin.sha256_at.file);
  }
  return [...paths];
}

export function checkRepin(party: PartyDefinition, target: TargetDefinition, facts: RepinFacts): RepinCheck {
  const pins = party.pins ?? [];
  const problems: string[] = [];
  const pinned = [...new Set(pins.map((p) => p.file))];
  const unchanged = pinned.filter((f) => !facts.changed.includes(f));
  if (unchanged.length > 0) {
    problems.push(
      `commit ${facts.commit} is not an atomic repin: it changes ${pinned.length - unchanged.length} of the ${pinned.length} pin-set files; not changed: ${unchanged.join(', ')}`,
    );
  }
  for (const pin of pins) problems.push(...checkPin(pin, target, facts));
  const files = pinned.flatMap((path) => {
    const file = facts.files[path];
    return file ? [{ path, blob: file.blob }] : [];
  });
  const copies = producerCopies(pins);
  for (const { path, producerPath } of copies) problems.push(...checkSameAsProducer(path, producerPath, target, facts));
  const sameAsProducer = copies.flatMap(({ path, producerPath }) => {
    const file = facts.files[path];
    return file ? [{ path, producerPath, blob: file.blob }] : [];
  });
  return { problems, files, sameAsProducer, unchanged };
}

function checkSameAsProducer(path: string, producerPath: string, target: TargetDefinition, facts: RepinFacts): string[] {
  const file = facts.files[path];
  if (file == null) return [];
  if (facts.producerBlobs === undefined) {
    return [`${path} must be byte-identical to the producer's ${producerPath} at ${target.sha.slice(0, 12)} (same_as_producer), and the producer's repository was not read: add --producer-repo <dir>`];
  }
  const producerBlob = facts.producerBlobs[producerPath];
  if (producerBlob == null) return [`the producer's repository has no ${producerPath} at ${target.tag} @ ${target.sha.slice(0, 12)} (same_as_producer of ${path})`];
  return producerBlob === file.blob
    ? []
    : [`${path} (blob ${file.blob.slice(0, 12)}) differs from the producer's ${producerPath} at ${target.tag} @ ${target.sha.slice(0, 12)} (blob ${producerBlob.slice(0, 12)}): a vendored copy must be byte-identical`];
}

/**
 * A repin as an event records it: the pin-set files with their blobs at the commit. Without the
 * repository only its shape can be checked: it names every pinned file, once, and nothing else.
 */
export function checkRecordedRepin(
  party: PartyDefinition,
  recorded: { readonly commit: string; readonly files: readonly { readonly path: string; readonly blob: string }[]; readonly sameAsProducer?: readonly SameAsProducer[] },
): RepinCheck {
  const pinned = [...new Set((party.pins ?? []).map((p) => p.file))];
  const named = recorded.files.map((f) => f.path);
  const problems: string[] = [];
  const missing = pinned.filter((f) => !named.includes(f));
  if (missing.length > 0) problems.push(`commit ${recorded.commit} is recorded without ${missing.length} of the ${pinned.length} pin-set files: ${missing.join(', ')}`);
  const extra = named.filter((f, i) => !pinned.includes(f) || named.indexOf(f) !== i);
  if (extra.length > 0) problems.push(`the repin names files that are not (or twice) in ${party.id}'s pin set: ${extra.join(', ')}`);
  // Same as the producer's: the event must say the producer's blob equals the file's own blob.
  const sameAsProducer: SameAsProducer[] = [];
  for (const { path, producerPath } of producerCopies(party.pins ?? [])) {
    const own = recorded.files.find((f) => f.path === path)?.blob;
    const said = recorded.sameAsProducer?.find((c) => c.path === path && c.producerPath === producerPath);
    if (said === undefined || said.blob !== own) problems.push(`the repin does not record ${path} as byte-identical to the producer's ${producerPath} (same_as_producer)`);
    else sameAsProducer.push(said);
  }
  return { problems, files: pinned.flatMap((path) => recorded.files.filter((f) => f.path === path).slice(0, 1)), sameAsProducer, unchanged: [] };
}

/** What in the pin set at `commit` does not name `target` (empty: every pin names it). */
export function pinProblems(pins: readonly PinDefinition[], target: TargetDefinition, commit: string, files: RepinFacts['files']): string[] {
  return pins.flatMap((pin) => checkPin(pin, target, { commit, changed: [], files }));
}

function checkPin(pin: PinDefinition, target: TargetDefinition, facts: RepinFacts): string[] {
  const file = facts.files[pin.file];
  if (file == null) return [`${pin.file} does not exist at commit ${facts.commit}`];
  const at = `at commit ${facts.commit}`;
  if ('json' in pin) return valuesAt(pin.file, 'JSON', pin.json, target, at, () => parseJson(file.text), resolvePointer);
  if ('yaml' in pin) return valuesAt(pin.file, 'YAML', pin.yaml, target, at, () => parseYamlText(file.text), resolvePointer);
  if ('toml' in pin) return valuesAt(pin.file, 'TOML', pin.toml, target, at, () => parseTomlText(file.text), resolvePointer);
  if ('dotenv' in pin) return valuesAt(pin.file, 'a .env file', pin.dotenv, target, at, () => parseDotenv(file.text), (vars, key) => (Object.hasOwn(vars as object, key) ? (vars as Record<string, string>)[key] : undefined));
  if ('pattern' in pin) return Object.entries(pin.pattern).flatMap(([pattern, what]) => checkPattern(pin.file, pattern, what, target, file.text));
  if ('markdown' in pin) {
    const named = file.text.split('\n').some((line) => line.includes(target.tag) && line.includes(target.sha));
    return named ? [] : [`${pin.file} has no line (or table row) naming both the tag ${target.tag} and the SHA ${target.sha}`];
  }
  if (!('sha256_at' in pin)) return [];
  const holder = facts.files[pin.sha256_at.file];
  const json = holder == null ? undefined : parseJson(holder.text);
  if (json === undefined) return [`${pin.sha256_at.file} (which records the sha256 of ${pin.file}) is missing or not valid JSON at commit ${facts.commit}`];
  const recorded = resolvePointer(json, pin.sha256_at.pointer);
  const actual = file.sha256.replace(/^sha256:/, '');
  const recordedHex = typeof recorded === 'string' ? recorded.replace(/^sha256:/, '').toLowerCase() : recorded;
  return recordedHex === actual
    ? []
    : [`${pin.file} has sha256 ${actual}, but ${pin.sha256_at.file} ${pin.sha256_at.pointer} records ${recorded === undefined ? 'nothing' : JSON.stringify(recorded)}`];
}

/**
 * A document pin (JSON, YAML, TOML, .env): the file parses, and each place named holds exactly the
 * target's value, a string equal to it.
 */
function valuesAt(
  path: string,
  format: string,
  places: Readonly<Record<string, PinValueName>>,
  target: TargetDefinition,
  at: string,
  parse: () => unknown,
  read: (document: unknown, place: string) => unknown,
): string[] {
  const document = parse();
  if (document === undefined) return [`${path} is not valid ${format} ${at}`];
  return Object.entries(places).flatMap(([place, what]) => {
    const expected = expectedValue(what, target);
    if (expected === undefined) return [`${path} ${place} must equal the target's ${what}, but the target has no such contract`];
    const found = read(document, place);
    if (found === expected) return [];
    return [`${path} ${place} is ${found === undefined ? 'missing' : JSON.stringify(found)}, expected the target's ${what} ${JSON.stringify(expected)}`];
  });
}

/**
 * A line pattern: every line it matches gives, in its one capture group, the target's value; at
 * least one line matches. RE2 matches in time linear in the line, whatever the pattern (no
 * backtracking), so neither a pattern from another party's definition nor a file can hang a check.
 */
function checkPattern(path: string, pattern: string, what: PinValueName, target: TargetDefinition, text: string): string[] {
  const compiled = compileLinePattern(pattern);
  if (typeof compiled === 'string') return [`${path}: the pattern ${JSON.stringify(pattern)} ${compiled}`];
  const expected = expectedValue(what, target);
  if (expected === undefined) return [`${path} ${JSON.stringify(pattern)} must equal the target's ${what}, but the target has no such contract`];
  const found: { line: number; value: string | null }[] = [];
  text.split('\n').forEach((raw, i) => {
    const matcher = compiled.matcher(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    if (matcher.find()) found.push({ line: i + 1, value: matcher.group(1) });
  });
  if (found.length === 0) return [`${path} has no line matching ${JSON.stringify(pattern)} (which must give the target's ${what} ${JSON.stringify(expected)})`];
  return found
    .filter((f) => f.value !== expected)
    .map((f) => `${path}:${f.line} gives ${f.value === null ? 'nothing (the group did not take part)' : JSON.stringify(f.value)} for ${JSON.stringify(pattern)}, expected the target's ${what} ${JSON.stringify(expected)}`);
}

function expectedValue(what: PinValueName, target: TargetDefinition): string | undefined {
  if (what === 'tag') return target.tag;
  if (what === 'sha') return target.sha;
  return target.contracts[what.slice('contract.'.length)];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** YAML with the failsafe schema: every scalar is the string written (a SHA of digits stays a string). */
function parseYamlText(text: string): unknown {
  try {
    return yamlParser().parse(text, { schema: 'failsafe', maxAliasCount: 100 }) as unknown;
  } catch {
    return undefined;
  }
}

function parseTomlText(text: string): unknown {
  try {
    return smolToml().parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** KEY=value lines as dotenv loaders read them (export prefix, quotes, comments); the last of a name wins. */
function parseDotenv(text: string): Record<string, string> {
  return parseEnv(text) as Record<string, string>;
}

/** RFC 6901 JSON Pointer; undefined when the path does not exist. */
export function resolvePointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let node: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^(0|[1-9]\d*)$/.test(key)) node = node[Number(key)];
    else if (node !== null && typeof node === 'object' && Object.hasOwn(node, key)) node = (node as Record<string, unknown>)[key];
    else return undefined;
  }
  return node;
}
