// PostgreSQL's text form of timestamp and timestamptz values reads back as the one stored text form of a
// DateTime (server/db/stored-date.ts), whatever the precision and offset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timestampText } from '../../server/db/postgres-sql.js';

test('timestamps with any precision and offset read back as storedDate text', () => {
  assert.equal(timestampText('2026-12-02 05:00:00'), '2026-12-02T05:00:00.000+00:00');
  assert.equal(timestampText('2026-12-02 05:00:00.12'), '2026-12-02T05:00:00.120+00:00');
  assert.equal(timestampText('2026-12-02 05:48:29.123456+00'), '2026-12-02T05:48:29.123+00:00');
  assert.equal(timestampText('2026-12-02 10:30:00.5+05:30'), '2026-12-02T05:00:00.500+00:00');
  assert.equal(timestampText('2026-12-01 23:00:00-0100'), '2026-12-02T00:00:00.000+00:00');
  assert.throws(() => timestampText('infinity'), /unexpected timestamp/);
});
