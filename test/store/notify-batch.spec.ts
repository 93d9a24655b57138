// Append notifications: the payloads that queue while one notification is in flight go out together.
import { describe, expect, it } from 'vitest';
import type { NamedStatement, SqlClient, SqlResult } from '../../src/store/postgres/client.js';
import { NotifyBatches } from '../../src/store/postgres/notify-batch.js';

class HeldClient implements SqlClient {
  sent: { values: readonly unknown[]; answer: (error?: Error) => void }[] = [];
  query<Row>(_statement: string | NamedStatement, values: readonly unknown[] = []): Promise<SqlResult<Row>> {
    return new Promise((resolve, reject) => this.sent.push({ values, answer: (error) => (error ? reject(error) : resolve({ rows: [], rowCount: 0 })) }));
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('append notifications', () => {
  it('sends at once when idle, and batches every payload that arrives meanwhile into the next one', async () => {
    const client = new HeldClient();
    const batches = new NotifyBatches(client, 'cutover_appended');
    const first = batches.send('a 2 h2');
    const later = [batches.send('b 5 h5'), batches.send('c 1 h1')];
    await settle();
    expect(client.sent.map((s) => s.values)).toEqual([['cutover_appended', ['a 2 h2']]]);
    client.sent[0]!.answer();
    await first;
    await settle();
    expect(client.sent[1]!.values).toEqual(['cutover_appended', ['b 5 h5', 'c 1 h1']]);
    client.sent[1]!.answer(new Error('connection lost'));
    for (const p of later) await expect(p).rejects.toThrow('connection lost');
    const again = batches.send('d 9 h9'); // idle again: sent at once
    await settle();
    expect(client.sent).toHaveLength(3);
    client.sent[2]!.answer();
    await again;
  });
});
