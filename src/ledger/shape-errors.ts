/**
 * Why a line does not fit its schema, from the schemas of `domain/events.ts` and TypeBox's compiler:
 * loaded only when a line fails its precompiled check (`shape-checks.ts`), or by the synchronous
 * `checkLine`, which cannot wait for it.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { EventData, LedgerLine } from '../domain/events.js';
import type { ShapeExplainer } from './shape-checks.js';

/** Why `value` does not fit `schema`, as TypeBox says it: `path: message`. */
export function shapeError(schema: TSchema, value: unknown): string {
  const error = TypeCompiler.Compile(schema).Errors(value).First();
  return error === undefined ? 'invalid' : `${error.path || '/'}: ${error.message}`;
}

export const shapeExplainer: ShapeExplainer = {
  line: (value) => shapeError(LedgerLine, value),
  data: (type, value) => shapeError(EventData[type], value),
};
