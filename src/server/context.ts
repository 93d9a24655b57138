/** What every route group of `cutover serve` is given: the store, the verified programs, the clock, who may read. */
import type { ReadAccess } from '../domain/identity.js';
import type { EventEmitter } from 'node:events';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { LedgerStore, SummaryShelf } from '../store/ledger-store.js';
import type { ServerOptions } from './app.js';
import type { Access } from './auth/access.js';
import type { ServerMetrics } from './metrics.js';
import type { ProgramCache } from './program-cache.js';
import type { Broadcasts } from './broadcast.js';
import type { StreamBounds } from './stream-bounds.js';
import type { ProgramList } from './program-list.js';

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface ServerContext {
  readonly options: ServerOptions;
  readonly store: LedgerStore;
  /** Each program as the one verified program over the store, kept per head. */
  readonly cache: ProgramCache;
  /** The programs as listed: from their summaries, most urgent first, a page at a time. */
  readonly list: ProgramList;
  /** The programs' summaries, beside the ledgers or in memory (what lists, and a starting notifier, read). */
  readonly summaries: SummaryShelf;
  readonly metrics: ServerMetrics;
  readonly now: () => Date;
  /** Emits `appended` with a program's id when it gained events (here or on another replica). */
  readonly appended: EventEmitter;
  /** The event streams open now (ended at a graceful stop). */
  readonly streams: Set<FastifyReply>;
  /** Each followed program's one broadcast: new lines fetched once for all its viewers. */
  readonly broadcasts: Broadcasts;
  /** How many streams may be open, in total and per program. */
  readonly streamBounds: StreamBounds;
  /** `definition` given (null: no such program): the program's own identities are judged too; else only static tokens. */
  mayRead(request: FastifyRequest, program: string, definition?: ReadAccess | null): boolean;
  /** Who the request's caller is, and what they may read, post and create. */
  readonly access: Access;
  /** May this request create `program` (post its first line)? */
  mayCreate(request: FastifyRequest, program: string): boolean;
  /** A preHandler: 401 (no or a bad credential) or 403 (an identity not allowed) unless the request may read (or write) the program in its `:id`. */
  guardRead(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
}
