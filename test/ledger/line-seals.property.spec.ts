/**
 * The faster path of `verify` (the seal read from the line in one pass, `line-seals.ts`; the stream
 * of chunks `verify` runs) against the reference (every line re-serialized and compared, the
 * ledger folded line by line), on lines edited at random: the same line fails, with the same
 * message, and the state folded at every checkpoint is the same.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/domain/events.js';
import { initialState } from '../../src/domain/state.js';
import { LedgerVerificationError } from '../../src/errors.js';
import { checkLine, formsByReserializing, serialize } from '../../src/ledger/chain.js';
import { verifyChunks } from '../../src/ledger/check-pool.js';
import { sealFormsOf } from '../../src/ledger/line-seals.js';
import { isLedgerLineShape } from '../../src/ledger/shape-checks.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import { C, P, Scenario } from '../support/program.js';

/** A ledger whose lines hold what the pass must leave to the reference: escapes, a newline, non-ASCII, an emoji. */
function story(): string[] {
  const s = new Scenario();
  s.phase('start', '7');
  s.publishTarget();
  s.verdict(P, 'rehearsal-continuation', 'GO');
  s.verdict(C, 'rehearsal-continuation', 'GO', 'said "go"\nafter the run – ok');
  s.verdict(P, 'runtime-cutover', 'NO-GO', 'not yet 🚧, see \\\\share');
  s.phase('close', '7', 'decision recorded');
  return s.events.map(serialize);
}

const LINES = story();

/** One random edit of one line: a character replaced, removed or added, or a piece of JSON inserted. */
const edit = fc.record({
  line: fc.nat({ max: LINES.length - 1 }),
  at: fc.nat(),
  kind: fc.constantFrom('replace', 'remove', 'insert'),
  text: fc.oneof(
    fc.constantFrom('"', '\\', ',', ' ', '0', '1', '9', 'a', 'f', '}', '{', ']', '[', ':', 'e', 'E', '.', '-', '+', 'é', '\ud83d', '\ude80', '\u2028', '\t'),
    fc.constantFrom('\\u0041', '\\/', '1e2', '-0', '0.10', '00', '"a":1,', '"z":null,', ',"hash":"x"', ',"sig":{}', 'true', 'null'),
    fc.string({ maxLength: 3 }),
  ),
});

/** The lines with one edited, as a file holds them (UTF-8: a lone surrogate is read back as U+FFFD). */
function edited(lines: readonly string[], e: { line: number; at: number; kind: string; text: string }): string[] {
  const copy = [...lines];
  const line = copy[e.line]!;
  const at = e.at % (line.length + 1);
  const changed = e.kind === 'insert' ? line.slice(0, at) + e.text + line.slice(at) : line.slice(0, at) + (e.kind === 'replace' ? e.text : '') + line.slice(at + 1);
  copy[e.line] = Buffer.from(changed, 'utf8').toString('utf8');
  return copy;
}

type Outcome = { ok: true; state: unknown; events: readonly LedgerEvent[] } | { ok: false; line: number; fault: string; message: string; hints: readonly string[] };

function outcome(run: () => { state: unknown; events: readonly LedgerEvent[] }): Outcome {
  try {
    const { state, events } = run();
    return { ok: true, state, events };
  } catch (e) {
    if (e instanceof LedgerVerificationError) return { ok: false, line: e.line, fault: e.fault, message: e.message, hints: e.hints };
    throw e;
  }
}

/** The reference: each line checked by re-serializing it, the ledger folded line by line. */
function reference(lines: readonly string[]): Outcome {
  return outcome(() => verifyLedger({ source: 'ledger.jsonl', lines }, lines.map((l) => checkLine(l, formsByReserializing))));
}

