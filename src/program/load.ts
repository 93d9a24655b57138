/**
 * Reading `cutover.yaml`. Parsing (YAML, schema, references: `parse-definition.ts`) is loaded and
 * run only when needed: a file whose bytes match the digest recorded in the ledger is not parsed.
 */
import { dirname } from 'node:path';
import { sha256Hex } from '../ledger/canonical.js';
import { MAX_DEFINITION_BYTES } from './limits.js';
import { readTextInside } from './read-text.js';
import type { ProgramDefinition } from './schema.js';

export const DEFINITION_FILE = 'cutover.yaml';

export interface LoadedDefinition {
  readonly file: string;
  readonly definition: ProgramDefinition;
  /** `sha256:` of the definition's canonical JSON: what the ledger anchors. */
  readonly digest: string;
  /** `sha256:` of the file's bytes, recorded beside the definition so an unchanged file needs no parsing. */
  readonly fileDigest: string;
}

/** A `cutover.yaml` read from disk, parsed and validated only when asked. */
export interface DefinitionFile {
  readonly path: string;
  /** `sha256:` of the file's bytes. */
  readonly fileDigest: string;
  /** Parse and validate (once); rejects with InvalidInputError naming every problem. */
  load(): Promise<LoadedDefinition>;
}

export async function loadDefinition(file: string): Promise<LoadedDefinition> {
  return (await readDefinitionFile(file)).load();
}

export async function readDefinitionFile(file: string): Promise<DefinitionFile> {
  // Inside the program folder (a symlink to /etc/passwd would otherwise be quoted in the errors), UTF-8, of a sane size.
  const text = await readTextInside(file, {
    root: dirname(file),
    maxBytes: MAX_DEFINITION_BYTES,
    what: 'a cutover.yaml program definition',
    source: file,
    hints: ['create one with: cutover init (or pick the program folder with -C <dir>)'],
  });
  let loaded: Promise<LoadedDefinition> | undefined;
  return {
    path: file,
    fileDigest: `sha256:${sha256Hex(text)}`,
    load: () => (loaded ??= import('./parse-definition.js').then(({ parseDefinition }) => parseDefinition(text, file))),
  };
}
