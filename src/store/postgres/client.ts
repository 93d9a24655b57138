/**
 * The shape of the PostgreSQL client the store needs: a pool that runs queries and lends a
 * connection for a transaction. `pg`'s Pool has this shape; the store never imports `pg`, so the
 * core does not depend on it (only `cutover serve` and the tests load it).
 */

export interface SqlResult<Row> {
  readonly rows: Row[];
  readonly rowCount: number | null;
}

/** A statement run often is named, so each connection parses and plans it once. */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

export interface SqlClient {
  query<Row = Record<string, unknown>>(statement: string | NamedStatement, values?: readonly unknown[]): Promise<SqlResult<Row>>;
}

export interface SqlConnection extends SqlClient {
  /** Give the connection back; pass the error to drop a connection that may be broken. */
  release(error?: Error | boolean): void;
}

export interface SqlPool extends SqlClient {
  connect(): Promise<SqlConnection>;
}

/** Run `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(pool: SqlPool, work: (tx: SqlClient) => Promise<T>): Promise<T> {
  const connection = await pool.connect();
  let broken: Error | undefined;
  try {
    await connection.query('BEGIN');
    try {
      const result = await work(connection);
      await connection.query('COMMIT');
      return result;
    } catch (error) {
      await connection.query('ROLLBACK').catch((e: Error) => {
        broken = e;
      });
      throw error;
    }
  } finally {
    connection.release(broken);
  }
}

/** The SQLSTATE of a database error, if it carries one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
