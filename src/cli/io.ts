/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  /**
   * Resolves once what was written to stdout has gone out (a pipe's reader may be slower than us):
   * a command streaming a long ledger waits on it between chunks, so its memory stays flat.
   */
  readonly stdoutDrained?: () => Promise<void>;
  readonly stderr: (text: string) => void;
  /**
   * Writes text as it is, unescaped: only text in which every string from the ledger was escaped
   * first (escapeStrings, see commands/status.ts; showOnOneLine, see commands/log.ts), such as text
   * carrying cutover's own colour codes, or `log`'s lines, which need no second pass. Without it, stdout.
   */
  readonly escapedStdout?: (text: string) => void;
  /** Whether stdout is a terminal: colour is used only there, unless NO_COLOR or FORCE_COLOR say otherwise. */
  readonly stdoutIsTTY?: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The clock; only the CLI reads it, and passes the time into the domain. */
  readonly now: () => Date;
  readonly cwd: string;
  /** Where live progress goes (stderr); a TTY gets a redrawn display, anything else plain lines. */
  readonly progress?: { write(text: string): unknown; readonly isTTY?: boolean };
}

/** Exit codes, documented in the README. */
export const EXIT = {
  ok: 0,
  /** The gate asked about is NO-GO, or the policy refused. */
  noGo: 1,
  /** Bad input or usage. */
  input: 2,
  /** The ledger fails verification. */
  ledger: 3,
  /** A bug in cutover itself (an unexpected exception); please report it. */
  internal: 70,
} as const;
