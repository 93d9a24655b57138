/** `keys generate`: a role's Ed25519 key (or one for every role without, with --all), written outside the repo with mode 0600. */
import { execFileSync } from 'node:child_process';
import { mkdir, open, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { isMap, isSeq, parseDocument } from 'yaml';
import { dirname, join, relative, resolve } from 'node:path';
import { defaultKeyPath, findSigner } from '../../app/keyring.js';
import { invalidInput } from '../../errors.js';
import { newRoleKey, publicKeyOfPem } from '../../app/keyring.js';
import { openProgram } from '../../app/workspace.js';
import { DEFINITION_FILE, loadDefinition } from '../../program/load.js';
import { EXIT, type CliIo } from '../io.js';
import type { KeysGenerateOptions, KeysShowOptions } from '../options.js';
import { resolveDir } from './context.js';

export async function keysGenerate(o: KeysGenerateOptions, io: CliIo): Promise<number> {
  if (o.all === true) return keysGenerateAll(o, io);
  const dir = resolveDir(o.dir, io);
  const { definition, file } = await loadDefinition(join(dir, DEFINITION_FILE));
  if (o.role === undefined) {
    throw invalidInput({ source: 'keys generate', field: '', expected: `--role <role> (one of ${definition.roles.map((r) => r.id).join(', ')}) or --all`, found: 'neither' });
  }
  const role = o.role;
  if (!definition.roles.some((r) => r.id === role)) {
    throw invalidInput({ source: '--role', field: '', expected: `a role of ${file}: ${definition.roles.map((r) => r.id).join(', ')}`, found: JSON.stringify(o.role) });
  }
  const out = o.out === undefined ? defaultKeyPath(definition.program.id, role, io.env) : resolve(io.cwd, o.out);
  refuseInsideRepository(dir, out);
  const { publicKey } = await writeNewKey(out);
  io.stderr(`wrote the private key for ${role} to ${out} (mode 0600)\nadd this public key to roles[id=${role}].keys in cutover.yaml (or run cutover keys generate --all):\n`);
  io.stdout(`${publicKey}\n`);
  return EXIT.ok;
}

/**
 * `keys generate --all`: a key for every role with none in cutover.yaml, each public key written
 * into its role's `keys:`. The file is edited where the keys stand (found with the yaml package's
 * document API), so its comments and layout stay as they were.
 */
async function keysGenerateAll(o: KeysGenerateOptions, io: CliIo): Promise<number> {
  const dir = resolveDir(o.dir, io);
  const path = join(dir, DEFINITION_FILE);
  const { definition } = await loadDefinition(path);
  const keyless = definition.roles.filter((r) => r.keys.length === 0).map((r) => r.id);
  if (keyless.length === 0) {
    io.stderr(`every role in ${path} has a key already: nothing to generate\n`);
    return EXIT.ok;
  }
  // Whether the program is defined decides the next step (amend or define): asked before anything is written.
  const ws = await openProgram(dir);
  const outs = keyless.map((role) => [role, defaultKeyPath(definition.program.id, role, io.env)] as const);
  // Every path is checked before any key is written.
  for (const [, out] of outs) refuseInsideRepository(dir, out, 'the default key location ($CUTOVER_HOME, else ~/.config/cutover)');
  const keys = new Map<string, string>();
  for (const [role, out] of outs) {
    const { publicKey, kept } = await writeNewKey(out, true);
    keys.set(role, publicKey);
    io.stderr(kept ? `kept the existing private key for ${role} at ${out}\n` : `wrote the private key for ${role} to ${out} (mode 0600)\n`);
    io.stdout(`${role} ${publicKey}\n`);
  }
  const text = await readFile(path, 'utf8');
  const edited = withRoleKeys(text, keys, path);
  // The edited file must read as the same program with these keys: checked before it replaces the old one.
  const { parseDefinition } = await import('../../program/parse-definition.js');
  const check = parseDefinition(edited, path).definition;
  for (const [role, key] of keys) {
    if (!(check.roles.find((r) => r.id === role)?.keys ?? []).includes(key)) throw new Error(`internal error: the key of ${role} did not land in ${path}`);
  }
  const draft = `${path}.${process.pid}.tmp`;
  await writeFile(draft, edited, { mode: (await stat(path)).mode & 0o777 });
  await rename(draft, path);
  io.stderr(`added ${keys.size} public key${keys.size === 1 ? '' : 's'} to ${path} (${[...keys.keys()].join(', ')})\n`);
  const logOwner = definition.roles.find((r) => r.duties.includes('decision-log-owner'))?.id ?? '<decision-log-owner role>';
  if (ws.state.definition !== null) {
    io.stderr(`the program is defined: record the change with\n  cutover program amend --reason "keys for ${[...keys.keys()].join(', ')}" --as ${logOwner}\n`);
  } else {
    io.stderr(`next: cutover program define --as ${logOwner}\n`);
  }
  return EXIT.ok;
}

/** `text` with each role's `keys: []` replaced by its new key; nothing else in the file moves. */
export function withRoleKeys(text: string, keys: ReadonlyMap<string, string>, source: string): string {
  const doc = parseDocument(text, { keepSourceTokens: true });
  const roles = doc.get('roles', true);
  const edits: { from: number; to: number; text: string }[] = [];
  if (isSeq(roles)) {
    for (const role of roles.items) {
      if (!isMap(role)) continue;
      const id = role.get('id');
      const key = typeof id === 'string' ? keys.get(id) : undefined;
      if (key === undefined) continue;
      const node = role.get('keys', true);
      if (!isSeq(node) || node.items.length > 0 || node.range === undefined || node.range === null) {
        throw invalidInput({ source, field: `roles[id=${id}].keys`, expected: 'an empty list ([]) to put the new key in', found: node === undefined ? 'no keys field' : String(node) });
      }
      edits.push({ from: node.range[0], to: node.range[1], text: `[${JSON.stringify(key)}]` });
    }
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.from - a.from)) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}

