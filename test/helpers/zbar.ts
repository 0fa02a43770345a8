// A real QR decoder for the browser tests: Debian's zbarimg (zbar-tools), the reader the issue used to show the
// launch-link code could not be scanned. It reads the image as pixels, as a camera app does: a code that only
// the DOM says is right does not pass. PNG pixel reading (pngjs) measures how big the code is drawn.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { tempDir } from './tmp.js';

/** The texts of every QR code zbarimg finds in a PNG (empty when it finds none). */
export function decodeQr(png: Buffer): string[] {
  const dir = tempDir('sat-qr-');
  try {
    const file = join(dir.path, 'code.png');
    writeFileSync(file, png);
    // --raw: the payload only; -Sdisable -Sqrcode.enable: QR codes only (no barcode false positives).
    const r = spawnSync('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', file], { encoding: 'utf8', timeout: 30_000 });
    if (r.error) throw new Error(`zbarimg did not run (apt-get install zbar-tools): ${r.error.message}`);
    // Exit 4: no symbol found. Anything else but 0 is zbarimg failing, not a verdict on the code.
    if (r.status === 4) return [];
    if (r.status !== 0) throw new Error(`zbarimg exited ${r.status}: ${r.stderr}`);
    return r.stdout.replace(/\n$/, '').split('\n');
  } finally {
    dir.cleanup();
  }
}

/**
 * Pixels per module of the QR code in a PNG, measured on the image: the top-left finder pattern is 7 modules
 * wide, so the run of dark pixels from the first dark pixel (top-left corner of that pattern) is 7 modules.
 */
export function pixelsPerModule(png: Buffer): number {
  const img = PNG.sync.read(png);
  const dark = (x: number, y: number) => {
    const i = (y * img.width + x) * 4;
    return img.data[i]! + img.data[i + 1]! + img.data[i + 2]! < 3 * 128;
  };
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (!dark(x, y)) continue;
      let end = x;
      while (end < img.width && dark(end, y)) end++;
      return (end - x) / 7;
    }
  }
  throw new Error('no dark pixel in the image');
}
