/** The CLI's server: serve, and push and pull between a folder and a server. */
import { Option } from 'commander';
import { collect, positiveInt, nonNegativeInt, type CliContext } from './context.js';

export function declareServer({ cli, handlers, dir, where, run, opt, wanted }: CliContext): void {
  if (wanted('serve')) {
    cli
      .command('serve')
      .description('serve many programs over HTTP: from PostgreSQL (--database or $DATABASE_URL) or a folder of file ledgers (--data, the default)')
      .option('--database <url>', 'PostgreSQL connection string (default: $DATABASE_URL)')
      .option('--data <dir>', 'a folder of file ledgers, one <program>.jsonl each (default: ./cutover-data when no database is given)')
      .option('--port <n>', 'the port to listen on (0: any free port)', nonNegativeInt('--port'), 8080)
      .option('--host <address>', 'the address to bind', '127.0.0.1')
      .option('--token <program=token>', 'reading <program> needs this bearer token (repeatable)', collect, [])
      .option('--create-token <token>', 'creating a program needs this bearer token (repeatable; else $CUTOVER_CREATE_TOKEN)', collect, [])
      .option('--oidc-issuer <url>', 'trust bearer JWTs from this OpenID Connect issuer (repeatable; each paired with the --oidc-audience at the same position)', collect, [])
      .option('--oidc-audience <aud>', 'the audience tokens of the --oidc-issuer at the same position must name (repeatable)', collect, [])
      .option('--creator <claim=value,...>', 'creating a program needs a token whose claims all match (repeatable; iss among them when more than one issuer is trusted)', collect, [])
      .option('--oidc-client-id <id>', 'dashboard sign-in: this server\'s client id at the first --oidc-issuer (authorization code flow with PKCE)')
      .option('--oidc-client-secret <secret>', 'dashboard sign-in: the client secret, if the client has one (else $CUTOVER_OIDC_CLIENT_SECRET)')
      .option('--public-url <url>', 'dashboard sign-in: the URL browsers reach this server at (its callback is <url>/auth/callback; https gives a Secure cookie)')
      .option('--oidc-cli-client-id <id>', 'cutover login: the CLI\'s public client id at the first --oidc-issuer (device authorization grant), named to the CLI at /v1/auth/login')
      .option('--allow-anonymous-create', 'bound to an address other than loopback, let anyone create programs (refused otherwise without --create-token)', false)
      .option('--max-clock-skew <duration>', "how far ahead of this server's clock a posted line may be dated (default: $CUTOVER_MAX_CLOCK_SKEW, else 5m)")
      .option('--max-streams <n>', 'event streams held open at most, in total (default 10000; past it: 503 with Retry-After)', positiveInt('--max-streams'))
      .option('--max-streams-per-program <n>', 'event streams held open at most on one program (default 5000)', positiveInt('--max-streams-per-program'))
      .option('--body-limit <bytes>', 'the largest request body accepted', positiveInt('--body-limit'), 1024 * 1024)
      .option('--notify <url>', 'send every notification, as CloudEvents, to this URL, for programs whose cutover.yaml names no sink (repeatable)', collect, [])
      .option('--notify-config <file>', 'named sinks (url, format cloudevents|slack|pagerduty, types, secret_env): docs/notifications.md')
      .option('--delivery-key <file>', 'the Ed25519 key that signs deliveries (v1a), generated there if missing (default: <data>/.notify/delivery-key.pem; with a database, give one to every replica)')
      .option('--notify-attempts <n>', 'attempts per notification before it is a dead letter (default 8)', positiveInt('--notify-attempts'))
      .option('--notify-backoff <duration>', 'the pause after a first failed delivery, doubled each attempt with jitter (default 1s)')
      .option('--notify-timeout <duration>', 'how long one delivery may take (default 10s)')
      .option('--memory-budget <MiB>', 'programs not read for longest leave memory once those loaded are estimated to take more than this (default 512; loaded again on the next read)', positiveInt('--memory-budget'), 512)
      .addOption(new Option('--log-level <level>', "Fastify's log level (on stderr)").choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
      .action((o) =>
        run(handlers.serve({ port: o.port, host: o.host, token: o.token, createToken: o.createToken, allowAnonymousCreate: o.allowAnonymousCreate, oidcIssuer: o.oidcIssuer, oidcAudience: o.oidcAudience, creator: o.creator, ...opt('oidcClientId', o.oidcClientId), ...opt('oidcClientSecret', o.oidcClientSecret), ...opt('publicUrl', o.publicUrl), ...opt('oidcCliClientId', o.oidcCliClientId), ...opt('maxClockSkew', o.maxClockSkew), ...opt('maxStreams', o.maxStreams), ...opt('maxStreamsPerProgram', o.maxStreamsPerProgram), bodyLimit: o.bodyLimit, memoryBudget: o.memoryBudget, logLevel: o.logLevel, ...opt('database', o.database), ...opt('data', o.data), ...(o.notify.length > 0 ? { notify: o.notify } : {}), ...opt('notifyConfig', o.notifyConfig), ...opt('deliveryKey', o.deliveryKey), ...opt('notifyAttempts', o.notifyAttempts), ...opt('notifyBackoff', o.notifyBackoff), ...opt('notifyTimeout', o.notifyTimeout) })),
      );
  }

  if (wanted('push')) {
    cli
      .command('push')
      .description("put the folder's program on the server (--server): verified on both sides, fast-forward only, byte-identical after")
      .action(() => run(handlers.push(where())));
  }

  if (wanted('pull')) {
    cli
      .command('pull')
      .description('bring a program from the server (--server, --program) into the folder: verified, fast-forward only, byte-identical after')
      .action(() => run(handlers.pull(where())));
  }
}
