/**
 * `cutover notify dead-letters` and `cutover notify redeliver ID` through the built binary, against
 * a real `cutover serve` and a webhook receiver on loopback: a notification the receiver refuses
 * becomes a dead letter, listed in words and as the API's JSON; a redelivery without a permitted
 * token, to a receiver still refusing, or of an unknown id is refused with the server's words and
 * the CLI's exit code, and the letter stays; with a creation token and the receiver answering, the
 * same webhook-id is delivered and the list is empty.
 */
import { describe, expect, it } from 'vitest';
import { NOTIFICATION_TYPES as T } from '../../src/domain/notifications.js';
import { serialize } from '../../src/ledger/chain.js';
import { EXIT } from '../../src/cli/io.js';
import { cutoverAsync, tempDir, type Run } from '../support/cli.js';
import { at, decider } from '../support/decider-spec.js';
import { programFixture, ROLE } from '../support/program.js';
import { receiversPerTest, waitUntil, type Received } from '../support/receiver.js';
import { serversPerTest } from '../support/server.js';

const CREATE_TOKEN = 'dead-letters-create-token';
// The one notification the receiver refuses: the manual blocker raised with this text.
const REFUSED_TEXT = 'the receiver refuses this blocker';

interface ListedLetter {
  id: string;
  sink: string;
  program: string;
  notification: string;
  type: string;
  attempts: number;
  error: string;
  deadAt: string;
}

/** The standard program (fresh keys) defined now, and a manual blocker raised after it: every line, signed. */
function programLines(): { id: string; lines: string[] } {
  const now = new Date().toISOString();
  const given = decider({ fixture: programFixture(), start: now })
    .given()
    .and(at(new Date(Date.now() + 1).toISOString(), { type: 'raise-blocker', actor: ROLE.logOwner, text: REFUSED_TEXT, owner: ROLE.logOwner, due: '2099-01-01' }));
  return { id: given.state.program!, lines: given.events.map(serialize) };
}

// The CLI runs as its own process while this one answers as the receiver: spawnSync would stall both.
function cli(server: string | null, args: readonly string[], token?: string): Promise<Run> {
  return cutoverAsync([...(server === null ? [] : ['--server', server]), ...args], { env: { HOME: tempDir(), ...(token === undefined ? {} : { CUTOVER_TOKEN: token }) } });
}

async function deadLettersOf(server: string): Promise<{ deadLetters: ListedLetter[] }> {
  return (await (await fetch(`${server}/v1/notify/dead-letters`)).json()) as { deadLetters: ListedLetter[] };
}

const refused = (r: Received) => r.body.includes(REFUSED_TEXT);

