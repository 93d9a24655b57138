/**
 * Parsing `cutover.yaml`: YAML with line numbers, the JSON Schema, then cross-references.
 * Every problem names the file, the line, the field, what was expected and what was found.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { InvalidInputError, type InputProblem } from '../errors.js';
import { digestOf, sha256Hex } from '../ledger/canonical.js';
import type { LoadedDefinition } from './load.js';
import { Gate, ProgramDefinition } from './schema.js';
import { MAX_NESTING, MAX_TEXT_CHARS, nestingDepth, oversizedStrings } from './limits.js';
import { recordPathProblems } from './paths.js';
import { checkReferences, type FieldPath } from './validate.js';

// Compiled on first use: most commands never parse the file (its bytes match the recorded digest).
let compiled: { program: ReturnType<typeof TypeCompiler.Compile<typeof ProgramDefinition>>; gates: Map<string, ReturnType<typeof TypeCompiler.Compile>> } | undefined;
function checks() {
  compiled ??= {
    program: TypeCompiler.Compile(ProgramDefinition),
    gates: new Map(Gate.anyOf.map((variant) => [variant.properties.kind.const as string, TypeCompiler.Compile(variant)])),
  };
  return compiled;
}

export function parseDefinition(text: string, file: string): LoadedDefinition {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new InvalidInputError(
      doc.errors.map((err) => ({
        source: file,
        field: '',
        line: lines.linePos(err.pos[0]).line,
        expected: 'valid YAML',
        found: /Maximum call stack/.test(err.message) ? `nesting deeper than ${MAX_NESTING} levels` : err.message.split('\n')[0]!,
      })),
    );
  }
  if (doc.contents === null) throw emptyDefinition(text, file);
  const value = toValue(doc, file);
  const problems = schemaProblems(value).map((p) => locate(doc, lines, file, p.path, p.expected, p.found));
  if (problems.length > 0) throw new InvalidInputError(problems);
  const definition = value as ProgramDefinition;
  const references = [
    ...checkReferences(definition),
    ...recordPathProblems(definition.records),
    ...oversizedStrings(definition).map((s) => ({ path: s.path, expected: `at most ${MAX_TEXT_CHARS.toLocaleString('en-US')} characters`, found: `${s.chars.toLocaleString('en-US')} characters` })),
  ].map((p) => locate(doc, lines, file, p.path, p.expected, p.found));
  if (references.length > 0) throw new InvalidInputError(references);
  return { file, definition, digest: digestOf(definition), fileDigest: `sha256:${sha256Hex(text)}` };
}

/** A file with no document in it (0 bytes, or only comments and blank lines) is named as such, not as "null". */
function emptyDefinition(text: string, file: string): InvalidInputError {
  const found = text.trim() === '' ? (text.length === 0 ? 'an empty file (0 bytes)' : 'only whitespace') : 'only comments and whitespace';
  return new InvalidInputError(
    [{ source: file, field: '', line: 1, expected: 'a program definition: a mapping with version: 1 or 2, program:, parties:, roles:, decisions:, gates: and phases:', found }],
    ['write the standard bilateral one with: cutover init --producer <name> --consumer <name> --force (it overwrites this file)'],
  );
}

/** The document as plain data: aliases bounded (an alias bomb expands exponentially), nesting bounded. */
function toValue(doc: Document, file: string): unknown {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const found = /alias count/i.test((e as Error).message) ? `aliases that expand to more than ${MAX_ALIAS_COUNT} times their size (an alias bomb)` : (e as Error).message.split('\n')[0]!;
    throw new InvalidInputError([{ source: file, field: '', expected: 'valid YAML', found }]);
  }
  if (nestingDepth(value) > MAX_NESTING) {
    throw new InvalidInputError([{ source: file, field: '', expected: `a document nested at most ${MAX_NESTING} levels deep`, found: 'deeper nesting' }]);
  }
  return value;
}

/** A `found` value quoted in a message, cut short: a stray file's whole content is not echoed back. */
function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}… (${text.length.toLocaleString('en-US')} characters)` : text;
}

const MAX_ALIAS_COUNT = 100;
const MAX_QUOTED_CHARS = 120;

interface SchemaProblem {
  path: FieldPath;
  expected: string;
  found: string;
}

function schemaProblems(value: unknown): SchemaProblem[] {
  const { program: programCheck, gates: gateChecks } = checks();
  if (programCheck.Check(value)) return [];
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  const add = (pointer: string, message: string, found: unknown, prefix: FieldPath = []) => {
    const path = [...prefix, ...pointerToPath(pointer)];
    const key = path.join('/');
    if (seen.has(key)) return;
    seen.add(key);
    problems.push({ path, expected: expectedFrom(message), found: found === undefined ? 'nothing' : quoted(found) });
  };
  for (const error of programCheck.Errors(value)) {
    const gate = /^\/gates\/(\d+)$/.exec(error.path);
    if (gate !== null) {
      // A union error says little; check the gate against the variant its `kind` names instead.
      const kind = (error.value as { kind?: unknown } | null)?.kind;
      const check = typeof kind === 'string' ? gateChecks.get(kind) : undefined;
      if (check === undefined) {
        add('/kind', `one of ${[...gateChecks.keys()].map((k) => JSON.stringify(k)).join(', ')}`, kind, ['gates', Number(gate[1])]);
      } else {
        for (const e of check.Errors(error.value)) add(e.path, expectedOf(e), e.value, ['gates', Number(gate[1])]);
      }
      continue;
    }
    add(error.path, expectedOf(error), error.value);
  }
  return problems;
}

/** What a field expected, spelled out: a union's literal values or the shapes it accepts; a titled pattern's title. */
function expectedOf(error: { message: string; schema: unknown }): string {
  const choices = (error.schema as { anyOf?: { const?: unknown; type?: string; required?: string[] }[] }).anyOf;
  if (choices === undefined) {
    // A pattern says little to a person: lead with what the field is, when the schema titles it.
    const title = (error.schema as { title?: unknown }).title;
    return typeof title === 'string' && error.message.startsWith('Expected string to match') ? `${title} (${expectedFrom(error.message)})` : error.message;
  }
  if (choices.every((c) => c.const !== undefined)) return `one of ${choices.map((c) => JSON.stringify(c.const)).join(', ')}`;
  if (choices.every((c) => c.type === 'object')) return `one of these shapes: ${choices.map((c) => `{${(c.required ?? []).join(', ')}}`).join(' or ')}`;
  return error.message;
}

function pointerToPath(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function expectedFrom(message: string): string {
  // TypeBox says "Expected string", "Expected required property", "Unexpected property".
  if (message === 'Unexpected property') return 'no such field (check its spelling)';
  if (message === 'Expected required property') return 'this required field';
  if (message.startsWith('one of')) return message;
  return message.replace(/^Expected /, '');
}

export function fieldName(path: FieldPath): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc === '' ? part : `${acc}.${part}`), '');
}

/** Attach the nearest line to a problem: the field's own node, else its closest parent's. */
function locate(doc: Document, lines: LineCounter, file: string, path: FieldPath, expected: string, found: string): InputProblem {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) {
      return { source: file, field: fieldName(path), line: lines.linePos(node.range[0]).line, expected, found };
    }
  }
  return { source: file, field: fieldName(path), expected, found };
}
