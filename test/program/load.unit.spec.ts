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

describe('cutover.yaml: the incidents: section', () => {
  it('the template carries the default protocol: three severity classes, the trigger matrix, the deadlines', () => {
    const { incidents } = parseDefinition(template, 'cutover.yaml').definition;
    expect(incidents!.severities.map((c) => c.id)).toEqual(['SEV-1', 'SEV-2', 'SEV-3']);
    expect(incidents!.triggers.map((t) => [t.id, t.severity, t.action])).toEqual([
      ['envelope-mismatch', 'SEV-1', 'rollback'],
      ['fallback-regression', 'SEV-1', 'rollback-and-bridge'],
      ['payload-drift', 'SEV-2', 'freeze'],
      ['missing-evidence', 'SEV-2', 'no-go'],
    ]);
    expect(incidents!.deadlines).toEqual({ initial_notice: '15m', rollback_recommendation: '30m', repin_confirmation: '30m', joint_summary: '24h' });
    expect(incidents!.rollback_phase).toBe('8');
  });

  it.each<[string, string, string, string, string, string]>([
    ['a duration that is not one', 'initial_notice: 15m', 'initial_notice: 15 minutes', 'incidents.deadlines.initial_notice', 'a duration', 'initial_notice: 15 minutes'],
    ['a zero duration', 'joint_summary: 24h', 'joint_summary: 0h', 'incidents.deadlines.joint_summary', 'a duration longer than zero', 'joint_summary: 0h'],
    ['a severity class defined twice', '      description: Non-critical issue with a safe fallback.\n', '      description: Non-critical issue with a safe fallback.\n    - id: SEV-2 # again\n      description: twice\n', 'incidents.severities[3].id', 'a severity class not defined twice', '- id: SEV-2 # again'],
    ['a trigger id used twice', '    - id: fallback-regression', '    - id: envelope-mismatch # again', 'incidents.triggers[1].id', 'an id not used by another trigger', '- id: envelope-mismatch # again'],
    ['a rollback phase the program does not define', 'rollback_phase: "8"', 'rollback_phase: "11"', 'incidents.rollback_phase', 'a phase id', 'rollback_phase: "11"'],
    ['an unknown action', 'action: freeze', 'action: panic', 'incidents.triggers[2].action', 'one of "rollback", "rollback-and-bridge", "freeze", "no-go"', 'action: panic'],
  ])('refuses %s, naming the field and its line', (_what, from, to, field, expected, onLine) => {
    const yaml = template.replace(from, to);
    expect(yaml).not.toBe(template);
    const found = problems(yaml).find((p) => p.field === field);
    expect(found, JSON.stringify(problems(yaml))).toBeDefined();
    expect(found!.expected).toContain(expected);
    expect(found!.line).toBe(lineOf(yaml, onLine));
  });

  it('a severity class that a trigger or the incident gate uses must be defined', () => {
    const yaml = template.replace('    - id: SEV-2\n      description: Contract or validation drift that can lead to incorrect integration behaviour.\n', '');
    const found = problems(yaml);
    expect(found.map((p) => p.field)).toEqual(expect.arrayContaining(['incidents.triggers[2].severity', 'incidents.triggers[3].severity', 'gates[4].severity']));
    expect(found.find((p) => p.field === 'gates[4].severity')!.expected).toBe('a severity class defined in incidents.severities: one of "SEV-1", "SEV-3"');
  });

  it('is optional: a program without one is valid (incident commands then say what to add)', () => {
    const yaml = template.slice(0, template.indexOf('\n# The incident and rollback protocol')) + template.slice(template.indexOf('\n# Records rendered'));
    expect(parseDefinition(yaml, 'cutover.yaml').definition.incidents).toBeUndefined();
  });
});

describe('published schemas', () => {
  it.each(Object.entries(schemaFiles()))('schemas/%s is up to date with its source (run npm run schemas)', (file, schema) => {
    const committed = readFileSync(join(import.meta.dirname, '../../schemas', file), 'utf8');
    expect(committed).toBe(JSON.stringify(schema, null, 2) + '\n');
  });
});
