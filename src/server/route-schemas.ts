/** What the API's routes share: their parameter, query and body schemas, and how text is sent. */
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { ProgramId } from '../program/schema.js';
import { ErrorBody } from './http-errors.js';

export { ProgramId };
export const ProgramParams = Type.Object({ id: ProgramId });
export const GateParams = Type.Object({ id: ProgramId, decision: Type.String({ minLength: 1, maxLength: 200 }) });
/** The largest seq a request may name: the store's (a 32-bit integer). */
export const MAX_SEQ = 2 ** 31 - 1;
export const FromQuery = Type.Object({ from: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SEQ, description: 'the first seq to return (default 1)' })) });
export const AtQuery = Type.Object({ at: Type.Optional(Type.String({ format: 'date-time', description: 'evaluate at this time instead of now' })) });
export const AppendBody = Type.Object(
  {
    expectedHead: Type.Union([Type.String({ pattern: '^sha256:[0-9a-f]{64}$' }), Type.Null()], { description: 'the head the events were decided on; null for a new program' }),
    lines: Type.Array(Type.String({ minLength: 2 }), { minItems: 1, maxItems: 1000, description: 'sealed, signed ledger lines exactly as they are to be stored (canonical JSON)' }),
  },
  { additionalProperties: false },
);
export const HeadBody = Type.Object({ program: Type.String(), seq: Type.Integer(), head: Type.String() });
export const Empty = Type.Object({});
export const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody, 422: ErrorBody, 503: ErrorBody };

export const NDJSON = 'application/x-ndjson; charset=utf-8';

/** Send text exactly as given (a Buffer is never passed through a response schema's serializer). */
export function sendText(reply: FastifyReply, type: string, text: string | Buffer): FastifyReply {
  return reply.type(type).send(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
}

export function lastOf(lines: readonly string[]): { seq: number; hash: string } {
  const { seq, hash } = JSON.parse(lines[lines.length - 1]!) as { seq: number; hash: string };
  return { seq, hash };
}
