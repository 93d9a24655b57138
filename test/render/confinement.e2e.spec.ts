/**
 * Record paths and template paths stay inside their folders (issue 16, items 3 and 4): refused at
 * define, amend, sync and render with exit 2, and nothing is written (or read) outside, checked by
 * listing the file system before and after.
 */
import { cpSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

describe('a symlink at a record path (issue 21, item 8)', () => {
  const RECORD = 'docs/implementation/RUNTIME_CUTOVER_DECISION_RECORD_PRODUCER_2026-02-08.md';
  const links: Record<string, (w: ReturnType<typeof world>) => string> = {
    'dangling, leading outside': (w) => join(w.root, 'outside/planted.md'),
    'dangling, inside the repository': () => 'missing.md',
    'to a file inside the repository': (w) => {
      writeFileSync(join(w.repo, 'docs/implementation/other.md'), 'another record\n');
      return 'other.md';
    },
    'to a file outside': (w) => join(w.root, 'outside/secret.txt'),
  };
  for (const [kind, target] of Object.entries(links)) {
    it(`render --all refuses one ${kind}, exit 2, and writes nothing anywhere`, () => {
      const w = world();
      mkdirSync(join(w.repo, 'docs/implementation'), { recursive: true });
      symlinkSync(target(w), join(w.repo, RECORD));
      const before = snapshot(w.root);
      const render = cutover(['-C', w.program, 'render', '--all', '--party', 'memorykernel', '--root', w.repo]);
      expect(render.code).toBe(2);
      expect(render.stderr).toMatch(/records\[\d\]\.path/);
      expect(render.stderr).toContain('not a symbolic link');
      expect(snapshot(w.root)).toEqual(before);
      expect(existsSync(join(w.root, 'outside/planted.md'))).toBe(false);
    });
  }

  it('render --all replaces a record file through a rename: a hard link to a file outside is not written through, and no draft is left', () => {
    const w = world();
    mkdirSync(join(w.repo, 'docs/implementation'), { recursive: true });
    linkSync(join(w.root, 'outside/secret.txt'), join(w.repo, RECORD));
    const render = cutover(['-C', w.program, 'render', '--all', '--party', 'memorykernel', '--root', w.repo]);
    expect(render.code).toBe(0);
    expect(readFileSync(join(w.root, 'outside/secret.txt'), 'utf8')).toBe('not for records\n');
    expect(readFileSync(join(w.repo, RECORD), 'utf8')).toContain('Decision Record');
    expect(readdirSync(join(w.repo, 'docs/implementation')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
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

  for (const [kind, target] of [['outside the program folder', '../../outside/secret.txt'], ['inside it', 'real.hbs'], ['dangling', 'gone.hbs']] as const) {
    it(`refuses a template that is a symlink ${kind}, at amend and at render (issue 21, item 8)`, () => {
      const w = world();
      writeFileSync(join(w.program, 'real.hbs'), '# {{record.title}}\n');
      symlinkSync(target, join(w.program, 'record.hbs'));
      setRecordField(w.program, 'template', 'record.hbs');
      const before = snapshot(w.root);
      const amend = cutover(['-C', w.program, 'program', 'amend', '--reason', 'own template', ...as(LOG_OWNER, LATER)]);
      expect(amend.code).toBe(2);
      expect(amend.stderr).toContain('records[0].template');
      expect(amend.stderr).toContain('not a symbolic link');
      expect(snapshot(w.root)).toEqual(before);

      // A ledger whose definition names it (written by another tool): render refuses it too.
      const a = world();
      writeFileSync(join(a.program, 'real.hbs'), '# {{record.title}}\n');
      amendByHand(a.program, (def) => {
        def.records[0]!.template = 'record.hbs';
      });
      symlinkSync(target, join(a.program, 'record.hbs'));
      const render = cutover(['-C', a.program, 'render', '--record', 'producer-decision-record']);
      expect(render.code).toBe(2);
      expect(render.stderr).toContain('not a symbolic link');
      expect(render.stdout + render.stderr).not.toContain('not for records');
    });
  }
});
