/**
 * The pin kinds teams use (.env, YAML, TOML, a line pattern), read at the repin commit of a real git
 * repository and judged by the domain: each is accepted when it names the target and refused, with the
 * value found and the value expected, when it does not.
 */
import { describe, expect, it } from 'vitest';
import { checkRepin } from '../../src/domain/pins.js';
import { collectRepin } from '../../src/evidence/collect.js';
import { parseDefinition } from '../../src/program/parse-definition.js';
import type { PartyDefinition, PinDefinition, TargetDefinition } from '../../src/program/schema.js';
import { standardTemplate } from '../../src/program/template.js';
import { InvalidInputError } from '../../src/errors.js';
import { gitFixture } from '../support/git.js';

const SHA = '4f2c8a1be0d93c7f5a6b2e1d0c9f8a7b6e5d4c3b';
const OLD = '77ab0c1de2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7';
const TARGET: TargetDefinition = { tag: 'v3.0.0', sha: SHA, contracts: { service: 'service.v3' } };

function consumer(pins: PinDefinition[]): PartyDefinition {
  return { id: 'cons', name: 'Cons', kind: 'consumer', repo: 'Cons', pins } as PartyDefinition;
}

/** A consumer repository whose second commit (the repin) writes `files`; the problems the domain finds there. */
async function repinProblems(pins: PinDefinition[], files: Record<string, string>): Promise<readonly string[]> {
  const repo = gitFixture();
  repo.commit(Object.fromEntries(Object.keys(files).map((f) => [f, 'before the repin\n'])));
  const commit = repo.commit(files, 'repin');
  const party = consumer(pins);
  return checkRepin(party, TARGET, await collectRepin(repo.dir, commit, party)).problems;
}

describe('pin kinds at the repin commit', () => {
  it('dotenv: KEY=value lines (export, quotes and comments as dotenv loaders read them)', async () => {
    const pins: PinDefinition[] = [{ file: 'deploy/.env', dotenv: { MEMORYKERNEL_TAG: 'tag', MEMORYKERNEL_SHA: 'sha', SERVICE_CONTRACT: 'contract.service' } }];
    const good = `# pinned by the repin\nexport MEMORYKERNEL_TAG=v3.0.0\nMEMORYKERNEL_SHA="${SHA}"  # full sha\nSERVICE_CONTRACT='service.v3'\n`;
    expect(await repinProblems(pins, { 'deploy/.env': good })).toEqual([]);
    const stale = `MEMORYKERNEL_TAG=v2.9.0\n# MEMORYKERNEL_SHA=${SHA}\nSERVICE_CONTRACT=service.v3\n`;
    expect(await repinProblems(pins, { 'deploy/.env': stale })).toEqual([
      'deploy/.env MEMORYKERNEL_TAG is "v2.9.0", expected the target\'s tag "v3.0.0"',
      'deploy/.env MEMORYKERNEL_SHA is missing, expected the target\'s sha "' + SHA + '"',
    ]);
  });

  it('yaml: a path into the document; every scalar is read as written (a SHA of digits stays text)', async () => {
    const digits = '1234567890123456789012345678901234567890';
    const target = { ...TARGET, sha: digits };
    const pins: PinDefinition[] = [{ file: 'deploy/values.yaml', yaml: { '/memorykernel/image/tag': 'tag', '/memorykernel/commit': 'sha', '/contracts/0': 'contract.service' } }];
    const repo = gitFixture();
    repo.commit({ 'deploy/values.yaml': 'memorykernel: {}\n' });
    const yaml = `memorykernel:\n  image:\n    tag: v3.0.0\n  commit: ${digits}\ncontracts:\n  - service.v3\n`;
    const commit = repo.commit({ 'deploy/values.yaml': yaml });
    const party = consumer(pins);
    expect(checkRepin(party, target, await collectRepin(repo.dir, commit, party)).problems).toEqual([]);

    expect(await repinProblems(pins, { 'deploy/values.yaml': `memorykernel:\n  image:\n    tag: v3.0.1\n  commit: ${SHA}\ncontracts: [service.v2]\n` })).toEqual([
      'deploy/values.yaml /memorykernel/image/tag is "v3.0.1", expected the target\'s tag "v3.0.0"',
      'deploy/values.yaml /contracts/0 is "service.v2", expected the target\'s contract.service "service.v3"',
    ]);
    expect(await repinProblems(pins, { 'deploy/values.yaml': 'memorykernel: [unclosed\n' })).toEqual([expect.stringMatching(/^deploy\/values.yaml is not valid YAML at commit [0-9a-f]{40}$/)]);
  });

  it('toml: a path into the document, read with a TOML 1.0 parser', async () => {
    const pins: PinDefinition[] = [{ file: 'Cargo.toml', toml: { '/package/metadata/memorykernel/tag': 'tag', '/package/metadata/memorykernel/sha': 'sha' } }];
    const good = `[package]\nname = "cons"\n\n[package.metadata.memorykernel]\ntag = "v3.0.0"\nsha = "${SHA}"\n`;
    expect(await repinProblems(pins, { 'Cargo.toml': good })).toEqual([]);
    expect(await repinProblems(pins, { 'Cargo.toml': `[package.metadata.memorykernel]\ntag = "v3.0.0"\nsha = "${OLD}"\n` })).toEqual([
      `Cargo.toml /package/metadata/memorykernel/sha is "${OLD}", expected the target's sha "${SHA}"`,
    ]);
    expect(await repinProblems(pins, { 'Cargo.toml': 'tag = v3.0.0\n' })).toEqual([expect.stringMatching(/^Cargo.toml is not valid TOML at commit/)]);
  });

  it('pattern: one capture group, matched on every line; each matching line must give the value, and one must match', async () => {
    const pins: PinDefinition[] = [
      { file: 'Dockerfile', pattern: { '^FROM registry\\.example/memorykernel:(\\S+)': 'tag' } },
      { file: 'go.mod', pattern: { '^\\s*example\\.com/memorykernel (v\\S+)$': 'tag' } },
    ];
    const dockerfile = 'FROM registry.example/memorykernel:v3.0.0 AS build\nRUN make\nFROM registry.example/memorykernel:v3.0.0\n';
    const gomod = 'module example.com/cons\r\n\r\nrequire (\r\n\texample.com/memorykernel v3.0.0\r\n)\r\n';
    expect(await repinProblems(pins, { Dockerfile: dockerfile, 'go.mod': gomod })).toEqual([]);

    // The second stage still names the old release: the line is named.
    const half = 'FROM registry.example/memorykernel:v3.0.0 AS build\nFROM registry.example/memorykernel:v2.9.0\n';
    expect(await repinProblems(pins, { Dockerfile: half, 'go.mod': 'require example.com/other v1.0.0\n' })).toEqual([
      'Dockerfile:2 gives "v2.9.0" for "^FROM registry\\\\.example/memorykernel:(\\\\S+)", expected the target\'s tag "v3.0.0"',
      'go.mod has no line matching "^\\\\s*example\\\\.com/memorykernel (v\\\\S+)$" (which must give the target\'s tag "v3.0.0")',
    ]);
  });

  it('a pattern that backtracks catastrophically in a backtracking engine is matched in linear time', async () => {
    const pins: PinDefinition[] = [{ file: 'Makefile', pattern: { '^(?:a+)+(b)$': 'tag' } }];
    // 50,000 a's and no b: a backtracking engine would try 2^50000 ways; RE2 reads the line once.
    expect(await repinProblems(pins, { Makefile: `${'a'.repeat(50_000)}c\n` })).toEqual([
      'Makefile has no line matching "^(?:a+)+(b)$" (which must give the target\'s tag "v3.0.0")',
    ]);
  });

  it('a pattern from another party (a ledger line) that is not one capture group is a problem, not a crash', async () => {
    const pins = [{ file: 'Makefile', pattern: { 'VERSION=v\\d+': 'tag' } }] as PinDefinition[];
    expect(await repinProblems(pins, { Makefile: 'VERSION=v3\n' })).toEqual([
      'Makefile: the pattern "VERSION=v\\\\d+" has 0 capture groups; a pin pattern has exactly one (write the others as (?:…))',
    ]);
  });
});

