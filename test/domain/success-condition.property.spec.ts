/** The success condition language, over generated inputs: it agrees with JavaScript's comparisons and never runs anything. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holds, parseCondition, type Expr } from '../../src/domain/success-condition.js';
import { InvalidInputError } from '../../src/errors.js';

const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
const ops = ['<', '<=', '>', '>=', '==', '!='] as const;
const js: Record<(typeof ops)[number], (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

describe('the success condition language', () => {
  it('judges `result <op> limit` exactly as the comparison does', () => {
    fc.assert(
      fc.property(finite, finite, fc.constantFrom(...ops), (value, limit, op) => {
        const e = parseCondition(`result ${op} ${limit.toExponential()}`) as Expr;
        expect(e).not.toBeInstanceOf(InvalidInputError);
        expect(holds(e, value)).toBe(js[op](value, Number(limit.toExponential())));
      }),
    );
  });

  it('joins comparisons with && and || as booleans do', () => {
    fc.assert(
      fc.property(finite, finite, finite, fc.boolean(), (value, low, high, and) => {
        const e = parseCondition(`result > ${low.toExponential()} ${and ? '&&' : '||'} result < ${high.toExponential()}`) as Expr;
        const a = value > Number(low.toExponential());
        const b = value < Number(high.toExponential());
        expect(holds(e, value)).toBe(and ? a && b : a || b);
      }),
    );
  });

  it('answers any text with a tree or a typed refusal, never a crash', () => {
    const alphabet = fc.constantFrom(...'result abs and or not()<>=!&|+-*/.0123456789eE ;"\'`$x'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }).map((cs) => cs.join('')), (text) => {
        const e = parseCondition(text);
        if (e instanceof InvalidInputError) return;
        expect(typeof holds(e, 1)).toBe('boolean');
      }),
    );
  });
});
