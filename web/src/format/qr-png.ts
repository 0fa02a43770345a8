// The PNG of a QR code, drawn on a canvas from the same runs as the on-screen SVG (web/src/format/qr.ts).
import type { QrRun } from './qr';

/** A PNG of the code at `pxPerModule` px per module, quiet zone included; whole pixels, so no blurred edges. */
export function qrPngBlob(code: { side: number; runs: readonly QrRun[] }, pxPerModule: number): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = code.side * pxPerModule;
  const ctx = canvas.getContext('2d');
  if (!ctx) return Promise.reject(new Error('This browser cannot draw the PNG; download the SVG instead.'));
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#000';
  for (const r of code.runs) ctx.fillRect(r.x * pxPerModule, r.y * pxPerModule, r.length * pxPerModule, pxPerModule);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('The PNG could not be made; download the SVG instead.'))),
      'image/png',
    ),
  );
}