describe('pin kinds in cutover.yaml', () => {
  const template = standardTemplate({ programId: 'p-v3', producer: 'Prod', consumers: ['Cons'], contract: 'service.v3' });
  const withPins = (pins: string) => template.replace(/^ {4}pins:\n(?: {6}.*\n)+/m, () => `    pins:\n${pins}`);
  const refusal = (yaml: string) => {
    try {
      parseDefinition(yaml, 'cutover.yaml');
    } catch (e) {
      if (e instanceof InvalidInputError) return e.problems.map((p) => `${p.field}: expected ${p.expected}, found ${p.found}`);
      throw e;
    }
    return [];
  };

  it('accepts each new kind', () => {
    const yaml = withPins(
      [
        '      - file: deploy/.env',
        '        dotenv: { MEMORYKERNEL_TAG: tag }',
        '      - file: deploy/values.yaml',
        '        yaml: { /image/tag: tag }',
        '      - file: Cargo.toml',
        '        toml: { /package/metadata/sha: sha }',
        '      - file: Dockerfile',
        "        pattern: { '^FROM memorykernel:(\\S+)$': tag }",
        '',
      ].join('\n'),
    );
    expect(refusal(yaml)).toEqual([]);
    const pins = parseDefinition(yaml, 'cutover.yaml').definition.parties[1]!.pins!;
    expect(pins.map((p) => Object.keys(p).find((k) => k !== 'file'))).toEqual(['dotenv', 'yaml', 'toml', 'pattern']);
  });

  it('refuses a pattern with no capture group, one that is not RE2, and one too long, naming the field', () => {
    const pattern = (p: string) => withPins(`      - file: Makefile\n        pattern: { '${p}': tag }\n`);
    expect(refusal(pattern('VERSION=v\\d+'))[0]).toContain('parties[1].pins[0].pattern: expected an RE2 pattern with one capture group; this one has 0 capture groups');
    expect(refusal(pattern('(?<=x)(y)'))[0]).toContain('is not an RE2 pattern');
    expect(refusal(pattern(`(${'a'.repeat(300)})`)).join(' ')).toContain('parties[1].pins[0]: expected one of these shapes');
    expect(refusal(withPins('      - file: deploy/.env\n        dotenv: { "1BAD": tag }\n')).join(' ')).toContain('parties[1].pins[0]');
  });
});
