/**
 * `GET /v1/streams/heads?programs=a,b,…`: one server-sent-events stream of where several programs end,
 * for a page that shows many (the overview); see `heads-stream.ts` for what it carries.
 */
import { Type } from '@sinclair/typebox';
import { invalidInput } from '../../errors.js';
import type { App, ServerContext } from '../context.js';
import { DEFAULT_STREAM_LIMITS } from '../event-stream.js';
import { HeadsStream } from '../heads-stream.js';
import { errors } from '../route-schemas.js';

/** Programs one heads stream may follow: a page's worth, within a request line's length. */
export const MAX_HEADS_PROGRAMS = 500;
const ID = '[a-z0-9][a-z0-9._-]{0,79}';

const HeadsQuery = Type.Object({
  programs: Type.String({ pattern: `^${ID}(,${ID})*$`, maxLength: MAX_HEADS_PROGRAMS * 81, description: `the program ids to follow, comma-separated, at most ${MAX_HEADS_PROGRAMS}` }),
});

export function registerStreamRoutes(app: App, { cache, access, broadcasts, streamBounds, streams, metrics }: ServerContext): void {
  app.get('/v1/streams/heads', { schema: { querystring: HeadsQuery, response: errors } }, async (request, reply) => {
    const programs = [...new Set(request.query.programs.split(','))];
    if (programs.length > MAX_HEADS_PROGRAMS) {
      throw invalidInput({ source: 'GET /v1/streams/heads', field: 'programs', expected: `at most ${MAX_HEADS_PROGRAMS} program ids`, found: String(programs.length) });
    }
    // Read as each program's own reads are: a program the caller may not read refuses the stream.
    for (const id of programs) {
      const early = access.readRefusal(request, id, undefined);
      if (early !== null) throw early;
      const entry = cache.peek(id) ?? (await cache.current(id).catch(() => null));
      const refusal = access.readRefusal(request, id, entry === null ? null : entry.state.definition);
      if (refusal !== null) throw refusal;
    }
    const release = streamBounds.admit([], 'heads');
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    streams.add(reply);
    const stream = new HeadsStream(reply.raw, broadcasts, { ...DEFAULT_STREAM_LIMITS, dropped: () => metrics.streamsDropped.inc({ stream: 'heads' }) });
    reply.raw.on('close', () => {
      release();
      streams.delete(reply);
    });
    await stream.start(programs).catch((error: unknown) => {
      request.log.warn({ err: error }, 'heads stream could not read the store');
      stream.close();
    });
  });
}
