/**
 * Where a role's signing key is found: `--key <file>`, else the environment variable
 * `CUTOVER_KEY_<ROLE>` (a PEM, for CI secrets), else the default location for that role.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { invalidInput, SigningKeyNotFoundError } from '../errors.js';
import { generateKeyPair, signerFromPem, type Signer } from '../ledger/keys.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export function keyEnvVar(role: string): string {
  return `CUTOVER_KEY_${role.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** The user's cutover folder: `$CUTOVER_HOME`, else `$XDG_CONFIG_HOME/cutover`, else `~/.config/cutover`. */
export function cutoverHome(env: Environment): string {
  return env.CUTOVER_HOME ?? join(env.XDG_CONFIG_HOME ?? join(env.HOME ?? homedir(), '.config'), 'cutover');
}

/** `$CUTOVER_HOME/keys/<program>/<role>.pem`, where CUTOVER_HOME defaults to `~/.config/cutover`. */
export function defaultKeyPath(program: string, role: string, env: Environment): string {
  return join(cutoverHome(env), 'keys', program, `${role}.pem`);
}

export interface KeySource {
  /** `--key <file>`, when given. */
  readonly keyFile?: string;
  readonly env: Environment;
}

export interface FoundSigner {
  readonly signer: Signer;
  /** Where it came from, for messages. */
  readonly from: string;
}

export async function findSigner(program: string, role: string, source: KeySource): Promise<FoundSigner> {
  const envVar = keyEnvVar(role);
  const defaultPath = defaultKeyPath(program, role, source.env);
  if (source.keyFile !== undefined) return fromFile(source.keyFile, '--key');
  const fromEnv = source.env[envVar];
  if (fromEnv !== undefined && fromEnv !== '') return parse(fromEnv, `environment variable ${envVar}`, envVar);
  try {
    return await fromFile(defaultPath, 'default key location');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new SigningKeyNotFoundError(role, envVar, defaultPath);
    throw e;
  }
}

async function fromFile(file: string, flag: string): Promise<FoundSigner> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' && flag !== '--key') throw err;
    throw invalidInput({ source: flag === '--key' ? `--key ${file}` : file, field: '', expected: 'a readable Ed25519 private key file', found: err.code ?? err.message });
  }
  return parse(pem, file, flag === '--key' ? `--key ${file}` : file);
}

function parse(pem: string, from: string, source: string): FoundSigner {
  try {
    return { signer: signerFromPem(pem), from };
  } catch (e) {
    throw invalidInput({ source, field: '', expected: 'an Ed25519 private key in PEM (from cutover keys generate)', found: (e as Error).message });
  }
}

/** A new Ed25519 key pair for a role: the private key as PEM, the public key as cutover.yaml lists it. */
export function newRoleKey(): { readonly privateKeyPem: string; readonly publicKey: string } {
  return generateKeyPair();
}

/** The public key (as cutover.yaml lists it) of a private key in PEM. */
export function publicKeyOfPem(privateKeyPem: string): string {
  return signerFromPem(privateKeyPem).publicKey;
}
