/**
 * A value from outside (a webhook body, a bundle, a server's answer) held to its TypeBox schema:
 * the value, typed, or an InvalidInputError naming each field that is not what the schema says (the
 * first ten), where it came from, what was expected and what was found. Each schema is compiled once,
 * when first used.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { InvalidInputError } from '../errors.js';

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

export interface CheckedFrom {
  /** Where the value came from: a file, a URL, "the webhook body". */
  readonly source: string;
  /** The field named for the value as a whole: "(payload)", "(bundle)". */
  readonly whole: string;
  /** What the value should be, put before each expectation ("a list of dead letters: …"). */
  readonly what?: string;
}

export function checkedValue<T extends TSchema>(schema: T, value: unknown, from: CheckedFrom): Static<T> {
  let check = compiled.get(schema);
  if (check === undefined) compiled.set(schema, (check = TypeCompiler.Compile(schema)));
  if (check.Check(value)) return value as Static<T>;
  throw new InvalidInputError(
    [...check.Errors(value)].slice(0, 10).map((e) => {
      const expected = e.message.replace(/^Expected /, '');
      return { source: from.source, field: e.path.slice(1).replace(/\//g, '.') || from.whole, expected: from.what === undefined ? expected : `${from.what}: ${expected}`, found: JSON.stringify(e.value) ?? 'nothing' };
    }),
  );
}
