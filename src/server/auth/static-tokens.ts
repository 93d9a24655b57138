/**
 * Static bearer tokens (`--token PROGRAM=TOKEN`, `--create-token`), for small setups: kept only as
 * sha256 digests, and a given token is compared with each in constant time, so neither the process's
 * memory nor the time an answer takes tells a token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

export class StaticTokens {
  private readonly perProgram = new Map<string, Buffer[]>();
  private readonly creation: Buffer[];

  constructor(programTokens: ReadonlyMap<string, readonly string[]>, createTokens: readonly string[]) {
    for (const [program, tokens] of programTokens) this.perProgram.set(program, tokens.map(digest));
    this.creation = createTokens.map(digest);
  }

  /** Is the program protected by static tokens of its own? */
  protects(program: string): boolean {
    return this.perProgram.has(program);
  }

  get hasCreationTokens(): boolean {
    return this.creation.length > 0;
  }

  /** Is `given` one of the program's own tokens? */
  opens(program: string, given: string | undefined): boolean {
    return given !== undefined && anyEqual(digest(given), this.perProgram.get(program) ?? []);
  }

  /** Is `given` a creation token? */
  creates(given: string | undefined): boolean {
    return given !== undefined && anyEqual(digest(given), this.creation);
  }

  /** Is `given` any static token this server knows (then it is not checked as a JWT)? */
  knows(given: string): boolean {
    const d = digest(given);
    return anyEqual(d, this.creation) || [...this.perProgram.values()].some((digests) => anyEqual(d, digests));
  }
}

/** Compared with every digest, not stopping at the first match: the time taken does not say which. */
function anyEqual(given: Buffer, digests: readonly Buffer[]): boolean {
  let found = false;
  for (const d of digests) found = timingSafeEqual(given, d) || found;
  return found;
}
