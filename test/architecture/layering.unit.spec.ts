// The layering of src/, checked on every test run from the import graph itself (static imports,
// re-exports and dynamic import()s): a module that crosses a line fails here, named with the
// import that crosses it. The rules are the architecture's (docs/architecture.md).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

const SRC = join(ROOT, 'src');

interface Module {
  /** Path under src/, e.g. `cli/commands/serve.ts`. */
  readonly path: string;
  readonly layer: string;
  readonly text: string;
  /** What it imports: modules under src/ (as paths under src/), packages and node: built-ins as written. */
  readonly imports: readonly string[];
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'dashboard' && dir === SRC ? [] : sources(path); // src/dashboard is browser code
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)'([^']+)'/g;

const modules: Module[] = sources(SRC).map((file) => {
  const path = relative(SRC, file);
  const text = readFileSync(file, 'utf8');
  const imports = [...text.matchAll(SPECIFIER)].map(([, spec]) => (spec!.startsWith('.') ? relative(SRC, resolve(dirname(file), spec!)).replace(/\.js$/, '.ts') : spec!));
  return { path, layer: path.includes('/') ? path.slice(0, path.indexOf('/')) : path, text, imports };
});
const byPath = new Map(modules.map((m) => [m.path, m]));
const layerOf = (path: string) => (path.includes('/') ? path.slice(0, path.indexOf('/')) : path);
const isSrc = (spec: string) => byPath.has(spec);

/** Every `from → to` import where `from` matches and `to` is forbidden. */
function crossings(from: (m: Module) => boolean, forbidden: (spec: string, m: Module) => boolean): string[] {
  return modules.filter(from).flatMap((m) => m.imports.filter((spec) => forbidden(spec, m)).map((spec) => `src/${m.path} imports ${isSrc(spec) ? `src/${spec}` : spec}`));
}

describe('layering of src/', () => {
  it('finds the modules and their imports (the check checks something)', () => {
    expect(modules.length).toBeGreaterThan(100);
    expect(byPath.get('cli/commands/serve.ts')?.imports).toContain('store/served-file-store.ts');
    expect(crossings((m) => m.path === 'cli/commands/serve.ts', (spec) => spec.startsWith('store/'))).not.toEqual([]);
  });

  it('src/cli and src/server never import src/ledger: they go through src/app', () => {
    expect(crossings((m) => m.layer === 'cli' || m.layer === 'server', (spec) => isSrc(spec) && layerOf(spec) === 'ledger')).toEqual([]);
  });

  it('in src/cli, only the server\'s start-up (cli/commands/serve.ts) builds a store', () => {
    expect(crossings((m) => m.layer === 'cli' && m.path !== 'cli/commands/serve.ts', (spec) => isSrc(spec) && layerOf(spec) === 'store')).toEqual([]);
  });

  it('src/attest uses app, ledger, domain and program only (never cli, server or a store); the CLI reaches it, not src/ledger', () => {
    const allowed = ['attest', 'app', 'ledger', 'domain', 'program', 'errors.ts'];
    expect(modules.filter((m) => m.layer === 'attest').length).toBeGreaterThan(2);
    expect(crossings((m) => m.layer === 'attest', (spec) => isSrc(spec) && !allowed.includes(layerOf(spec)))).toEqual([]);
    expect(crossings((m) => m.layer !== 'cli' && m.layer !== 'attest', (spec) => isSrc(spec) && layerOf(spec) === 'attest')).toEqual([]);
  });

  it('src/ledger never imports src/store', () => {
    expect(crossings((m) => m.layer === 'ledger', (spec) => isSrc(spec) && layerOf(spec) === 'store')).toEqual([]);
  });

  // What the domain may use: schemas, parsers of text it is handed (they read no file, no clock, no
  // network), and node:module to load those parsers on first use (program/text-parsers.ts).
  const PURE = ['@sinclair/typebox', 'yaml', 'smol-toml', 're2js', 'node:util', 'node:module'];

  it('src/domain reaches nothing with I/O: no other node: built-in, no other layer, no package but pure ones, however indirectly', () => {
    const seen = new Set<string>();
    const reached: string[] = [];
    const visit = (path: string, via: string) => {
      if (seen.has(path)) return;
      seen.add(path);
      for (const spec of byPath.get(path)!.imports) {
        if (isSrc(spec)) {
          if (!['domain', 'program', 'errors.ts'].includes(layerOf(spec))) reached.push(`${via} → src/${spec}`);
          else visit(spec, `${via} → src/${spec}`);
        } else if (!PURE.some((p) => spec === p || spec.startsWith(`${p}/`))) reached.push(`${via} → ${spec}`);
      }
    };
    for (const m of modules.filter((m) => m.layer === 'domain')) visit(m.path, `src/${m.path}`);
    expect(seen.size).toBeGreaterThan(10);
    expect(reached).toEqual([]);
  });

  it('only src/app verifies and appends: no module elsewhere imports the verifier or calls a store\'s append', () => {
    const verifier = ['ledger/verify.ts', 'ledger/check-pool.ts'];
    expect(crossings((m) => m.layer !== 'app' && m.layer !== 'ledger', (spec) => verifier.includes(spec))).toEqual([]);
    const appends = modules.filter((m) => m.layer !== 'app' && m.layer !== 'store' && /\b(store|this\.store)\.append(Measured)?\(/.test(m.text)).map((m) => `src/${m.path}`);
    expect(appends).toEqual([]);
  });
});
