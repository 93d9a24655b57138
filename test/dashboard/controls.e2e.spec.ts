/**
 * The dashboard's pages never send a control character or a bidirectional override from the
 * ledger raw (issue 21, item 9): a blocker text holding U+202E and NUL is shown as `\u202e`, `\u0000`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { EXAMPLE_PROGRAM, exampleLines, recordedAfter, startServer, type RunningServer } from '../support/server.js';

const running: RunningServer[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop('SIGKILL');
});

describe('dashboard: text from the ledger', () => {
  it('shows U+202E and NUL in a blocker text escaped, on every page that shows it', async () => {
    const lines = exampleLines();
    const owner = 'integration-program-owner';
    const text = 'all clear \u202edenepo\u202c and\u0000 done';
    lines.push(recordedAfter(lines, { type: 'raise-blocker', actor: owner, at: '2026-02-09T10:00:00.000Z', id: 'T-1', text, owner, due: '2026-03-01' }));
    const data = tempDir();
    writeFileSync(join(data, `${EXAMPLE_PROGRAM}.jsonl`), lines.join('\n') + '\n');
    const server = await startServer(['--data', data]);
    running.push(server);

    for (const path of ['/', `/programs/${EXAMPLE_PROGRAM}`, `/programs/${EXAMPLE_PROGRAM}/events/${lines.length}`]) {
      const answer = await fetch(`${server.url}${path}`);
      expect(answer.status, path).toBe(200);
      const body = await answer.text();
      expect(body, path).not.toMatch(/[\u0000\u202c\u202e]/);
      if (path !== '/') expect(body, path).toContain('all clear \\u202edenepo\\u202c and\\u0000 done');
    }
  });
});
