/**
 * The parsers pins and patterns need (TOML, YAML, RE2), loaded on first use: every command that
 * folds a ledger reaches the pin rules, but only one that judges a pin needs a parser, and loading
 * them all at start-up (about 300 KB) slowed every `status`. Loading code reads no file of the
 * user's, no clock and no network: the rules that use them stay pure.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

let re2: typeof import('re2js') | undefined;
let toml: typeof import('smol-toml') | undefined;
let yaml: typeof import('yaml') | undefined;

export const re2js = (): typeof import('re2js') => (re2 ??= load('re2js') as typeof import('re2js'));
export const smolToml = (): typeof import('smol-toml') => (toml ??= load('smol-toml') as typeof import('smol-toml'));
export const yamlParser = (): typeof import('yaml') => (yaml ??= load('yaml') as typeof import('yaml'));
