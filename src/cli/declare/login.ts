/** The CLI's signing in to a server: `cutover login`. */
import type { CliContext } from './context.js';

export function declareLogin({ cli, handlers, where, run, opt, wanted }: CliContext): void {
  if (!wanted('login')) return;
  cli
    .command('login')
    .description("sign in to a server (--server) at its OpenID Connect issuer with the device authorization grant; the token is kept in the user's cutover folder (mode 0600) and sent to that server")
    .option('--issuer <url>', 'the issuer (default: the one the server names at /v1/auth/login)')
    .option('--client-id <id>', "the CLI's public client id at the issuer (default: the one the server names)")
    .action((o) => run(handlers.login({ ...where(), ...opt('issuer', o.issuer), ...opt('clientId', o.clientId) })));
}
