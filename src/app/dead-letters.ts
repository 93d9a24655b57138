/**
 * A server's dead letters, for the CLI: the notifications a receiver still refused after the last
 * attempt, as `GET /v1/notify/dead-letters` lists them, and redelivery by hand. The answers are
 * checked for the fields the CLI shows (a server is not trusted to send what it should); the list
 * keeps every field the server sent, so `--json` gives the API's own body.
 */
import { Type, type Static } from '@sinclair/typebox';
import { invalidInput } from '../errors.js';
import { HttpDeadLetters } from '../store/http-dead-letters.js';
import { checkedValue } from './checked-value.js';
import type { Server } from './transfer.js';

export const DeadLetter = Type.Object({
  id: Type.String(),
  sink: Type.String(),
  program: Type.String(),
  notification: Type.String({ description: 'the webhook-id every delivery of it carries' }),
  type: Type.String(),
  attempts: Type.Integer(),
  error: Type.String({ description: 'why the last attempt failed' }),
  deadAt: Type.String({ description: 'when it was given up' }),
});
export type DeadLetter = Static<typeof DeadLetter>;

const DeadLetterList = Type.Object({ deadLetters: Type.Array(DeadLetter) });
export type DeadLetterList = Static<typeof DeadLetterList>;

const Redelivered = Type.Object({
  redelivered: Type.String(),
  // Named by servers from this version on; an earlier one answers the id alone.
  sink: Type.Optional(Type.String()),
  program: Type.Optional(Type.String()),
  type: Type.Optional(Type.String()),
  notification: Type.Optional(Type.String()),
});
export type Redelivered = Static<typeof Redelivered>;

/** What `redeliver` takes: the ids the list gives (the server's route accepts no other). */
const ID = /^[0-9]{1,18}$/;


/** The dead letters the caller may read, as the server gave them. */
export async function deadLettersOn(server: Server): Promise<DeadLetterList> {
  const { source, body } = await new HttpDeadLetters(server.url, server.token).list();
  return checkedValue(DeadLetterList, body, { source, whole: '(answer)', what: 'a list of dead letters ({deadLetters: [...]})' });
}

/** Send dead letter `id` again, now; it leaves the list once the receiver takes it, and the server's refusal is thrown otherwise. */
export async function redeliverOn(server: Server, id: string): Promise<Redelivered> {
  if (!ID.test(id)) {
    throw invalidInput({ source: 'notify redeliver', field: 'ID', expected: 'the id of a dead letter, digits as cutover notify dead-letters lists them', found: JSON.stringify(id) });
  }
  const { source, body } = await new HttpDeadLetters(server.url, server.token).redeliver(id);
  return checkedValue(Redelivered, body, { source, whole: '(answer)', what: "a redelivery's answer ({redelivered: ID})" });
}
