/**
 * N recording commands started at once, through the built CLI: what each printed, and how it exited.
 * Used by the race tests (a few rounds in `npm test`) and by `npm run test:stress` (many rounds).
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, demoKey, INHERITED_ENV } from './cli.js';

export interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The text of the blocker this writer raised. */
  readonly text: string;
}

const OWNER = 'integration-program-owner';

/**
 * `blocker raise` by `writers` processes at the same moment, each with its own text (`round` makes it
 * unique), each run in `cwd` (or the folder it names for that writer); `where` is -C or --server flags.
 */
export function raceBlockers(where: readonly string[], writers: number, round: string, cwd: string | ((writer: number) => string), env: Record<string, string> = {}): Promise<Outcome[]> {
  return Promise.all(
    Array.from({ length: writers }, (_, i) => {
      const text = `round ${round} writer ${i + 1}`;
      const args = [BIN, ...where, 'blocker', 'raise', '--text', text, '--owner', OWNER, '--due', '2027-03-01', '--as', OWNER, '--key', demoKey(OWNER)];
      return new Promise<Outcome>((resolve) => {
        const child = spawn(process.execPath, args, { cwd: typeof cwd === 'string' ? cwd : cwd(i), env: { PATH: process.env.PATH ?? '', HOME: join(tmpdir(), 'cutover-no-home'), ...INHERITED_ENV, ...env } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr, text }));
      });
    }),
  );
}

/** How many rounds: a few in `npm test`, CUTOVER_RACE_ROUNDS in the stress run. */
export function raceRounds(fallback: number): number {
  const n = Number(process.env.CUTOVER_RACE_ROUNDS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
