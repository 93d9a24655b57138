/** The typed options of the server commands (`serve`, `push`, `pull`, `login`, `notify`); see `program.ts`. */
import type { DirOptions } from './options.js';

export interface ServeOptions {
  /** PostgreSQL connection string (else $DATABASE_URL); without one, `data` is used. */
  readonly database?: string;
  /** The folder of file ledgers (the embedded default store). */
  readonly data?: string;
  readonly port: number;
  readonly host: string;
  /** `PROGRAM=TOKEN`: reading PROGRAM needs this bearer token (repeatable). */
  readonly token: readonly string[];
  /** Creating a program needs one of these bearer tokens. */
  readonly createToken: readonly string[];
  /** OpenID Connect issuers whose bearer JWTs the server checks, paired by position with `oidcAudience`. */
  readonly oidcIssuer: readonly string[];
  readonly oidcAudience: readonly string[];
  /** `CLAIM=VALUE[,CLAIM=VALUE…]`: creating a program needs a token whose claims all match (repeatable). */
  readonly creator: readonly string[];
  /** Dashboard sign-in: the client id at the first issuer, its secret (else $CUTOVER_OIDC_CLIENT_SECRET), the URL browsers use. */
  readonly oidcClientId?: string;
  readonly oidcClientSecret?: string;
  readonly publicUrl?: string;
  /** `cutover login`: the CLI's public client id at the first issuer, named to the CLI at /v1/auth/login. */
  readonly oidcCliClientId?: string;
  /** Bound beyond loopback with no create token: let anyone create programs anyway. */
  readonly allowAnonymousCreate: boolean;
  /** How far ahead of the server's clock a posted line may be dated (else $CUTOVER_MAX_CLOCK_SKEW, else 5m). */
  readonly maxClockSkew?: string;
  /** Event streams held open at most, in total and per program. */
  readonly maxStreams?: number;
  readonly maxStreamsPerProgram?: number;
  readonly bodyLimit: number;
  /** MiB the loaded programs are estimated to take before the least recently read leave memory. */
  readonly memoryBudget?: number;
  readonly logLevel: string;
  /** `--notify URL` sinks (CloudEvents, every type). */
  readonly notify?: readonly string[];
  /** `--notify-config FILE`: named sinks. */
  readonly notifyConfig?: string;
  /** The delivery key's file (v1a signatures). */
  readonly deliveryKey?: string;
  readonly notifyAttempts?: number;
  readonly notifyBackoff?: string;
  readonly notifyTimeout?: string;
}

export interface LoginOptions extends DirOptions {
  /** The issuer and the CLI's client id there (default: what the server names at /v1/auth/login). */
  readonly issuer?: string;
  readonly clientId?: string;
}

export interface TransferOptions extends DirOptions {
  /** The server (else $CUTOVER_SERVER). */
  readonly server?: string;
  /** pull: the program id on the server (default: the folder's program). */
  readonly program?: string;
  /** Bearer token for reads. */
  readonly token?: string;
}

export interface DeadLettersOptions extends DirOptions {
  /** The server's `{deadLetters: [...]}` body, not words. */
  readonly json: boolean;
}

export interface RedeliverOptions extends DirOptions {
  /** The dead letter's id, as `notify dead-letters` lists it. */
  readonly id: string;
}
