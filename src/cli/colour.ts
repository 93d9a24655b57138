/**
 * Colour for people at a terminal, never for a pipe or a CI log unless asked: NO_COLOR (any non-empty
 * value, https://no-color.org) turns it off, FORCE_COLOR (any value but `0` or `false`) turns it on,
 * and otherwise stdout must be a TTY. Colour only adds to text: GO and NO-GO differ in words too.
 */
import picocolors from 'picocolors';
import type { CliIo } from './io.js';

export type Paint = (text: string) => string;

/** What each kind of word looks like; the plain palette leaves every word as it is. */
export interface Palette {
  readonly heading: Paint;
  readonly good: Paint;
  readonly bad: Paint;
  readonly waiting: Paint;
  readonly command: Paint;
}

export function colourWanted(env: Readonly<Record<string, string | undefined>>, stdoutIsTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return stdoutIsTTY;
}

export function palette(colour: boolean): Palette {
  const c = picocolors.createColors(colour);
  return {
    heading: (t) => c.bold(t),
    good: (t) => c.green(t),
    bad: (t) => c.bold(c.red(t)),
    waiting: (t) => c.yellow(t),
    command: (t) => c.cyan(t),
  };
}

export const PLAIN: Palette = palette(false);

/** The palette for this run's stdout. */
export function paletteFor(io: CliIo): Palette {
  return palette(colourWanted(io.env, io.stdoutIsTTY === true));
}

/** Write text styled by cutover: every string from the ledger in it must have been escaped already. */
export function writeStyled(io: CliIo, text: string): void {
  (io.escapedStdout ?? io.stdout)(text);
}
