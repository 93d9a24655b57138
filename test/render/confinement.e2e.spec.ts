/**
 * Record paths and template paths stay inside their folders (issue 16, items 3 and 4): refused at
 * define, amend, sync and render with exit 2, and nothing is written (or read) outside, checked by
 * listing the file system before and after.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { as, cutover, EXAMPLE, tempDir } from '../support/cli.js';
import { amendByHand, LOG_OWNER } from '../support/hand-signed.js';
import { snapshot } from '../support/snapshot.js';

const LATER = '2026-02-09T09:00:00Z';

/** A temporary root holding a party's repository (`repo/`, with the program in `repo/cutover/`) and a folder `outside/`. */
function world() {
  const root = tempDir();
  const repo = join(root, 'repo');
  const program = join(repo, 'cutover');
  cpSync(EXAMPLE, program, { recursive: true });
  mkdirSync(join(root, 'outside'));
  writeFileSync(join(root, 'outside/secret.txt'), 'not for records\n');
  return { root, repo, program };
}

const setRecordField = (program: string, field: 'path' | 'template', value: string) => {
  const file = join(program, 'cutover.yaml');
  const text = readFileSync(file, 'utf8');
  const first = text.indexOf('    path: docs/implementation/');
  const line = text.slice(first, text.indexOf('\n', first));
  writeFileSync(file, text.replace(line, field === 'path' ? `    path: ${value}` : `${line}\n    template: ${value}`));
};

describe('record paths (item 3)', () => {
  for (const bad of ['../../outside/x.md', '/tmp/x.md', 'docs/../../x.md']) {
    it(`refuses ${bad} at amend and at define, naming the field, changing nothing`, () => {
      const w = world();
      setRecordField(w.program, 'path', bad);
      const before = snapshot(w.root);
      const amend = cutover(['-C', w.program, 'program', 'amend', '--reason', 'move records', ...as(LOG_OWNER, LATER)]);
      expect(amend.code).toBe(2);
      expect(amend.stderr).toContain('records[0].path');
      expect(snapshot(w.root)).toEqual(before);
      rmSync(join(w.program, '.cutover'), { recursive: true });
      const emptied = snapshot(w.root);
      const define = cutover(['-C', w.program, 'program', 'define', ...as(LOG_OWNER, LATER)]);
      expect(define.code).toBe(2);
      expect(define.stderr).toContain('records[0].path');
      expect(snapshot(w.root)).toEqual(emptied);
    });
  }

  it('a path amended by hand on one side is refused by the other side at sync, and by render on the first side', () => {
    const a = world();
    const b = world();
    amendByHand(a.program, (def) => {
      def.records[0]!.path = '../../outside/x.md';
    });
    const beforeB = snapshot(b.root);
    const sync = cutover(['-C', b.program, 'sync', '--from', a.program]);
    expect(sync.code).toBe(2);
    expect(sync.stderr).toContain('records[0].path');
    expect(snapshot(b.root)).toEqual(beforeB);

    const beforeA = snapshot(a.root);
    const render = cutover(['-C', a.program, 'render', '--all', '--party', 'memorykernel', '--root', a.repo]);
    expect(render.code).toBe(2);
    expect(render.stderr).toContain('records[0].path');
    expect(snapshot(a.root)).toEqual(beforeA);
  });

  it('render --check does not read a file outside the repository into its diff', () => {
    const a = world();
    amendByHand(a.program, (def) => {
      def.records[0]!.path = '../outside/secret.txt';
    });
    const check = cutover(['-C', a.program, 'render', '--check', '--party', 'memorykernel', '--root', a.repo]);
    expect(check.code).toBe(2);
    expect(check.stdout + check.stderr).not.toContain('not for records');
  });

  it('a folder of the record path that is a symlink leading outside is refused; inside the repository it is fine', () => {
    const a = world();
    symlinkSync(join(a.root, 'outside'), join(a.repo, 'docs'));
    const before = snapshot(a.root);
    const render = cutover(['-C', a.program, 'render', '--all', '--party', 'memorykernel', '--root', a.repo]);
    expect(render.code).toBe(2);
    expect(render.stderr).toMatch(/records\[\d\]\.path/);
    expect(snapshot(a.root)).toEqual(before);
    rmSync(join(a.repo, 'docs'));
    mkdirSync(join(a.repo, 'elsewhere'));
    symlinkSync('elsewhere', join(a.repo, 'docs'));
    expect(cutover(['-C', a.program, 'render', '--all', '--party', 'memorykernel', '--root', a.repo]).code).toBe(0);
  });
});

describe('template paths (item 4)', () => {
  it('refuses a template path that leaves the program folder, at amend and at render', () => {
    const w = world();
    setRecordField(w.program, 'template', '../../../../etc/passwd');
    const before = snapshot(w.root);
    const amend = cutover(['-C', w.program, 'program', 'amend', '--reason', 'own template', ...as(LOG_OWNER, LATER)]);
    expect(amend.code).toBe(2);
    expect(amend.stderr).toContain('records[0].template');
    expect(snapshot(w.root)).toEqual(before);

    const a = world();
    amendByHand(a.program, (def) => {
      def.records[0]!.template = '../../../../etc/passwd';
    });
    const render = cutover(['-C', a.program, 'render', '--record', 'producer-decision-record']);
    expect(render.code).toBe(2);
    expect(render.stderr).toContain('template');
    expect(render.stdout + render.stderr).not.toContain('root:');
  });

  it('refuses a template that is a symlink to a file outside the program folder (symlinks resolved)', () => {
    const a = world();
    symlinkSync(join(a.root, 'outside/secret.txt'), join(a.program, 'record.hbs'));
    setRecordField(a.program, 'template', 'record.hbs');
    expect(cutover(['-C', a.program, 'program', 'amend', '--reason', 'own template', ...as(LOG_OWNER, LATER)]).code).toBe(0);
    const render = cutover(['-C', a.program, 'render', '--record', 'producer-decision-record']);
    expect(render.code).toBe(2);
    expect(render.stderr).toContain('symlinks resolved');
    expect(render.stdout + render.stderr).not.toContain('not for records');
  });
});
