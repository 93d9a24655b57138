/** `keys generate`: a role's Ed25519 key, written outside the repo with mode 0600. */
import { execFileSync } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { defaultKeyPath, findSigner } from '../../app/keyring.js';
import { invalidInput } from '../../errors.js';
import { newRoleKey } from '../../app/keyring.js';
import { DEFINITION_FILE, loadDefinition } from '../../program/load.js';
import { EXIT, type CliIo } from '../io.js';
import type { KeysGenerateOptions, KeysShowOptions } from '../options.js';
import { resolveDir } from './context.js';

export async function keysGenerate(o: KeysGenerateOptions, io: CliIo): Promise<number> {
  const dir = resolveDir(o.dir, io);
  const { definition, file } = await loadDefinition(join(dir, DEFINITION_FILE));
  if (!definition.roles.some((r) => r.id === o.role)) {
    throw invalidInput({ source: '--role', field: '', expected: `a role of ${file}: ${definition.roles.map((r) => r.id).join(', ')}`, found: JSON.stringify(o.role) });
  }
  const out = o.out === undefined ? defaultKeyPath(definition.program.id, o.role, io.env) : resolve(io.cwd, o.out);
  for (const root of [dir, gitRoot(dir)]) {
    if (root !== null && !relative(root, out).startsWith('..')) {
      throw invalidInput({ source: '--out', field: '', expected: `a path outside the repository ${root} (a private key must never be committed)`, found: out });
    }
  }
  const { privateKeyPem, publicKey } = newRoleKey();
  await mkdir(dirname(out), { recursive: true, mode: 0o700 });
  let handle;
  try {
    handle = await open(out, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw invalidInput({ source: out, field: '', expected: 'no existing key file (keys are never overwritten)', found: 'an existing file' });
    }
    throw e;
  }
  await handle.writeFile(privateKeyPem);
  await handle.close();
  io.stderr(`wrote the private key for ${o.role} to ${out} (mode 0600)\nadd this public key to roles[id=${o.role}].keys in cutover.yaml:\n`);
  io.stdout(`${publicKey}\n`);
  return EXIT.ok;
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
