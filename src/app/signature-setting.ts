/**
 * The choice of signature check a process was started with (`CUTOVER_ED25519`, read where the
 * checks are made: src/ledger/strict-ed25519.ts), refused at start when it says anything else: read
 * there, `OpenSSL` or `sodium` would silently mean the default, libsodium first, the opposite of
 * what `openssl` asks.
 */
import { invalidInput } from '../errors.js';
import { ED25519_ENV, ED25519_SETTINGS } from '../ledger/strict-ed25519.js';

export function checkSignatureSetting(env: Readonly<Record<string, string | undefined>>): void {
  const value = env[ED25519_ENV];
  if (value === undefined || value === '' || ED25519_SETTINGS.includes(value)) return;
  throw invalidInput(
    { source: ED25519_ENV, field: '', expected: `${ED25519_SETTINGS.join(' or ')}, or unset (libsodium first once 64 signatures are checked)`, found: JSON.stringify(value) },
    [`unset ${ED25519_ENV}, or set it to openssl to check every signature with OpenSSL alone`],
  );
}
