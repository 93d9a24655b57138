/**
 * The version of the ledger line this build writes and reads. Its own module, apart from the line's
 * schema in events.ts, so that sealing and checking lines do not build TypeBox schemas as they load.
 */
export const LEDGER_LINE_VERSION = 1;
