/**
 * A program's lines: read (`GET …/events`), followed (`…/events/stream`, server-sent events), and
 * appended (`POST …/events`) through the one verified program, which checks every posted line
 * exactly as `verify` would before the store takes it.
 */
import { DEFAULT_MAX_CLOCK_SKEW_MS } from '../../domain/clock-skew.js';
import { invalidInput, StaleHeadError, UnknownNameError } from '../../errors.js';
import { keepsPosters } from '../../store/ledger-store.js';
import type { App, ServerContext } from '../context.js';
import { DEFAULT_STREAM_LIMITS, EventStream } from '../event-stream.js';
import { AppendBody, errors, FromQuery, HeadBody, lastOf, MAX_SEQ, NDJSON, ProgramParams, sendText } from '../route-schemas.js';

export function registerEventRoutes(app: App, { options, store, cache, metrics, now, appended, streams, broadcasts, streamBounds, guardRead, access }: ServerContext): void {
  app.get('/v1/programs/:id/events', { schema: { params: ProgramParams, querystring: FromQuery, response: errors }, preHandler: guardRead }, async (request, reply) => {
    const { id } = request.params;
    const head = await store.head(id);
    if (head === null) throw new UnknownNameError('program', id, []);
    const read = await store.read(id, request.query.from ?? 1);
    const last = read.lines.length === 0 ? head : lastOf(read.lines);
    reply.header('cutover-seq', String(last.seq)).header('cutover-head', last.hash);
    return sendText(reply, NDJSON, read.lines.map((l) => l + '\n').join(''));
  });

  app.get('/v1/programs/:id/events/stream', { schema: { params: ProgramParams, querystring: FromQuery, response: errors }, preHandler: guardRead }, async (request, reply) => {
    const { id } = request.params;
    const lastEventId = request.headers['last-event-id'];
    const lastId = Number(lastEventId);
    if (lastEventId !== undefined && !(Number.isInteger(lastId) && lastId >= 0 && lastId < MAX_SEQ)) {
      throw invalidInput({ source: 'Last-Event-ID', field: '', expected: `the seq of the last event received, 0 to ${MAX_SEQ - 1}`, found: JSON.stringify(lastEventId) });
    }
    // Without `from` or Last-Event-ID: from the end, only lines that land from now on.
    const from = lastEventId !== undefined ? lastId + 1 : (request.query.from ?? null);
    const release = streamBounds.admit([id], 'program');
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    streams.add(reply);
    const stream = new EventStream(reply.raw, id, store, broadcasts, { ...DEFAULT_STREAM_LIMITS, dropped: () => metrics.streamsDropped.inc({ stream: 'program' }) }, from, (message, error) => request.log.warn({ err: error }, message));
    reply.raw.on('close', () => {
      release();
      streams.delete(reply);
    });
    await stream.start(from === null).catch((error: unknown) => {
      request.log.warn({ err: error }, 'event stream could not read the ledger');
      stream.close();
    });
  });

  app.post('/v1/programs/:id/events', { schema: { params: ProgramParams, body: AppendBody, response: { 201: HeadBody, ...errors } }, preHandler: guardRead }, async (request, reply) => {
    const { id } = request.params;
    const { expectedHead, lines } = request.body;
    const source = `POST /v1/programs/${id}/events`;
    const result = await cache.withProgram(id, async (program, attempt) => {
      // Decided on a head this process has not seen yet (another replica took it)? Read it first.
      if (attempt === 1 && program.state.head !== expectedHead) await program.catchUp();
      if (program.state.head !== expectedHead) throw new StaleHeadError(expectedHead, program.state.head);
      // Creating needs a creator; every line, an identity of the role that signed it (or a relay) when the program lists identities.
      const refused = (program.state.seq === 0 ? access.createRefusal(request, id) : null) ?? access.postRefusal(request, id, program.state.definition, lines);
      if (refused !== null) throw refused;
      return { appendLines: lines, source, notDatedAfter: { now: now(), maxSkewMs: options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS }, answer: (added) => ({ seq: program.state.seq, hash: program.state.head!, added: added.length }) };
    }, expectedHead);
    metrics.appends.inc();
    metrics.appendedEvents.inc({}, result.added);
    appended.emit('appended', id, result.seq);
    if (keepsPosters(store) && result.added > 0) {
      // Who posted, kept beside the lines (not in the signed ledger); a failure here does not undo the append.
      const record = JSON.stringify({ ...access.poster(request), at: now().toISOString() });
      await store.keepPoster(id, result.seq - result.added + 1, result.seq, record).catch((error: unknown) => request.log.warn({ err: error }, 'who posted could not be kept'));
    }
    return reply.code(201).send({ program: id, seq: result.seq, head: result.hash });
  });
}
