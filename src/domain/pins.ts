/**
 * The consumer's atomic repin, checked: one commit changes every file of the pin set, and at that
 * commit every file says exactly what the current target is. Pure: the files come in as data.
 */
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
}

export interface RepinCheck {
  readonly problems: readonly string[];
  /** The pin-set files with their blob ids at the commit. */
  readonly files: readonly { readonly path: string; readonly blob: string }[];
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
  return { problems, files };
}

/**
 * A repin as an event records it: the pin-set files with their blobs at the commit. Without the
 * repository only its shape can be checked: it names every pinned file, once, and nothing else.
 */
export function checkRecordedRepin(party: PartyDefinition, recorded: { readonly commit: string; readonly files: readonly { readonly path: string; readonly blob: string }[] }): RepinCheck {
  const pinned = [...new Set((party.pins ?? []).map((p) => p.file))];
  const named = recorded.files.map((f) => f.path);
  const problems: string[] = [];
  const missing = pinned.filter((f) => !named.includes(f));
  if (missing.length > 0) problems.push(`commit ${recorded.commit} is recorded without ${missing.length} of the ${pinned.length} pin-set files: ${missing.join(', ')}`);
  const extra = named.filter((f, i) => !pinned.includes(f) || named.indexOf(f) !== i);
  if (extra.length > 0) problems.push(`the repin names files that are not (or twice) in ${party.id}'s pin set: ${extra.join(', ')}`);
  return { problems, files: pinned.flatMap((path) => recorded.files.filter((f) => f.path === path).slice(0, 1)) };
}

function checkPin(pin: PinDefinition, target: TargetDefinition, facts: RepinFacts): string[] {
  const file = facts.files[pin.file];
  if (file == null) return [`${pin.file} does not exist at commit ${facts.commit}`];
  if ('json' in pin) {
    const json = parseJson(file.text);
    if (json === undefined) return [`${pin.file} is not valid JSON at commit ${facts.commit}`];
    return Object.entries(pin.json).flatMap(([pointer, what]) => {
      const expected = expectedValue(what, target);
      if (expected === undefined) return [`${pin.file} ${pointer} must equal the target's ${what}, but the target has no such contract`];
      const found = resolvePointer(json, pointer);
      if (found === expected) return [];
      return [`${pin.file} ${pointer} is ${found === undefined ? 'missing' : JSON.stringify(found)}, expected the target's ${what} ${JSON.stringify(expected)}`];
    });
  }
  if ('markdown' in pin) {
    const named = file.text.split('\n').some((line) => line.includes(target.tag) && line.includes(target.sha));
    return named ? [] : [`${pin.file} has no line (or table row) naming both the tag ${target.tag} and the SHA ${target.sha}`];
  }
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
