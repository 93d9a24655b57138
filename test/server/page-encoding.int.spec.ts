// Pages are sent gzipped to a browser that takes gzip (a phone on a slow link gets a fraction of the
// bytes), as they are to one that does not, each encoding with its own ETag and `Vary`.
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.js';
import { ServedFileStore } from '../../src/store/served-file-store.js';
import { tempDir } from '../support/cli.js';
import { EXAMPLE_PROGRAM, exampleLines } from '../support/server.js';

const closing: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

/** A GET with exactly these headers (fetch would add its own Accept-Encoding and decode the body). */
function get(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('dashboard pages by encoding', () => {
  it('gzip to a client that takes it, the same page as is to one that does not; each has its own ETag', async () => {
    const server = buildServer({ store: new ServedFileStore({ dir: tempDir() }, tempDir()), logLevel: false });
    const url = await server.app.listen({ port: 0, host: '127.0.0.1' });
    closing.push(() => server.app.close());
    const posted = await fetch(`${url}/v1/programs/${EXAMPLE_PROGRAM}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ expectedHead: null, lines: exampleLines() }) });
    expect(posted.status).toBe(201);

    for (const path of [`/programs/${EXAMPLE_PROGRAM}`, '/']) {
      const plain = await get(`${url}${path}`, {});
      const packed = await get(`${url}${path}`, { 'accept-encoding': 'gzip, deflate, br' });
      const refused = await get(`${url}${path}`, { 'accept-encoding': 'gzip;q=0, identity' });
      expect([plain.status, packed.status, refused.status]).toEqual([200, 200, 200]);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(refused.headers['content-encoding']).toBeUndefined();
      expect(packed.headers['content-encoding']).toBe('gzip');
      expect(packed.headers.vary).toMatch(/accept-encoding/i);
      expect(gunzipSync(packed.body).toString('utf8')).toBe(plain.body.toString('utf8'));
      expect(packed.body.length).toBeLessThan(plain.body.length / (path === '/' ? 1 : 4)); // the program page: 46 KB as is
      expect(packed.headers.etag).not.toBe(plain.headers.etag);

      // 304 for the representation the client holds, not for the other.
      expect((await get(`${url}${path}`, { 'accept-encoding': 'gzip', 'if-none-match': packed.headers.etag as string })).status).toBe(304);
      expect((await get(`${url}${path}`, { 'if-none-match': plain.headers.etag as string })).status).toBe(304);
      expect((await get(`${url}${path}`, { 'accept-encoding': 'gzip', 'if-none-match': plain.headers.etag as string })).status).toBe(200);
    }
  });
});
