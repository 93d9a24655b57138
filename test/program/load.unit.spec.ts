import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, type InputProblem } from '../../src/errors.js';
import { parseDefinition } from '../../src/program/parse-definition.js';
import { standardTemplate } from '../../src/program/template.js';
import { schemaFiles } from '../../src/schemas.js';

const template = standardTemplate({ programId: 'p-v3', producer: 'Prod', consumers: ['Cons'], contract: 'service.v3' });

function problems(yaml: string): InputProblem[] {
  try {
    parseDefinition(yaml, 'cutover.yaml');
  } catch (e) {
    if (e instanceof InvalidInputError) return [...e.problems];
    throw e;
  }
  throw new Error('expected the definition to be refused');
}

const lineOf = (yaml: string, text: string) => yaml.split('\n').findIndex((l) => l.includes(text)) + 1;

describe('cutover.yaml', () => {
  it('the init template is valid, and its digest does not depend on key order or comments', () => {
    const a = parseDefinition(template, 'cutover.yaml');
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reverseKeys) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)])) : v;
    const reordered = parseDefinition(JSON.stringify(reverseKeys(a.definition)), 'x');
    expect(a.definition.parties.map((p) => p.kind)).toEqual(['producer', 'consumer']);
    expect(a.definition.roles).toHaveLength(5);
    expect(a.definition.phases.map((p) => p.id)).toEqual(['7', '8', '9', '10']);
    expect(parseDefinition(template.replace(/^#.*$/gm, ''), 'y').digest).toBe(a.digest);
    expect(reordered.digest).toBe(a.digest);
  });

  it.each<[string, string, string, Partial<InputProblem>]>([
    ['a missing field', '    repo: Cons\n', '', { field: 'parties[1].repo', expected: 'this required field' }],
    ['a misspelt field', '    kind: producer\n', '    kind: producer\n    colour: blue\n', { field: 'parties[0].colour', expected: 'no such field (check its spelling)' }],
    ['a bad enum value', 'kind: consumer', 'kind: customer', { field: 'parties[1].kind', found: '"customer"' }],
    ['a bad key', '    keys: []\n  - id: integration', '    keys: [ed25519:nope]\n  - id: integration', { field: 'roles[3].keys[0]' }],
    ['an unknown gate kind', 'kind: no-manual-blockers', 'kind: vibes', { field: 'gates[5].kind', found: '"vibes"' }],
    ['a requirement of neither shape', '      - parties: consumers', '      - partys: consumers', { field: 'gates[2].requires[1]', expected: 'one of these shapes: {party, kind, label} or {parties, kind, label}' }],
  ])('names %s with its line', (_what, from, to, expected) => {
    const yaml = template.replace(from, to);
    const [problem] = problems(yaml);
    expect(problem).toMatchObject({ source: 'cutover.yaml', ...expected });
    expect(problem!.line).toBeGreaterThan(0);
  });

  it.each<[string, string, string, string, string]>([
    ['a role of an unknown party', '    party: cons\n    duties: [incident-commander]', '    party: consx\n    duties: [incident-commander]', 'roles[1].party', 'party: consx'],
    ['a gate owned by an unknown role', '    owner: prod-release-owner\n', '    owner: nobody\n', 'gates[0].owner', 'owner: nobody'],
    ['a decision naming an unknown gate', 'rollback-evidence, no-blocking-incident]', 'rollback-evidence, no-such-gate]', 'decisions[1].gates[4]', 'no-such-gate'],
    ['a phase naming an unknown decision', '    decision: runtime-cutover\n    entry', '    decision: runtime-cutovr\n    entry', 'phases[1].decision', 'runtime-cutovr'],
    ['a decision-log owner held by one party', '    party: joint\n', '    party: prod # the log owner\n', 'roles[4].party', '# the log owner'],
    ['a party without an approver', '    duties: [rollback-owner, approver]\n    keys: []\n  - id: cons-runtime-owner', '    duties: [rollback-owner]\n    keys: []\n  - id: cons-runtime-owner', 'parties[0].id', '- id: prod'],
  ])('refuses %s, naming the field, its line and what would be valid', (_what, from, to, field, onLine) => {
    const yaml = template.replace(from, to);
    expect(yaml).not.toBe(template);
    const found = problems(yaml).find((p) => p.field === field);
    expect(found, JSON.stringify(problems(yaml))).toBeDefined();
    expect(found!.line).toBe(lineOf(yaml, onLine));
    expect(found!.expected).toMatch(/^a |^one of |every party|role with duty/);
  });

  it('refuses a duplicate id at the second use', () => {
    const yaml = template.replace('  - id: phase-9-complete', '  - id: phase-8-complete');
    const found = problems(yaml).find((p) => p.field === 'gates[8].id');
    expect(found).toMatchObject({ expected: 'an id not used by another entry of gates', found: '"phase-8-complete"' });
    expect(found!.line).toBeGreaterThan(lineOf(yaml, '- id: phase-8-complete'));
  });

  it('bad YAML is refused with the line', () => {
    const [problem] = problems('version: 1\nprogram:\n  id: x\n   title: [oops\n');
    expect(problem).toMatchObject({ expected: 'valid YAML', line: 3 });
  });
});

describe('published schemas', () => {
  it.each(Object.entries(schemaFiles()))('schemas/%s is up to date with its source (run npm run schemas)', (file, schema) => {
    const committed = readFileSync(join(import.meta.dirname, '../../schemas', file), 'utf8');
    expect(committed).toBe(JSON.stringify(schema, null, 2) + '\n');
  });
});
