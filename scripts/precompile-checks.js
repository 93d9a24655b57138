// Compiles the ledger line's shape checks (LedgerLine and each event type's data, src/domain/events.ts)
// into src/ledger/precompiled-checks.ts, a step of `npm run build`: `verify` and every read that
// checks lines then run TypeBox's generated code without compiling it at start-up (about 17 ms of a
// verify of the example). The file is generated and committed (so the types check without a build);
// a unit test fails when it is stale.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { writeIfChanged } from './write-if-changed.js';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = fileURLToPath(new URL('../src/ledger/precompiled-checks.ts', import.meta.url));

// events.ts is TypeScript: esbuild turns it (and what it imports) into a module to import here.
const bundled = await build({ absWorkingDir: root, entryPoints: ['src/domain/events.ts'], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'warning' });
const { EventData, LedgerLine } = await import(`data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`);

const digest = (text) => createHash('sha256').update(text).digest('hex');
const codeOf = (schema) => TypeCompiler.Code(schema, [], { language: 'javascript' });

// A fixed-length pattern, a literal prefix, one character class repeated n times, a literal suffix:
// `^sha256:[0-9a-f]{64}$`, `^[0-9a-f]{40}$`, `^ed25519:[A-Za-z0-9+/]{43}=$`.
const FIXED = /^\^([A-Za-z0-9:_=-]*)(\[[^\]\\^][^\]\\]*\])\{(\d+)\}([A-Za-z0-9:_=-]*)\$$/;

/**
 * The same schema, checked faster by the code TypeBox compiles from it; it accepts exactly the same
 * values (test/ledger/faster-checks.property.spec.ts holds the checks to TypeBox's own):
 *
 * - A fixed-length pattern becomes its length and the class repeated with `*`: a string of that
 *   length matches `^P[C]*S$` exactly when it matches `^P[C]{n}S$`, and V8's regexp code runs the
 *   loop of `*` about twice as fast as n repetitions (the ledger line's hashes, the data's digests).
 * - Each object of a union whose objects all require one member to be a constant (evidence's
 *   `kind`) checks that member first: an object's checks are one conjunction of pure tests, so
 *   their order changes nothing but how soon one of the union's other shapes is ruled out.
 *
 * The `*` patterns it makes are then checked by a loop over char codes (`loops()` below).
 */
// The `^P[C]*S$` patterns faster() made, by their source: what loops() may check by a loop.
const starred = new Map();

function faster(schema) {
  if (Array.isArray(schema)) return schema.map(faster);
  if (schema === null || typeof schema !== 'object') return schema;
  // A spread keeps TypeBox's symbol-keyed members (Kind, OptionalKind).
  const copy = { ...schema };
  for (const [key, value] of Object.entries(schema)) copy[key] = faster(value);
  const fixed = typeof copy.pattern === 'string' && copy.minLength === undefined && copy.maxLength === undefined ? FIXED.exec(copy.pattern) : null;
  if (fixed !== null) {
    const [, prefix, set, times, suffix] = fixed;
    const length = prefix.length + Number(times) + suffix.length;
    Object.assign(copy, { minLength: length, maxLength: length, pattern: `^${prefix}${set}*${suffix}$` });
    starred.set(copy.pattern, { prefix, set, suffix });
  }
  if (Array.isArray(copy.anyOf)) copy.anyOf = discriminantFirst(copy.anyOf);
  return copy;
}

/** The union's objects with the member they all require to be a constant checked first. */
function discriminantFirst(members) {
  const isObject = (m) => m.type === 'object' && m.properties !== undefined && Array.isArray(m.required);
  if (members.length < 2 || !members.every(isObject)) return members;
  const tag = Object.keys(members[0].properties).find((key) => members.every((m) => m.required.includes(key) && m.properties[key]?.const !== undefined));
  if (tag === undefined) return members;
  return members.map((m) => {
    const { [tag]: first, ...rest } = m.properties;
    return { ...m, properties: { [tag]: first, ...rest } };
  });
}

/**
 * TypeBox's code with two of its tests done without a regexp or an array, and still exactly:
 *
 * - A pattern faster() made, `^P[C]*S$`, where no code unit above U+007F is in C (checked here),
 *   becomes a function: the prefix and suffix compared code unit by code unit, the rest looked up
 *   in a table of C made from C itself. A string matches the pattern exactly when it starts with
 *   P, ends with S, is at least as long as both, and each code unit between is in C (no flags: `$`
 *   is the end of the text, and a class matches one code unit). TypeBox tests a pattern only after
 *   `typeof === 'string'`; anything else would still go to the regexp.
 * - `Object.getOwnPropertyNames(v).length` becomes a count of `for…in`, and
 *   `Object.getOwnPropertyNames(v).every(key => [...].includes(key))` a `for…in` over a switch:
 *   neither allocates an array. They walk the same keys for the objects the checks are given, those
 *   of JSON.parse (test/ledger/shape-keys.property.spec.ts holds them to TypeBox's), whose keys are
 *   all own, enumerable and strings (`__proto__` too: JSON.parse makes it an own member), under a
 *   prototype with none (Object.prototype). Neither counts symbol keys.
 *
 * test/ledger/faster-checks.property.spec.ts holds both to TypeBox's on strings near each pattern.
 */
