/**
 * Files that used to crash cutover (exit 70, a stack trace) or leak another file's content are
 * refused with exit 2 naming the file, and nothing changes (issue 16, items 7 and 8).
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { as, copyOfExample, cutover, tempDir } from '../support/cli.js';
import { snapshot } from '../support/snapshot.js';

const LOG_OWNER = 'integration-program-owner';

/** `status` and `program amend` on `dir` are refused with exit 2, the message matching `message`, nothing changed. */
function expectRefused(dir: string, message: string | RegExp) {
  const before = snapshot(dir);
  for (const args of [['status'], ['program', 'amend', '--reason', 'x', ...as(LOG_OWNER, '2026-02-09T09:00:00Z')]]) {
    const run = cutover(['-C', dir, ...args]);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toContain('internal error');
    expect(run.code).toBe(2);
  }
  expect(snapshot(dir)).toEqual(before);
}

describe('cutover.yaml that cannot be a program', () => {
  it('a YAML alias bomb', () => {
    const dir = copyOfExample();
    let bomb = 'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n';
    for (let i = 1; i < 9; i++) bomb += `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]\n`;
    writeFileSync(join(dir, 'cutover.yaml'), bomb);
    expectRefused(dir, /cutover\.yaml: expected valid YAML, found aliases .* \(an alias bomb\)/);
  });

  for (const [what, text, found] of [
    ['0 bytes', '', 'an empty file (0 bytes)'],
    ['only comments and blank lines', '# cutover.yaml\n\n# to be written\n', 'only comments and whitespace'],
    ['only whitespace', '\n   \n\t\n', 'only whitespace'],
  ] as const) {
    it(`an empty cutover.yaml (${what}) is named as such, with line 1 and a hint`, () => {
      const dir = copyOfExample();
      writeFileSync(join(dir, 'cutover.yaml'), text);
      expectRefused(dir, new RegExp(`cutover\\.yaml:1: expected a program definition: .*, found ${found.replace(/[()]/g, '\\$&')}\n  hint: .*cutover init`));
    });
  }

  it('deep nesting, in flow style and in block style', () => {
    const dir = copyOfExample();
    writeFileSync(join(dir, 'cutover.yaml'), `version: 1\nprogram: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
    expectRefused(dir, /cutover\.yaml:2: expected valid YAML, found nesting deeper than 64 levels/);
    writeFileSync(join(dir, 'cutover.yaml'), `version: 1\nprogram:${Array.from({ length: 100 }, (_, i) => `\n${'  '.repeat(i + 1)}a:`).join('')} 1\n`);
    expectRefused(dir, /cutover\.yaml: expected a document nested at most 64 levels deep/);
  });

  it('invalid UTF-8 is refused, naming the line, not stored as U+FFFD', () => {
    const dir = copyOfExample();
    const text = readFileSync(join(dir, 'cutover.yaml'));
    const at = text.indexOf('MemoryKernel service.v3 runtime cutover');
    writeFileSync(join(dir, 'cutover.yaml'), Buffer.concat([text.subarray(0, at), Buffer.from([0xc3, 0x28]), text.subarray(at)]));
    expectRefused(dir, /cutover\.yaml:7: expected text in UTF-8, found a byte that is not UTF-8 \(0xc3/);
  });

  it('a title of 50 MB, and a text field over the limit', () => {
    const dir = copyOfExample();
    const yaml = readFileSync(join(dir, 'cutover.yaml'), 'utf8');
    writeFileSync(join(dir, 'cutover.yaml'), yaml.replace('title: MemoryKernel service.v3 runtime cutover', `title: ${'x'.repeat(50 << 20)}`));
    expectRefused(dir, /expected a cutover\.yaml program definition of at most 1,048,576 bytes/);
    writeFileSync(join(dir, 'cutover.yaml'), yaml.replace('title: MemoryKernel service.v3 runtime cutover', `title: ${'x'.repeat(20_000)}`));
    expectRefused(dir, /cutover\.yaml:7: field program\.title: expected at most 10,000 characters, found 20,000 characters/);
  });

  it('a cutover.yaml symlinked to a file outside the program folder is refused without quoting it', () => {
    const root = tempDir();
    const dir = copyOfExample();
    writeFileSync(join(root, 'private.txt'), 'password: hunter2\n');
    rmSync(join(dir, 'cutover.yaml'));
    symlinkSync(join(root, 'private.txt'), join(dir, 'cutover.yaml'));
    const before = snapshot(dir);
    const run = cutover(['-C', dir, 'status']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('symlinks resolved');
    expect(run.stderr).not.toContain('hunter2');
    expect(snapshot(dir)).toEqual(before);
  });

  it('a long value that does not fit the schema is quoted cut short', () => {
    const dir = copyOfExample();
    writeFileSync(join(dir, 'cutover.yaml'), `${'secret '.repeat(200)}\n`);
    const run = cutover(['-C', dir, 'status']);
    expect(run.code).toBe(2);
    expect(run.stderr.length).toBeLessThan(400);
    expect(run.stderr).toMatch(/… \(1,\d{3} characters\)/);
  });
});

describe('a ledger path that is a directory', () => {
  it('is exit 2 naming the path, not an internal error', () => {
    const dir = copyOfExample();
    rmSync(join(dir, '.cutover/ledger.jsonl'));
    mkdirSync(join(dir, '.cutover/ledger.jsonl'));
    const before = snapshot(dir);
    const run = cutover(['-C', dir, 'status']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('.cutover/ledger.jsonl: expected a file, found a directory');
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('a handoff payload nested too deep', () => {
  it('is exit 2 naming the file, not a stack overflow', () => {
    const dir = copyOfExample();
    writeFileSync(join(dir, 'payload.json'), `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const before = snapshot(dir);
    const run = cutover(['-C', dir, 'evidence', 'add', '--kind', 'handoff-payload', '--party', 'memorykernel', '--file', 'payload.json', ...as('memorykernel-release-owner', '2026-02-09T09:00:00Z')]);
    expect(run.stderr).toMatch(/payload\.json: expected a JSON document( nested at most 64 levels deep)?, found/);
    expect(run.code).toBe(2);
    expect(snapshot(dir)).toEqual(before);
  });
});
