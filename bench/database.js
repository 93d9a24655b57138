// A new database on a benchmark's PostgreSQL cluster (throwaway, or a server of one's own).
import pg from 'pg';

/** Create database `name` on the cluster at `url` (a connection string to any of its databases); returns its URL. */
export async function createDatabase(url, name) {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  await pool.query(`CREATE DATABASE ${name} ENCODING 'UTF8' TEMPLATE template0`);
  await pool.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