const helpers = new Map(); // helper's code → its name, shared by every check of the file
const helper = (kind, code) => {
  if (!helpers.has(code)) helpers.set(code, `${kind}${[...helpers.values()].filter((name) => name.startsWith(kind)).length}`);
  return helpers.get(code);
};
const charCodes = (text) => [...text].map((ch) => ch.charCodeAt(0));

function patternTest(source) {
  const star = starred.get(source);
  if (star === undefined) return null;
  const { prefix, set, suffix } = star;
  const inSet = new RegExp(`^${set}$`);
  for (let c = 0x80; c <= 0xffff; c++) if (inSet.test(String.fromCharCode(c))) return null;
  if (charCodes(prefix + suffix).some((c) => c > 0x7f)) return null;
  const table = helper('CLASS_', `/${set}/`);
  const pattern = helper('PATTERN_', `/${source}/`);
  const at = (c, k) => `text.charCodeAt(${k}) === ${c}`;
  const ends = [`end >= ${prefix.length}`, ...charCodes(prefix).map(at), ...charCodes(suffix).map((c, k) => at(c, k === 0 ? 'end' : `end + ${k}`))];
  return helper(
    'matches',
    `function (text) {
  if (typeof text !== 'string') return ${pattern}.test(text);
  const end = text.length${suffix.length === 0 ? '' : ` - ${suffix.length}`};
  if (!(${ends.join(' && ')})) return false;
  for (let i = ${prefix.length}; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f || ${table}[c] === 0) return false;
  }
  return true;
}`,
  );
}

const onlyKeys = (list) => {
  const keys = JSON.parse(`[${list.replaceAll("'", '"')}]`);
  return helper('onlyKeys', `function (value) {
  for (const key in value) {
    switch (key) {
${keys.map((k) => `      case ${JSON.stringify(k)}:
`).join('')}        continue;
      default:
        return false;
    }
  }
  return true;
}`);
};

const MEMBER = String.raw`value(?:\['[^'\\]*'\])*`;
const EVERY = new RegExp(String.raw`Object\.getOwnPropertyNames\((${MEMBER})\)\.every\(key => \[((?:'[^'\\]*'(?:, )?)*)\]\.includes\(key\)\)`, 'g');
const LENGTH = new RegExp(String.raw`Object\.getOwnPropertyNames\((${MEMBER})\)\.length`, 'g');

function loops(code) {
  code = code.replace(/^const (local_\d+) = \/(.*)\/;?$/gm, (line, local, source) => {
    const test = patternTest(source);
    return test === null ? line : `const ${local} = { test: ${test} };`;
  });
  code = code.replace(EVERY, (_, member, list) => `${onlyKeys(list)}(${member})`);
  return code.replace(LENGTH, (_, member) => `${helper('keyCount', 'function (value) {\n  let count = 0;\n  for (const key in value) count++;\n  return count;\n}')}(${member})`);
}

// TypeBox's Compile runs this code as new Function('kind', 'format', 'hash', code): the same here.
// The digest is of the code TypeBox compiles from the schema as events.ts writes it, so the unit
// test that compares it finds a stale file; the code held is compiled from its faster equivalent.
const factory = (schema) => {
  const code = loops(codeOf(faster(schema)));
  for (const name of ['kind', 'format']) if (code.includes(`${name}(`)) throw new Error(`a schema needs TypeBox's ${name} registry at run time; precompile-checks cannot inline it`);
  return `{ sha256: '${digest(codeOf(schema))}', make: (hash) => (function (kind, format, hash) {\n${code}\n})(undefined, undefined, hash) }`;
};

const line = factory(LedgerLine);
const data = Object.entries(EventData).map(([type, schema]) => `  ${JSON.stringify(type)}: ${factory(schema)},`);
const declaration = (code, name) => {
  if (name.startsWith('CLASS_')) return `const ${name} = classTable(${code});`;
  if (name.startsWith('PATTERN_')) return `const ${name} = ${code};`;
  return `function ${name}${code.slice('function '.length)}`;
};

const generated = `// Generated by scripts/precompile-checks.js from src/domain/events.ts: do not edit.
// Each entry keeps the sha256 of the code TypeBox generates from the schema; a unit test compares it with the schema's.
// The code held is TypeBox's for an equivalent schema that checks faster (see faster() and loops() in the script).
// @ts-nocheck
import type { PrecompiledCheck } from './shape-checks.js';

/** Which ASCII code units the class (a regexp of one class) matches: 1 or 0. */
function classTable(set) {
  const table = new Uint8Array(0x80);
  for (let c = 0; c < 0x80; c++) table[c] = set.test(String.fromCharCode(c)) ? 1 : 0;
  return table;
}

${[...helpers].map(([code, name]) => declaration(code, name)).join('\n\n')}

export const LINE_CHECK: PrecompiledCheck = ${line};

export const DATA_CHECKS: Readonly<Record<string, PrecompiledCheck>> = {
${data.join('\n')}
};
`;

writeIfChanged(target, generated);