function refuseInsideRepository(dir: string, out: string, source = '--out'): void {
  for (const root of [dir, gitRoot(dir)]) {
    if (root !== null && !relative(root, out).startsWith('..')) {
      throw invalidInput({ source, field: '', expected: `a path outside the repository ${root} (a private key must never be committed)`, found: out });
    }
  }
}

/** A new key at `out` (never overwriting one); with `keep`, an existing key there is kept and its public key returned. */
async function writeNewKey(out: string, keep = false): Promise<{ publicKey: string; kept: boolean }> {
  const { privateKeyPem, publicKey } = newRoleKey();
  await mkdir(dirname(out), { recursive: true, mode: 0o700 });
  let handle;
  try {
    handle = await open(out, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      // A key left by an earlier run that stopped before cutover.yaml was written: use it, never replace it.
      if (keep) return { publicKey: publicKeyOfPem(await readFile(out, 'utf8')), kept: true };
      throw invalidInput({ source: out, field: '', expected: 'no existing key file (keys are never overwritten)', found: 'an existing file' });
    }
    throw e;
  }
  await handle.writeFile(privateKeyPem);
  await handle.close();
  return { publicKey, kept: false };
}

function gitRoot(dir: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
  } catch {
    return null;
  }
}

/** `keys show`: the public key of a role's existing key (found as when signing), to paste into cutover.yaml. */
export async function keysShow(o: KeysShowOptions, io: CliIo): Promise<number> {
  const dir = resolveDir(o.dir, io);
  const { definition, file } = await loadDefinition(join(dir, DEFINITION_FILE));
  const role = definition.roles.find((r) => r.id === o.role);
  if (role === undefined) {
    throw invalidInput({ source: '--role', field: '', expected: `a role of ${file}: ${definition.roles.map((r) => r.id).join(', ')}`, found: JSON.stringify(o.role) });
  }
  const { signer, from } = await findSigner(definition.program.id, o.role, { env: io.env, ...(o.key === undefined ? {} : { keyFile: resolve(io.cwd, o.key) }) });
  const listed = role.keys.includes(signer.publicKey);
  io.stderr(`the key for ${o.role} from ${from}${listed ? ' is one of its keys in cutover.yaml' : ` is not in roles[id=${o.role}].keys of cutover.yaml yet`}\n`);
  io.stdout(`${signer.publicKey}\n`);
  return EXIT.ok;
}
