// A golden test must not be able to pass by writing its own expectation (issue 14, finding 7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertGolden } from '../helpers/golden.js';
import { tempDir } from '../helpers/tmp.js';

function withDir(body: (dir: string) => void): void {
  const dir = tempDir('sat-golden-');
  try {
    body(dir.path);
  } finally {
    dir.cleanup();
  }
}

test('a missing golden file fails, says how to create it, and is not written (locally and in CI)', () => {
  for (const env of [{}, { CI: 'true' }]) {
    withDir((dir) => {
      const file = join(dir, 'x.ps1');
      const howTo = /x\.ps1 is missing: create it with UPDATE_GOLDEN=1 npm test -- snippets\/snippets, review the file and commit/;
      assert.throws(() => assertGolden(file, 'rendered', 'snippets/snippets', env), howTo);
      assert.equal(existsSync(file), false);
    });
  }
});

test('a golden file that differs fails and is left as it was', () => {
  withDir((dir) => {
    const file = join(dir, 'x.cs');
    writeFileSync(file, 'reviewed');
    const howTo = /x\.cs differs: if the change is intended, update it with UPDATE_GOLDEN=1 npm test -- snippets\/snippets/;
    assert.throws(() => assertGolden(file, 'changed', 'snippets/snippets', {}), howTo);
    assert.equal(readFileSync(file, 'utf8'), 'reviewed');
    assertGolden(file, 'reviewed', 'snippets/snippets', {});
  });
});

test('UPDATE_GOLDEN=1 writes the file on a developer machine and is refused in CI', () => {
  withDir((dir) => {
    const file = join(dir, 'x.ps1');
    assert.throws(() => assertGolden(file, 'rendered', 'snippets/snippets', { UPDATE_GOLDEN: '1', CI: 'true' }), /refused in CI/);
    assert.equal(existsSync(file), false);
    assertGolden(file, 'rendered', 'snippets/snippets', { UPDATE_GOLDEN: '1' });
    assert.equal(readFileSync(file, 'utf8'), 'rendered');
  });
});
