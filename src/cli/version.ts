/** The version of cutover, from package.json: two folders up from src/cli, dist/cli and dist/bundle alike. */
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
