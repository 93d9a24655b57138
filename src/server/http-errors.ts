/**
 * Every error the server answers, as `{ error: { kind, code, message, hint, hints } }` with the
 * status a client can act on. `kind` is the CLI's error kind (policy, input, ledger: the same kinds
 * the CLI maps to exit codes) or, for what only a server can say, `unavailable` or `internal`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TooManyStreamsError } from './stream-bounds.js';
import { CutoverError, ForbiddenError, LedgerVerificationError, StaleHeadError, UnknownNameError, UnauthorizedError } from '../errors.js';

export const ErrorBody = Type.Object({
  error: Type.Object({
    kind: Type.String({ description: 'policy, input, ledger (as the CLI), unavailable or internal' }),
    code: Type.String(),
    message: Type.String(),
    hint: Type.Union([Type.String(), Type.Null()], { description: 'the hints, one per line, as the CLI prints them' }),
    hints: Type.Array(Type.String()),
  }),
  head: Type.Optional(Type.Union([Type.Object({ seq: Type.Integer(), hash: Type.String() }), Type.Null()], { description: '409: the current head' })),
});
export type ErrorBody = Static<typeof ErrorBody>;

export interface HttpError {
  readonly status: number;
  readonly body: ErrorBody;
  /** 503: seconds after which the same request may succeed (the `Retry-After` header). */
  readonly retryAfterSeconds?: number;
}

/** The body of an error a route answers itself: `hint` is `hints` joined, as the CLI prints them. */
export function errorBody(kind: string, code: string, message: string, hints: readonly string[] = []): ErrorBody {
  return { error: { kind, code, message, hint: hints.length === 0 ? null : hints.join('\n'), hints: [...hints] } };
}

/** Connection-level failures of the database: the request may succeed later, unchanged. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', '53300']);

/** pg's pool gave up waiting for a free connection: every connection is busy, the database is up. */
function poolExhausted(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && /timeout exceeded when trying to connect/i.test(message);
}

function unreachable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string' && UNREACHABLE.has(e.code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error|terminating connection/i.test(message);
}

/** Fastify's own errors (parsing, size, schema) carry a statusCode and a code. */
interface FastifyLike {
  statusCode?: number;
  code?: string;
  message: string;
  validation?: readonly { instancePath?: string; message?: string }[];
  validationContext?: string;
}

export function httpErrorOf(error: unknown): HttpError {
  if (error instanceof UnauthorizedError) return { status: 401, body: errorBody(error.kind, error.code, error.message, error.hints) };
  if (error instanceof ForbiddenError) return { status: 403, body: errorBody(error.kind, error.code, error.message, error.hints) };
  if (error instanceof StaleHeadError) {
    return { status: 409, body: errorBody(error.kind, error.code, error.message, error.hints) };
  }
  if (error instanceof UnknownNameError && error.what === 'program') {
    return { status: 404, body: errorBody(error.kind, error.code, error.message, [`POST the program's program.defined event to /v1/programs/${error.value}/events to create it`]) };
  }
  if (error instanceof LedgerVerificationError || (error instanceof CutoverError && error.kind === 'policy')) {
    return { status: 422, body: errorBody(error.kind, error.code, error.message, error.hints) };
  }
  if (error instanceof CutoverError) return { status: error.kind === 'input' ? 400 : 422, body: errorBody(error.kind, error.code, error.message, error.hints) };
  if (error instanceof TooManyStreamsError) {
    return {
      status: 503,
      retryAfterSeconds: error.retryAfterSeconds,
      body: errorBody('unavailable', 'too-many-streams', error.message, [`retry after ${error.retryAfterSeconds} seconds; an operator can raise ${error.bound === 'total' ? '--max-streams' : '--max-streams-per-program'}`]),
    };
  }
  if (poolExhausted(error)) {
    return {
      status: 503,
      retryAfterSeconds: 1,
      body: errorBody('unavailable', 'database-busy', `every database connection is busy (${(error as Error).message}); nothing was written`, ['retry the request in a moment']),
    };
  }
  if (unreachable(error)) {
    return {
      status: 503,
      retryAfterSeconds: 1,
      body: errorBody('unavailable', 'database-unreachable', `the database is unreachable (${(error as Error).message}); nothing was written`, ['retry the request: the server reconnects on its own']),
    };
  }
  const f = error as FastifyLike;
  if (f.validation !== undefined) {
    const where = f.validationContext ?? 'request';
    const first = f.validation[0];
    return { status: 400, body: errorBody('input', 'invalid-request', `${where}${first?.instancePath ?? ''}: ${first?.message ?? f.message}`) };
  }
  if (typeof f.statusCode === 'number' && f.statusCode >= 400 && f.statusCode < 500) {
    const code = f.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'body-too-large' : f.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported-media-type' : 'invalid-request';
    return { status: f.statusCode, body: errorBody('input', code, f.message) };
  }
  return { status: 500, body: errorBody('internal', 'internal', `internal error: ${(error as Error)?.message ?? String(error)}`) };
}
