/** The version of cutover, from package.json: two folders up from src/cli, dist/cli and dist/bundle alike. */
import { readFileSync } from 'node:fs';

// The bundle carries it (set at build time from the same package.json): one file less to read at every start.
declare const __CUTOVER_VERSION__: string | undefined;

export function packageVersion(): string {
  if (typeof __CUTOVER_VERSION__ === 'string') return __CUTOVER_VERSION__;
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
