/**
 * Where a party's git checkout is: `--repo`/`--cwd` when given (relative to the current directory), else
 * CUTOVER_CHECKOUT_<PARTY> (for CI; relative to the current directory), else the party's `checkout:` in
 * cutover.yaml (relative to the program folder).
 */
import { isAbsolute, resolve } from 'node:path';
import { invalidInput } from '../errors.js';
import type { ProgramDefinition } from '../program/schema.js';

export interface CheckoutContext {
  readonly def: ProgramDefinition;
  /** The program folder. */
  readonly dir: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** CUTOVER_CHECKOUT_ASSISTSUPPORT for party assistsupport (`-` → `_`). */
export function checkoutVariable(party: string): string {
  return `CUTOVER_CHECKOUT_${party.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** The checkout of `party`, or null when none is given or declared. */
export function findCheckout(ctx: CheckoutContext, party: string, given: string | undefined): string | null {
  if (given !== undefined) return resolve(ctx.cwd, given);
  const fromEnv = ctx.env[checkoutVariable(party)];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(ctx.cwd, fromEnv);
  const declared = ctx.def.parties.find((p) => p.id === party)?.checkout;
  if (declared === undefined) return null;
  return isAbsolute(declared) ? declared : resolve(ctx.dir, declared);
}

/** The checkout of `party`; without one, bad input naming the three places it can come from. */
export function requireCheckout(ctx: CheckoutContext, party: string, flag: '--repo' | '--cwd', given: string | undefined): string {
  const found = findCheckout(ctx, party, given);
  if (found !== null) return found;
  throw invalidInput({
    source: flag,
    field: '',
    expected: `${party}'s git checkout: ${flag} <path>, or ${checkoutVariable(party)}, or checkout: in cutover.yaml (parties[id=${party}].checkout, relative to the program folder)`,
    found: 'none of them',
  });
}
