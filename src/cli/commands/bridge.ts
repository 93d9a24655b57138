/**
 * `cutover bridge alertmanager`: receives Alertmanager webhooks (version 4) on --listen and records
 * what each alert group calls for (src/app/alert-bridge.ts), signed with the automation role's key,
 * in a program folder or on a server like any client. Webhooks are handled one at a time, in the
 * order they arrive. The first line on stdout is the URL it listens on; SIGTERM or SIGINT ends it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseWebhook, receiveAlerts } from '../../app/alert-bridge.js';
import { describeEvent } from '../../render/event-words.js';
import { CutoverError, invalidInput } from '../../errors.js';
import { EXIT, type CliIo } from '../io.js';
import { untilStopped } from '../until-stopped.js';
import type * as O from '../options.js';
import { openDefined } from './context.js';

/** The most a webhook body may hold: Alertmanager sends a group's alerts, not megabytes. */
const MAX_BODY_BYTES = 1 << 20;

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || port > 65535) throw invalidInput({ source: '--listen', field: '', expected: 'HOST:PORT, e.g. 127.0.0.1:9095 (port 0: any free port)', found: JSON.stringify(text) });
  return { host: m[1] ?? (m[2] === '' ? '127.0.0.1' : m[2]!), port };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw invalidInput({ source: 'the webhook body', field: '', expected: `at most ${MAX_BODY_BYTES} bytes`, found: 'more' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function bridgeAlertmanager(o: O.BridgeOptions, io: CliIo): Promise<number> {
  const listen = parseListen(o.listen);
  // Opened once now, so a folder or server that is not a defined program refuses before listening.
  await openDefined(o, io);
  const keys = { ...(o.key === undefined ? {} : { keyFile: o.key }), env: io.env };
  let queue: Promise<unknown> = Promise.resolve();

  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(`${JSON.stringify(body)}\n`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return answer(res, 405, { error: 'POST an Alertmanager webhook (version 4)' });
    let payload;
    try {
      const text = await readBody(req);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        throw invalidInput({ source: 'the webhook body', field: '', expected: 'JSON', found: (e as Error).message });
      }
      payload = parseWebhook(value);
    } catch (error) {
      if (!(error instanceof CutoverError)) throw error;
      io.stderr(`cutover bridge: refused a webhook: ${error.message}\n`);
      return answer(res, 400, { error: error.message });
    }
    const outcome = await receiveAlerts(() => openDefined(o, io), o.as, keys, payload, io.now);
    for (const e of outcome.recorded) io.stdout(`recorded seq ${e.seq} ${e.type} by ${e.actor} at ${e.at}: ${describeEvent(e)}\n`);
    for (const u of outcome.unchanged) io.stdout(`unchanged: ${u}\n`);
    for (const r of outcome.refused) io.stderr(`cutover bridge: refused ${r.step}: ${r.error.message}\n`);
    // A refusal stands however often the webhook comes again: 422, not a server error.
    answer(res, outcome.refused.length > 0 ? 422 : 200, {
      recorded: outcome.recorded.map((e) => ({ seq: e.seq, type: e.type, id: (e.data as { id?: string }).id ?? null })),
      unchanged: outcome.unchanged,
      refused: outcome.refused.map((r) => ({ step: r.step, error: r.error.message })),
    });
  };

  const server = createServer((req, res) => {
    const work = queue.then(() => handle(req, res));
    queue = work.catch((error: unknown) => {
      // Anything unexpected (the store unreachable, …): 500, which Alertmanager retries.
      io.stderr(`cutover bridge: ${(error as Error).message}\n`);
      if (!res.headersSent) answer(res, 500, { error: (error as Error).message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(invalidInput({ source: '--listen', field: '', expected: 'an address this machine can listen on', found: `${o.listen} (${e.message})` })));
    server.listen(listen.port, listen.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : listen.port;
  io.stdout(`http://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${port}/\n`);
  await untilStopped();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await queue;
  return EXIT.ok;
}
