// The launch-link QR code as data (web/src/format/qr.ts): the runs are exactly the encoder's dark modules inside
// a 4-module quiet zone, the on-screen size is whole px and never under 3 per module, and a link too long for
// any QR version gets a message instead of an exception. The browser test decodes what is drawn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encode } from 'uqr';
import { MIN_SCREEN_PX, QUIET_ZONE, qrCode, qrPath, qrSvgFile, screenScale } from '../../web/src/format/qr';

/** The matrix the runs paint, quiet zone included. */
function paint(side: number, runs: readonly { x: number; y: number; length: number }[]): boolean[][] {
  const m = Array.from({ length: side }, () => Array<boolean>(side).fill(false));
  for (const r of runs) for (let i = 0; i < r.length; i++) m[r.y]![r.x + i] = true;
  return m;
}

test('the runs paint exactly the encoded modules, inside a light quiet zone of 4 modules', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 400 }), (text) => {
      const code = qrCode(text);
      assert.ok(code.ok);
      const { data, size } = encode(text, { ecc: 'L', border: 0 });
      assert.equal(code.modules, size);
      assert.equal(code.side, size + 2 * QUIET_ZONE);
      const painted = paint(code.side, code.runs);
      for (let y = 0; y < code.side; y++)
        for (let x = 0; x < code.side; x++) {
          const inside = x >= QUIET_ZONE && y >= QUIET_ZONE && x < QUIET_ZONE + size && y < QUIET_ZONE + size;
          assert.equal(painted[y]![x], inside ? data[y - QUIET_ZONE]![x - QUIET_ZONE] : false);
        }
    }),
    { numRuns: 30 },
  );
});

test('on screen: whole px per module, never under 3, and small codes drawn larger', () => {
  for (let version = 1; version <= 40; version++) {
    const side = 17 + 4 * version + 2 * QUIET_ZONE;
    const scale = screenScale(side);
    assert.ok(Number.isInteger(scale) && scale >= MIN_SCREEN_PX, `version ${version}: ${scale}`);
  }
  assert.equal(screenScale(21 + 8), 11, 'version 1 is about 320 px wide, not a stamp');
  assert.equal(screenScale(97 + 8), 3, 'the demo launch link (version 20) is at the minimum');
});

test('a link longer than a QR code holds gets a message, not an exception', () => {
  const code = qrCode(`https://console.nutanix.com/${'a'.repeat(3000)}`);
  assert.equal(code.ok, false);
  assert.ok(!code.ok);
  assert.match(code.message, /^This link is 3028 bytes; a QR code holds at most 2953\. Copy the link instead\.$/);
  assert.equal(qrCode('é'.repeat(1476)).ok, true, '2,952 bytes fit');
  assert.equal(qrCode('é'.repeat(1477)).ok, false, 'bytes count, not characters');
});

test('the SVG file is standalone, sized at the given px per module, and draws the same path', () => {
  const code = qrCode('https://console.nutanix.com/x/launchpad/abc#token=eyJ');
  assert.ok(code.ok);
  const svg = qrSvgFile(code, 8);
  const px = code.side * 8;
  assert.ok(svg.startsWith(`<svg xmlns="http://www.w3.org/2000/svg" width="${px}" height="${px}" viewBox="0 0 ${code.side} ${code.side}"`));
  assert.ok(svg.includes(`<path d="${qrPath(code.runs)}" fill="#000"/>`));
  assert.match(qrPath([{ x: 4, y: 5, length: 3 }]), /^M4 5h3v1h-3z$/);
});
