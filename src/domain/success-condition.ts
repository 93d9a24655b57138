/**
 * The success condition of a metric analysis (`--success 'result < 0.01'`): a small expression
 * language, parsed here and evaluated by walking the tree. Nothing is ever handed to `eval` or
 * `Function`, so a condition that arrives in a ledger line from another party can only compare
 * numbers. Pure.
 *
 *   condition := or
 *   or        := and ( ('||' | 'or') and )*
 *   and       := not ( ('&&' | 'and') not )*
 *   not       := ('!' | 'not') not | compare
 *   compare   := sum ( ('<' | '<=' | '>' | '>=' | '==' | '!=') sum )?
 *   sum       := product ( ('+' | '-') product )*
 *   product   := unary ( ('*' | '/') unary )*
 *   unary     := '-' unary | primary
 *   primary   := number | 'result' | 'abs' '(' sum ')' | '(' condition ')'
 *
 * `result` is one sample's value of one series. A comparison with NaN is false (as in Prometheus),
 * so a NaN sample fails any condition that is not negated.
 */
import { invalidInput, type InvalidInputError } from '../errors.js';

export type Expr =
  | { readonly op: 'num'; readonly value: number }
  | { readonly op: 'result' }
  | { readonly op: 'neg' | 'abs'; readonly arg: Expr }
  | { readonly op: '+' | '-' | '*' | '/'; readonly left: Expr; readonly right: Expr }
  | { readonly op: '<' | '<=' | '>' | '>=' | '==' | '!='; readonly left: Expr; readonly right: Expr }
  | { readonly op: '&&' | '||'; readonly left: Expr; readonly right: Expr }
  | { readonly op: '!'; readonly arg: Expr };

/** The longest condition accepted: it bounds parsing (and the depth of the tree) for lines from anyone. */
export const MAX_CONDITION_LENGTH = 200;

const COMPARISONS = ['<=', '>=', '==', '!=', '<', '>'] as const;
const WORDS: Readonly<Record<string, string>> = { and: '&&', or: '||', not: '!' };

interface Token {
  readonly text: string;
  readonly at: number;
}

function tokenize(source: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const number = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(i));
    if (number !== null) {
      tokens.push({ text: number[0], at: i });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (word !== null) {
      tokens.push({ text: WORDS[word[0]] ?? word[0], at: i });
      i += word[0].length;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (['&&', '||', ...COMPARISONS].includes(two) && two.length === 2) {
      tokens.push({ text: two, at: i });
      i += 2;
      continue;
    }
    if ('<>!+-*/()'.includes(c)) {
      tokens.push({ text: c, at: i });
      i++;
      continue;
    }
    return `an unexpected character ${JSON.stringify(c)} at position ${i + 1}`;
  }
  return tokens;
}

type Kind = 'number' | 'boolean';

