/**
 * The seal of an ASCII line checked as `verify` checks an ASCII chunk's (its forms cut from the bytes
 * it is copied into) against the same checked from its text: the same verdict (`sealFaultOf`, as
 * ASCII or not) on lines edited at random, or in any character of their recorded hash, key or
 * signature.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serialize } from '../../src/ledger/chain.js';
import { sealPlacesOf, type SealPlaces } from '../../src/ledger/line-seals.js';
import { sealFaultOf } from '../../src/ledger/seal-check.js';
import { exampleLines } from '../support/server.js';
import { C, P, Scenario } from '../support/program.js';

function story(): string[] {
  const s = new Scenario();
  s.phase('start', '7');
  s.publishTarget();
  s.verdict(P, 'rehearsal-continuation', 'GO');
  s.verdict(C, 'rehearsal-continuation', 'GO', 'said go after the run, 1.5e3 times');
  s.phase('close', '7', 'decision recorded');
  return s.events.map(serialize);
}

const LINES = [...story(), ...exampleLines()].filter((line) => /^[\x00-\x7f]*$/.test(line));

const ascii = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 4 });

/** One edit of one line: a character replaced, removed or added, or a piece of JSON inserted. */
const edit = fc.record({
  line: fc.nat({ max: LINES.length - 1 }),
  at: fc.nat(),
  kind: fc.constantFrom('replace', 'remove', 'insert'),
  text: fc.oneof(
    fc.constantFrom('"', '\\', ',', ' ', '0', '1', '9', 'a', 'f', '}', '{', ']', '[', ':', 'e', 'E', '.', '-', '+', '\t', '\n', '\u0000'),
    fc.constantFrom('\\u0041', '\\/', '1e2', '-0', '0.10', '00', '1.50', '1e+21', '123456789012345678', '"a":1,', '"z":null,', ',"hash":"x"', ',"sig":{}', 'true', 'null', 'fals', '[1,[2]]', '{}'),
    ascii,
  ),
});

function edited(e: { line: number; at: number; kind: string; text: string }): string {
  const line = LINES[e.line]!;
  const at = e.at % (line.length + 1);
  return e.kind === 'insert' ? line.slice(0, at) + e.text + line.slice(at) : line.slice(0, at) + (e.kind === 'replace' ? e.text : '') + line.slice(at + 1);
}

const copy = (places: SealPlaces | null) => (places === null ? null : { ...places });

describe('the seal fault of an ASCII line read from its bytes', () => {
  it('is the one read from its text, on lines edited at random', () => {
    fc.assert(
      fc.property(edit, (e) => {
        const line = edited(e);
        expect(sealFaultOf(line, true)).toEqual(sealFaultOf(line, false));
      }),
      { numRuns: 3000 },
    );
  });

  it('is the one read from its text, with any character of the recorded hash, key or signature changed', () => {
    const line = LINES[0]!;
    const places = copy(sealPlacesOf(line, true))!;
    const keyFrom = line.indexOf('"key":"', places.sigFrom) + 7;
    const spans = [
      [places.hashFrom + 9, places.hashTo - 1],
      [keyFrom, line.indexOf('"', keyFrom)],
      [line.indexOf('"value":"', places.sigFrom) + 9, places.sigTo - 2],
    ] as const;
    for (const [from, to] of spans) {
      for (let at = from; at < to; at++) {
        for (const ch of ['0', 'f', 'A', 'z', '+', '/', '=', ':', ' ']) {
          if (ch === line[at]) continue;
          const changed = line.slice(0, at) + ch + line.slice(at + 1);
          expect(sealFaultOf(changed, true), changed).toEqual(sealFaultOf(changed, false));
          // Then the line as it was: its key found again among those kept, beside an edited one.
          expect(sealFaultOf(line, true)).toBeNull();
        }
      }
    }
  });
});