describe('cutover notify: dead letters from the CLI', () => {
  const serving = serversPerTest();
  const receiving = receiversPerTest();

  it('lists a dead letter in words and as the API, refuses a redelivery without a permitted token, redelivers it with one', async () => {
    const hooks = await receiving((r) => (refused(r) ? 500 : 200));
    const server = await serving(['--data', tempDir(), '--notify', hooks.url, '--notify-attempts', '2', '--notify-backoff', '50ms', '--create-token', CREATE_TOKEN]);
    const program = programLines();
    const posted = await fetch(`${server.url}/v1/programs/${program.id}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CREATE_TOKEN}` },
      body: JSON.stringify({ expectedHead: null, lines: program.lines }),
    });
    expect(posted.status).toBe(201);

    const letter = await waitUntil(async () => (await deadLettersOf(server.url)).deadLetters.find((d) => d.program === program.id));
    expect(letter).toMatchObject({ sink: `url:${hooks.url}`, type: T.blockerAppeared, attempts: 2, error: 'HTTP 500' });
    const refusedIds = new Set(hooks.received.filter(refused).map((r) => r.headers['webhook-id']));
    expect([...refusedIds]).toEqual([letter.notification]);

    // In words: one line for the one letter, naming each of its facts.
    const words = await cli(server.url, ['notify', 'dead-letters']);
    expect(words.stderr).toBe('');
    expect(words.code).toBe(EXIT.ok);
    const lines = words.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    for (const fact of [`${letter.id}:`, letter.sink, letter.program, letter.type, '2 attempts', 'HTTP 500', letter.deadAt]) expect(lines[0]).toContain(fact);

    // --json: the API's own body.
    const json = await cli(server.url, ['notify', 'dead-letters', '--json']);
    expect(json.code).toBe(EXIT.ok);
    expect(JSON.parse(json.stdout)).toEqual(await deadLettersOf(server.url));

    // No token: the server's 401, as the CLI's input error; the letter stays and nothing is sent.
    const sent = () => hooks.received.filter((r) => r.headers['webhook-id'] === letter.notification).length;
    const tried = sent();
    const anonymous = await cli(server.url, ['notify', 'redeliver', letter.id]);
    expect(anonymous.code).toBe(EXIT.input);
    expect(anonymous.stdout).toBe('');
    expect(anonymous.stderr).toContain(`/v1/notify/dead-letters/${letter.id}/redeliver: 401 redelivering dead letter ${letter.id} of program ${program.id} on this server needs a creation token`);
    expect(anonymous.stderr).toContain('hint: send Authorization: Bearer <token>');
    const wrong = await cli(server.url, ['notify', 'redeliver', letter.id], 'not-the-creation-token');
    expect(wrong.code).toBe(EXIT.input);
    expect(wrong.stderr).toContain(': 401 ');
    expect(sent()).toBe(tried);
    expect((await deadLettersOf(server.url)).deadLetters.map((d) => d.id)).toEqual([letter.id]);

    // A permitted token while the receiver still refuses: the server's 502 with its hint; the letter stays.
    const stillRefused = await cli(server.url, ['notify', 'redeliver', letter.id], CREATE_TOKEN);
    expect(stillRefused.code).toBe(EXIT.input);
    expect(stillRefused.stderr).toContain(': 502 the receiver did not take it: HTTP 500');
    expect(stillRefused.stderr).toContain('hint: the dead letter stays; try again once the receiver answers');
    expect(sent()).toBe(tried + 1);
    expect((await deadLettersOf(server.url)).deadLetters.map((d) => d.id)).toEqual([letter.id]);

    // The receiver answers again: redelivered with the same webhook-id, and the list is empty.
    hooks.answer = () => 200;
    const redelivered = await cli(server.url, ['notify', 'redeliver', letter.id], CREATE_TOKEN);
    expect(redelivered.stderr).toBe('');
    expect(redelivered.code).toBe(EXIT.ok);
    expect(redelivered.stdout).toBe(`redelivered dead letter ${letter.id} (${letter.type} of program ${program.id}, webhook-id ${letter.notification}) to sink ${letter.sink}: the receiver took it, and it left the list\n`);
    expect(hooks.accepted().filter(refused).map((r) => r.headers['webhook-id'])).toEqual([letter.notification]);
    expect(await deadLettersOf(server.url)).toEqual({ deadLetters: [] });
    const none = await cli(server.url, ['notify', 'dead-letters']);
    expect(none.code).toBe(EXIT.ok);
    expect(none.stdout).toBe('No dead letters: every notification was delivered.\n');
    expect(JSON.parse((await cli(server.url, ['notify', 'dead-letters', '--json'])).stdout)).toEqual({ deadLetters: [] });

    // Gone, or never there: the server's 404 with its hint.
    for (const id of [letter.id, '999999']) {
      const unknown = await cli(server.url, ['notify', 'redeliver', id], CREATE_TOKEN);
      expect(unknown.code).toBe(EXIT.input);
      expect(unknown.stderr).toContain(`: 404 no dead letter ${id}`);
      expect(unknown.stderr).toContain('hint: cutover --server URL notify dead-letters (or GET /v1/notify/dead-letters) lists them');
    }
  });

  it('without --server, or with an id that is not one, refuses as bad input before asking anything', async () => {
    const noServer = await cli(null, ['notify', 'dead-letters']);
    expect(noServer.code).toBe(EXIT.input);
    expect(noServer.stderr).toBe('cutover: --server: expected the server URL (--server URL or CUTOVER_SERVER), found nothing\n');
    expect((await cli(null, ['notify', 'redeliver', '7'])).stderr).toContain('cutover: --server: expected the server URL');
    // A server that would have answered had it been asked: nothing reaches it.
    const hooks = await receiving();
    const badId = await cli(hooks.url.replace(/\/hook$/, ''), ['notify', 'redeliver', '../7']);
    expect(badId.code).toBe(EXIT.input);
    expect(badId.stderr).toContain('expected the id of a dead letter, digits as cutover notify dead-letters lists them, found "../7"');
    expect(hooks.received).toEqual([]);
  });
});
