// A QR code as data: the module matrix from uqr, the sizes it is drawn at, and its SVG. Pure (no DOM), so the
// on-screen code, the SVG file and the PNG (drawn from the same runs) cannot disagree.
import { encode } from 'uqr';

/** Light modules around the code: 4 is the QR standard's minimum; scanners look for it to find the edges. */
export const QUIET_ZONE = 4;
/** Below 3 CSS px per module a phone camera (and zbarimg) no longer reads a screenshot of a long link at 1×. */
export const MIN_SCREEN_PX = 3;
/** The PNG's px per module: sharp when printed or shown on another screen, and still a small file. */
export const PNG_PX = 8;
/** Codes of small links are drawn up to about this wide, so they are not stamps. */
const SCREEN_TARGET_PX = 320;
/** What version 40 at error correction L holds in byte mode. */
const MAX_BYTES = 2953;

export type QrCode = { ok: true; version: number; modules: number; side: number; runs: readonly QrRun[] } | { ok: false; message: string };

/** A horizontal run of dark modules, in module units, quiet zone included. */
export interface QrRun {
  x: number;
  y: number;
  length: number;
}

export function qrCode(text: string): QrCode {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_BYTES)
    return { ok: false, message: `This link is ${bytes} bytes; a QR code holds at most ${MAX_BYTES}. Copy the link instead.` };
  // Error correction L: a screen is not a torn label, and the lowest level keeps the modules the largest.
  const { version, size, data } = encode(text, { ecc: 'L', border: 0 });
  const runs: QrRun[] = [];
  data.forEach((row, y) => {
    for (let x = 0; x < size; x++) {
      if (!row[x]) continue;
      const start = x;
      while (x + 1 < size && row[x + 1]) x++;
      runs.push({ x: start + QUIET_ZONE, y: y + QUIET_ZONE, length: x - start + 1 });
    }
  });
  return { ok: true, version, modules: size, side: size + 2 * QUIET_ZONE, runs };
}

/** Whole CSS px per module on screen: at least MIN_SCREEN_PX, more for small codes (whole px keep edges sharp). */
export function screenScale(side: number): number {
  return Math.max(MIN_SCREEN_PX, Math.floor(SCREEN_TARGET_PX / side));
}

/** The SVG path of the dark modules, one rectangle per run, in module units. */
export function qrPath(runs: readonly QrRun[]): string {
  return runs.map((r) => `M${r.x} ${r.y}h${r.length}v1h-${r.length}z`).join('');
}

/** A standalone SVG file of the code, `pxPerModule` wide per module by default, with its quiet zone. */
export function qrSvgFile(code: { side: number; runs: readonly QrRun[] }, pxPerModule: number): string {
  const px = code.side * pxPerModule;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${px}" height="${px}" viewBox="0 0 ${code.side} ${code.side}" ` +
    `shape-rendering="crispEdges"><rect width="${code.side}" height="${code.side}" fill="#fff"/>` +
    `<path d="${qrPath(code.runs)}" fill="#000"/></svg>\n`
  );
}
