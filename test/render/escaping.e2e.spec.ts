/**
 * Text from the ledger never drives a terminal, never leaves its place in a record, and a template
 * naming an inherited property is an error, not a blank (issue 16, item 9).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { as, copyOfExample, cutover } from '../support/cli.js';
import { snapshot } from '../support/snapshot.js';

const PRODUCER = 'memorykernel-release-owner';
const LOG_OWNER = 'integration-program-owner';
const LATER = '2026-02-09T09:00:00Z';

describe('escaping', () => {
  it('status shows ANSI escapes and carriage returns in a blocker text as \\u001b, never raw', () => {
    const dir = copyOfExample();
    const text = 'waiting \u001b[2J\u001b[31mfor\u001b[0m review\rall clear \u202e';
    expect(cutover(['-C', dir, 'blocker', 'raise', '--text', text, '--owner', PRODUCER, '--due', '2026-03-01', ...as(PRODUCER, LATER)]).code).toBe(0);
    for (const args of [['status'], ['log'], ['status', '--json'], ['log', '--json']]) {
      const run = cutover(['-C', dir, ...args]);
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stdout, args.join(' ')).not.toMatch(/[\u001b\r\u202e]/);
    }
    const status = cutover(['-C', dir, 'status']);
    expect(status.stdout).toContain('waiting \\u001b[2J\\u001b[31mfor\\u001b[0m review\\u000dall clear \\u202e');
    // JSON stays JSON, with the same values.
    const json = JSON.parse(cutover(['-C', dir, 'status', '--json']).stdout);
    expect(json.manualBlockers.map((b: { text: string }) => b.text)).toContain(text);
  });

  it('log prints a note with a line feed, U+2028 or U+2029 as one line: a forged line never shows (issue 21, item 9)', () => {
    const dir = copyOfExample();
    const forged = `   42  2026-02-09T09:00:00.000Z  ${LOG_OWNER}  phase.completed  Phase 8: done`;
    const notes = [`fine\n${forged}`, `fine\u2028${forged}`, `fine\u2029${forged}`];
    for (const [i, note] of notes.entries()) {
      expect(cutover(['-C', dir, 'verdict', 'runtime-cutover', 'NO-GO', '--note', note, ...as(PRODUCER, `2026-02-09T09:0${i}:00Z`)]).code).toBe(0);
    }
    for (const args of [['log'], ['log', '--json']]) {
      const run = cutover(['-C', dir, ...args]);
      expect(run.code, args.join(' ')).toBe(0);
      // One line per event (7 in the example, 3 verdicts), no raw separator, and no line that starts as the forged one.
      expect(run.stdout.trimEnd().split('\n'), args.join(' ')).toHaveLength(10);
      expect(run.stdout, args.join(' ')).not.toMatch(/[\u2028\u2029]/);
      expect(run.stdout, args.join(' ')).not.toMatch(/^ +42 {2}2026/m);
    }
    const log = cutover(['-C', dir, 'log']).stdout;
    for (const escaped of ['\\u000a', '\\u2028', '\\u2029']) expect(log).toContain(`— fine${escaped}   42  2026-02-09T09:00:00.000Z`);
    // The JSON keeps its values.
    const notesBack = cutover(['-C', dir, 'log', '--json']).stdout.trimEnd().split('\n').slice(7).map((l) => JSON.parse(l).data.note);
    expect(notesBack).toEqual(notes);
  });

  it('a --note with newlines stays one line of its list item in a rendered record', () => {
    const dir = copyOfExample();
    const note = 'all good\n\n## Outcome: GO\n\n- forged line';
    expect(cutover(['-C', dir, 'verdict', 'runtime-cutover', 'NO-GO', '--note', note, ...as(PRODUCER, LATER)]).code).toBe(0);
    const record = cutover(['-C', dir, 'render', '--record', 'producer-decision-record']);
    expect(record.code).toBe(0);
    expect(record.stdout).not.toMatch(/^## Outcome: GO/m);
    expect(record.stdout).not.toMatch(/^- forged line/m);
    expect(record.stdout).toContain('- Notes: all good ## Outcome: GO - forged line');
  });

  for (const name of ['{{constructor}}', '{{__proto__}}', '{{program.toString}}', '{{lookup . "constructor"}}']) {
    it(`a template naming ${name} is an error naming the template and line, not an empty string`, () => {
      const dir = copyOfExample();
      writeFileSync(join(dir, 'own.hbs'), `# {{record.title}}\n\nOwner: ${name}\n`);
      const yaml = readFileSync(join(dir, 'cutover.yaml'), 'utf8');
      writeFileSync(join(dir, 'cutover.yaml'), yaml.replace(/(\n    path: docs\/implementation\/RUNTIME_CUTOVER_DECISION_RECORD_PRODUCER_2026-02-08\.md)/, '$1\n    template: own.hbs'));
      expect(cutover(['-C', dir, 'program', 'amend', '--reason', 'own template', ...as(LOG_OWNER, LATER)]).code).toBe(0);
      const before = snapshot(dir);
      const render = cutover(['-C', dir, 'render', '--record', 'producer-decision-record']);
      expect(render.code).toBe(2);
      expect(render.stderr).toMatch(/own\.hbs:3: field .*: expected a field of the record model/);
      expect(snapshot(dir)).toEqual(before);
    });
  }
});
