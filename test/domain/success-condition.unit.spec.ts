/** The success condition of a metric analysis: what it accepts, how it judges a value, what it refuses. */
import { describe, expect, it } from 'vitest';
import { holds, parseCondition, type Expr } from '../../src/domain/success-condition.js';
import { InvalidInputError } from '../../src/errors.js';

const parsed = (text: string): Expr => {
  const e = parseCondition(text);
  if (e instanceof InvalidInputError) throw new Error(`${text}: ${e.message}`);
  return e;
};

describe('a success condition', () => {
  it.each<[string, number, boolean]>([
    ['result < 0.01', 0.005, true],
    ['result < 0.01', 0.01, false],
    ['result <= 0.01', 0.01, true],
    ['result >= 0.99 && result <= 1', 0.995, true],
    ['result >= 0.99 and result <= 1', 1.5, false],
    ['result < 5 || result > 10', 7, false],
    ['result < 5 or result > 10', 11, true],
    ['!(result > 3)', 2, true],
    ['not result > 3', 4, false],
    ['abs(result - 100) < 5', 97, true],
    ['abs(result - 100) < 5', 94, false],
    ['result * 100 < 1', 0.009, true],
    ['result / 2 == 2', 4, true],
    ['result != 0', 0, false],
    ['-result > -1', 0.5, true],
    ['result < 1e-3', 0.0001, true],
    ['(result + 1) * 2 > 4', 1.5, true],
  ])('%s with result = %d is %s', (text, value, expected) => {
    expect(holds(parsed(text), value)).toBe(expected);
  });

  it('is false for a NaN sample unless negated, as Prometheus compares NaN', () => {
    expect(holds(parsed('result < 0.01'), Number.NaN)).toBe(false);
    expect(holds(parsed('result >= 0.01'), Number.NaN)).toBe(false);
    expect(holds(parsed('!(result >= 0.01)'), Number.NaN)).toBe(true);
  });

  it.each<[string, RegExp]>([
    ['', /an empty condition/],
    ['result', /the condition to be true or false.*found a number/],
    ['result < ', /found the end of the condition/],
    ['result < 0.01 < 2', /one comparison at a time/],
    ['process.exit(1)', /unexpected character "\."|only names a condition knows/],
    ['require("fs")', /only names a condition knows|unexpected character/],
    ['result < 0.01; drop', /unexpected character ";"/],
    ['(result < 1) + 2 > 1', /to be a number.*found a comparison/],
    ['result < 1 && 3', /the right side of && to be true or false/],
    ['abs result', /\( after abs/],
    [`result < ${'1'.repeat(400)}`, /at most 200/],
    ['result < 1e999', /a finite number/],
  ])('refuses %j, naming what it expected', (text, message) => {
    const e = parseCondition(text, '--success');
    expect(e).toBeInstanceOf(InvalidInputError);
    expect((e as InvalidInputError).message).toMatch(/^--success: expected /);
    expect((e as InvalidInputError).message).toMatch(message);
  });
});