/** The faster path: the stream `verify` runs, in chunks of `perChunk` lines. */
async function faster(lines: readonly string[], perChunk: number): Promise<Outcome> {
  async function* chunks() {
    for (let i = 0; i < lines.length; i += perChunk) yield { bytes: Buffer.from(lines.slice(i, i + perChunk).map((l) => l + '\n').join(''), 'utf8'), offset: -1 };
  }
  try {
    const events: LedgerEvent[] = [];
    const head = await verifyChunks('ledger.jsonl', chunks(), { state: initialState(), last: null }, { threads: 1 }, (e) => events.push(...e));
    return { ok: true, state: head.state, events };
  } catch (e) {
    if (e instanceof LedgerVerificationError) return { ok: false, line: e.line, fault: e.fault, message: e.message, hints: e.hints };
    throw e;
  }
}

describe('the seal read in one pass', () => {
  it('reads the hashed and signed forms the reference derives, from every line of the story', () => {
    for (const line of LINES) {
      const event = JSON.parse(line) as LedgerEvent;
      const fast = sealFormsOf(line, 'cutover-event-v1\n');
      // Lines with an escape or a surrogate are left to the reference; the others are read in the pass.
      if (/[\\\ud800-\udfff]/.test(line)) expect(fast).toBeNull();
      else expect(fast).toEqual(formsByReserializing(line, event));
    }
  });

  it('never calls canonical a line the reference refuses, and reads the same forms when both accept', () => {
    fc.assert(
      fc.property(edit, (e) => {
        const line = edited(LINES, e)[e.line]!;
        let event: LedgerEvent;
        try {
          event = JSON.parse(line) as LedgerEvent;
        } catch {
          expect(checkLine(line)).toEqual(checkLine(line, formsByReserializing));
          return;
        }
        const fast = sealFormsOf(line, 'cutover-event-v1\n');
        // Forms are read only from a line of the ledger line's shape (checkLine checks it first).
        if (fast !== null && isLedgerLineShape(event)) expect(formsByReserializing(line, event)).toEqual(fast);
        expect(checkLine(line)).toEqual(checkLine(line, formsByReserializing));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('verify, faster path against the reference', () => {
  it('accepts the untouched ledger with the same state', async () => {
    const ref = reference(LINES);
    expect(ref.ok).toBe(true);
    expect(await faster(LINES, 3)).toEqual(ref);
  });

  it('on a randomly edited line: the same line fails with the same message, and the same state at every checkpoint', async () => {
    await fc.assert(
      fc.asyncProperty(edit, fc.integer({ min: 1, max: LINES.length }), async (e, perChunk) => {
        const lines = edited(LINES, e);
        // Each checkpoint: the ledger as it stood after k lines, folded by both.
        for (let k = 1; k <= lines.length; k++) {
          const prefix = lines.slice(0, k);
          expect(await faster(prefix, perChunk)).toEqual(reference(prefix));
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('verify on threads (the built modules: workers and this thread share the chunks), against the reference', () => {
  // Workers run the built check-worker.js, so this compares the built pool; errors are compared by what they say.
  const built = import(new URL('../../dist/ledger/check-pool.js', import.meta.url).href) as Promise<typeof import('../../src/ledger/check-pool.js')>;

  async function threaded(lines: readonly string[], perChunk: number): Promise<Outcome> {
    const { verifyChunks: verifyOnThreads } = await built;
    async function* chunks() {
      for (let i = 0; i < lines.length; i += perChunk) yield { bytes: Buffer.from(lines.slice(i, i + perChunk).map((l) => l + '\n').join(''), 'utf8'), offset: -1 };
    }
    try {
      const events: LedgerEvent[] = [];
      const head = await verifyOnThreads('ledger.jsonl', chunks(), { state: initialState(), last: null }, { threads: 2 }, (e) => events.push(...e));
      return { ok: true, state: head.state, events };
    } catch (e) {
      const error = e as LedgerVerificationError;
      if (error.name !== 'LedgerVerificationError') throw e;
      return { ok: false, line: error.line, fault: error.fault, message: error.message, hints: error.hints };
    }
  }

  it('on a randomly edited line: the same line fails with the same message, or the same state', async () => {
    await fc.assert(
      fc.asyncProperty(edit, fc.integer({ min: 1, max: 3 }), async (e, perChunk) => {
        const lines = edited(LINES, e);
        expect(await threaded(lines, perChunk)).toEqual(reference(lines));
      }),
      { numRuns: 40 },
    );
  });
});
