/**
 * A line of the wrong shape, read by the built `verify`: it fails naming the line, and says what is
 * wrong in the schema's words, the same as the line check that has the schemas at hand (`checkLine`),
 * though the streamed `verify` loads the schemas only once such a line turns up.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLine } from '../../src/ledger/chain.js';
import { copyOfExample, cutover, ledgerOf } from '../support/cli.js';

/** The example with its line `index` (0-based) changed by `edit`, and that line as written. */
function withLine(index: number, edit: (event: Record<string, unknown>) => void): { dir: string; line: string } {
  const dir = copyOfExample();
  const lines = ledgerOf(dir).trimEnd().split('\n');
  const event = JSON.parse(lines[index]!) as Record<string, unknown>;
  edit(event);
  lines[index] = JSON.stringify(event);
  writeFileSync(join(dir, '.cutover/ledger.jsonl'), lines.join('\n') + '\n');
  return { dir, line: lines[index]! };
}

describe('verify on a line of the wrong shape', () => {
  it.each([
    ['its data', 1, (e: Record<string, unknown>) => void ((e.data as Record<string, unknown>).phase = 7)],
    ['the line itself', 2, (e: Record<string, unknown>) => void (e.v = 2)],
  ])('in %s: exit 3 naming the line, in the words of the check that has the schemas', (_what, index, edit) => {
    const { dir, line } = withLine(index, edit);
    const expected = checkLine(line);
    expect(expected.ok).toBe(false);
    const detail = (expected as { detail: string }).detail;
    expect(detail).toMatch(/^(phase\.started data|not a ledger line): \/\S*: /);
    for (const threads of ['1', '2']) {
      const run = cutover(['-C', dir, 'verify', '--threads', threads]);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(`ledger.jsonl:${index + 1}: seq ${index + 1} malformed: ${detail}\n`);
    }
  });
});