class Parser {
  private i = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): string | undefined {
    return this.tokens[this.i]?.text;
  }

  private where(): string {
    const t = this.tokens[this.i];
    return t === undefined ? 'the end of the condition' : `${JSON.stringify(t.text)} at position ${t.at + 1}`;
  }

  private fail(expected: string): never {
    throw new SyntaxProblem(expected, this.where());
  }

  parse(): Expr {
    const e = this.boolean(this.or(), 'the condition');
    if (this.i < this.tokens.length) this.fail('the end of the condition');
    return e;
  }

  private boolean(e: [Expr, Kind], what: string): Expr {
    if (e[1] !== 'boolean') throw new SyntaxProblem(`${what} to be true or false (a comparison such as result < 0.01)`, 'a number');
    return e[0];
  }

  private number(e: [Expr, Kind], what: string): Expr {
    if (e[1] !== 'number') throw new SyntaxProblem(`${what} to be a number`, 'a comparison');
    return e[0];
  }

  private or(): [Expr, Kind] {
    let left = this.and();
    while (this.peek() === '||') {
      this.i++;
      const l = this.boolean(left, 'the left side of ||');
      left = [{ op: '||', left: l, right: this.boolean(this.and(), 'the right side of ||') }, 'boolean'];
    }
    return left;
  }

  private and(): [Expr, Kind] {
    let left = this.not();
    while (this.peek() === '&&') {
      this.i++;
      const l = this.boolean(left, 'the left side of &&');
      left = [{ op: '&&', left: l, right: this.boolean(this.not(), 'the right side of &&') }, 'boolean'];
    }
    return left;
  }

  private not(): [Expr, Kind] {
    if (this.peek() === '!') {
      this.i++;
      return [{ op: '!', arg: this.boolean(this.not(), 'what ! negates') }, 'boolean'];
    }
    return this.compare();
  }

  private compare(): [Expr, Kind] {
    const left = this.sum();
    const op = this.peek();
    if (op === undefined || !(COMPARISONS as readonly string[]).includes(op)) return left;
    this.i++;
    const l = this.number(left, `the left side of ${op}`);
    const right = this.number(this.sum(), `the right side of ${op}`);
    if ((COMPARISONS as readonly string[]).includes(this.peek() ?? '')) this.fail('one comparison at a time (join them with &&)');
    return [{ op: op as (typeof COMPARISONS)[number], left: l, right }, 'boolean'];
  }

  private sum(): [Expr, Kind] {
    let left = this.product();
    for (let op = this.peek(); op === '+' || op === '-'; op = this.peek()) {
      this.i++;
      left = [{ op, left: this.number(left, `the left side of ${op}`), right: this.number(this.product(), `the right side of ${op}`) }, 'number'];
    }
    return left;
  }

  private product(): [Expr, Kind] {
    let left = this.unary();
    for (let op = this.peek(); op === '*' || op === '/'; op = this.peek()) {
      this.i++;
      left = [{ op, left: this.number(left, `the left side of ${op}`), right: this.number(this.unary(), `the right side of ${op}`) }, 'number'];
    }
    return left;
  }

  private unary(): [Expr, Kind] {
    if (this.peek() === '-') {
      this.i++;
      return [{ op: 'neg', arg: this.number(this.unary(), 'what - negates') }, 'number'];
    }
    return this.primary();
  }

  private primary(): [Expr, Kind] {
    const t = this.peek();
    if (t === undefined) this.fail('a number, result, abs(…) or (');
    if (/^[\d.]/.test(t)) {
      this.i++;
      const value = Number(t);
      if (!Number.isFinite(value)) throw new SyntaxProblem('a finite number', t);
      return [{ op: 'num', value }, 'number'];
    }
    if (t === 'result') {
      this.i++;
      return [{ op: 'result' }, 'number'];
    }
    if (t === 'abs') {
      this.i++;
      if (this.peek() !== '(') this.fail('( after abs');
      this.i++;
      const arg = this.number(this.sum(), 'what abs takes');
      if (this.peek() !== ')') this.fail(')');
      this.i++;
      return [{ op: 'abs', arg }, 'number'];
    }
    if (t === '(') {
      this.i++;
      const inner = this.or();
      if (this.peek() !== ')') this.fail(')');
      this.i++;
      return inner;
    }
    this.fail(/^[A-Za-z_]/.test(t) ? 'result, abs, and, or, not or a number (the only names a condition knows)' : 'a number, result, abs(…) or (');
  }
}

class SyntaxProblem extends Error {
  constructor(
    readonly expected: string,
    readonly found: string,
  ) {
    super(`expected ${expected}, found ${found}`);
  }
}

/**
 * Parse a success condition; `source` names where it came from in the error (a flag, a ledger
 * field). Returns the tree, or the typed refusal.
 */
export function parseCondition(text: string, source = '--success'): Expr | InvalidInputError {
  const refuse = (found: string, expected = `a success condition such as 'result < 0.01' (numbers, result, abs(), + - * /, < <= > >= == !=, && || !)`) =>
    invalidInput({ source, field: '', expected, found });
  if (text.length > MAX_CONDITION_LENGTH) return refuse(`${text.length} characters (at most ${MAX_CONDITION_LENGTH})`);
  const tokens = tokenize(text);
  if (typeof tokens === 'string') return refuse(tokens);
  if (tokens.length === 0) return refuse('an empty condition');
  try {
    return new Parser(tokens).parse();
  } catch (e) {
    if (e instanceof SyntaxProblem) return refuse(`${e.found} (in the condition ${JSON.stringify(text)})`, e.expected);
    // Deep nesting within the length limit cannot overflow the stack; anything else is a bug.
    throw e;
  }
}

/** Does one sample value meet the condition? */
export function holds(condition: Expr, result: number): boolean {
  return truth(condition, result);
}

function truth(e: Expr, result: number): boolean {
  switch (e.op) {
    case '&&':
      return truth(e.left, result) && truth(e.right, result);
    case '||':
      return truth(e.left, result) || truth(e.right, result);
    case '!':
      return !truth(e.arg, result);
    case '<':
      return value(e.left, result) < value(e.right, result);
    case '<=':
      return value(e.left, result) <= value(e.right, result);
    case '>':
      return value(e.left, result) > value(e.right, result);
    case '>=':
      return value(e.left, result) >= value(e.right, result);
    case '==':
      return value(e.left, result) === value(e.right, result);
    case '!=':
      return value(e.left, result) !== value(e.right, result);
    default:
      throw new Error(`not a condition: ${e.op}`);
  }
}

function value(e: Expr, result: number): number {
  switch (e.op) {
    case 'num':
      return e.value;
    case 'result':
      return result;
    case 'neg':
      return -value(e.arg, result);
    case 'abs':
      return Math.abs(value(e.arg, result));
    case '+':
      return value(e.left, result) + value(e.right, result);
    case '-':
      return value(e.left, result) - value(e.right, result);
    case '*':
      return value(e.left, result) * value(e.right, result);
    case '/':
      return value(e.left, result) / value(e.right, result);
    default:
      throw new Error(`not a number: ${e.op}`);
  }
}
