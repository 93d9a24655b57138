/** `cutover login`: the CLI's words around `app/device-login.ts` and `app/server-tokens.ts`. */
import { deviceLogin, loginClientOf } from '../../app/device-login.js';
import { keepToken } from '../../app/server-tokens.js';
import { invalidInput } from '../../errors.js';
import { EXIT, type CliIo } from '../io.js';
import type { LoginOptions } from '../server-options.js';

export async function login(o: LoginOptions, io: CliIo): Promise<number> {
  const server = o.server ?? io.env.CUTOVER_SERVER;
  if (server === undefined || server === '') throw invalidInput({ source: '--server', field: '', expected: 'the server URL (--server URL or CUTOVER_SERVER)', found: 'nothing' });
  if ((o.issuer === undefined) !== (o.clientId === undefined)) {
    throw invalidInput({ source: o.issuer === undefined ? '--issuer' : '--client-id', field: '', expected: 'both --issuer and --client-id, or neither (the server names them)', found: 'only one' });
  }
  const client = o.issuer !== undefined && o.clientId !== undefined ? { issuer: o.issuer, clientId: o.clientId } : await loginClientOf(server);
  const kept = await deviceLogin(client, (prompt) => {
    // stderr: the person acts on it; stdout stays for the result.
    io.stderr(`To sign in, open ${prompt.verificationUriComplete ?? prompt.verificationUri}\nand confirm the code ${prompt.userCode}\n`);
  });
  const file = await keepToken(server, kept, io.env);
  io.stdout(`signed in to ${new URL(server).origin} at ${kept.issuer}; the token is kept in ${file}${kept.expiresAt === null ? '' : ` until ${kept.expiresAt}`}\n`);
  return EXIT.ok;
}
