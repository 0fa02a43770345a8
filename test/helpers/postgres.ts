// TEMP stub (replaced by wt/pg-ops): SAT_TEST_PG_URL only.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
export async function sharedPostgres() {
  const adminUrl = process.env.SAT_TEST_PG_URL!;
  return {
    adminUrl,
    async createDatabase(prefix = 'test') {
      const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`CREATE DATABASE "${name}"`);
      await c.end();
      const u = new URL(adminUrl);
      u.pathname = `/${name}`;
      return u.toString();
    },
  };
}
