/**
 * The bundled CLI's V8 code cache (src/cli/code-cache.ts) is a shortcut only: the build's cache is
 * used, and a cache that is missing, damaged, made from other text or refused by the running V8
 * leaves every command's output and exit code as they are, on a copy of the built bundle.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE, ROOT, tempDir } from '../support/cli.js';

// Prints, for every chunk the bundle's entry compiles, whether V8 took the code cache it was given.
const REPORT_CACHE = `const vm = process.getBuiltinModule('node:vm');
vm.Script = class extends vm.Script {
  constructor(code, options) {
    super(code, options);
    process._rawDebug('code cache ' + options.filename.split(/[\\\\/]/).pop() + ' ' + (options.cachedData === undefined ? 'none' : this.cachedDataRejected ? 'refused' : 'used'));
  }
};`;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Chunk file name → none, refused or used. */
  readonly caches: Map<string, string>;
}

function run(root: string, args: readonly string[], nodeFlags: readonly string[] = []): Run {
  const result = spawnSync(process.execPath, [...nodeFlags, '--import', `data:text/javascript,${encodeURIComponent(REPORT_CACHE)}`, join(root, 'bin', 'cutover.js'), ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: join(tmpdir(), 'cutover-no-home') },
  });
  const caches = new Map<string, string>();
  const stderr = result.stderr.replace(/^code cache (\S+) (\S+)\n/gm, (_, chunk: string, what: string) => (caches.set(chunk, what), ''));
  return { code: result.status ?? -1, stdout: result.stdout, stderr, caches };
}

/** bin/, dist/bundle/ and package.json of the build, in a folder of their own (node_modules linked). */
function copyOfBuild(): string {
  const root = tempDir();
  for (const part of ['bin', join('dist', 'bundle'), 'package.json']) cpSync(join(ROOT, part), join(root, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

const bundleOf = (root: string) => join(root, 'dist', 'bundle');
/** The one chunk whose text holds `text`. */
function chunkHolding(root: string, text: string): string {
  const found = readdirSync(bundleOf(root)).filter((f) => f.endsWith('.js') && readFileSync(join(bundleOf(root), f), 'utf8').includes(text));
  expect(found).toHaveLength(1);
  return found[0]!;
}

// Commands whose output does not depend on the clock; gate exits 1 (runtime-cutover is NO-GO on the example).
const READS = [['verify'], ['log', '--json'], ['render', '--record', 'producer-decision-record'], ['gate', 'runtime-cutover'], ['--version']] as const;

describe('the code cache of the bundled CLI', () => {
  it('is the build\'s: every chunk verify loads takes its cache', () => {
    const ran = run(ROOT, ['-C', EXAMPLE, 'verify']);
    expect(ran.code).toBe(0);
    expect(ran.caches.get('cli.js')).toBe('used');
    expect(ran.caches.size).toBeGreaterThan(2);
    expect([...ran.caches].filter(([, what]) => what !== 'used')).toEqual([]);
  });

  it('made from other text of the same length is not used: the chunk runs its own text', () => {
    const root = copyOfBuild();
    const chunk = chunkHolding(root, 'chain, signatures and policy verify');
    const verify = join(bundleOf(root), chunk);
    writeFileSync(verify, readFileSync(verify, 'utf8').replace('chain, signatures and policy verify', 'CHAIN, signatures and policy verify'));
    const ran = run(root, ['-C', EXAMPLE, 'verify']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^ok: 7 events, CHAIN, signatures and policy verify; head sha256:/);
    expect(ran.caches.get(chunk)).toBe('none');
    expect(ran.caches.get('cli.js')).toBe('used');
  });

  for (const [what, spoil, nodeFlags, expected] of [
    ['missing', (root: string) => readdirSync(bundleOf(root)).filter((f) => f.endsWith('.cache')).forEach((f) => rmSync(join(bundleOf(root), f))), [], 'none'],
    [
      'damaged',
      (root: string) =>
        readdirSync(bundleOf(root))
          .filter((f) => f.endsWith('.cache'))
          .forEach((f) => {
            const kept = readFileSync(join(bundleOf(root), f));
            // A byte of V8's data (the digest is the first 32).
            const at = kept.length >> 1;
            kept[at] = kept[at]! ^ 0xff;
            writeFileSync(join(bundleOf(root), f), kept);
          }),
      [],
      'none',
    ],
    // Another V8 flag makes another V8 as far as a code cache goes.
    ['refused by the running V8', () => {}, ['--stack-size=2000'], 'refused'],
  ] as const) {
    it(`${what}, changes no command's output or exit code`, () => {
      const root = copyOfBuild();
      // The checkpoint the first read leaves is the same for both: each gets its own example.
      const before = READS.map((args) => run(root, args[0] === '--version' ? args : ['-C', exampleCopy(), ...args]));
      spoil(root);
      for (const [i, args] of READS.entries()) {
        const ran = run(root, args[0] === '--version' ? args : ['-C', exampleCopy(), ...args], nodeFlags);
        expect([...new Set(ran.caches.values())]).toEqual([expected]);
        expect({ code: ran.code, stdout: ran.stdout, stderr: ran.stderr }).toEqual({ code: before[i]!.code, stdout: before[i]!.stdout, stderr: before[i]!.stderr });
      }
      expect(before.map((r) => [...new Set(r.caches.values())])).toEqual(READS.map(() => ['used']));
    });
  }
});

function exampleCopy(): string {
  const dir = join(tempDir(), 'example');
  mkdirSync(dir);
  cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}
