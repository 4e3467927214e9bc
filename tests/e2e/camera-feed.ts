import fs from 'node:fs';
import bwipjs from 'bwip-js/node';

/**
 * A camera for Chromium's fake capture (`--use-file-for-fake-video-capture`): a YUV4MPEG2 file whose frames show one
 * GS1 DataMatrix drawn by bwip-js, black modules on white with a quiet zone, in the middle of a 640×480 picture.
 * The symbol comes from bwip-js's module matrix (its `raw` output, what its PNG is drawn from), so no image
 * decoder is needed; grey only, so the chroma planes are flat.
 */
export function writeDataMatrixFeed(file: string, gs1Text: string, frames = 5): void {
  const [symbol] = bwipjs.raw({ bcid: 'gs1datamatrix', text: gs1Text }) as unknown as { pixs: number[]; pixx: number; pixy: number }[];
  const width = 640;
  const height = 480;
  const scale = Math.floor(Math.min(width, height) / (Math.max(symbol.pixx, symbol.pixy) + 8));
  const left = Math.floor((width - symbol.pixx * scale) / 2);
  const top = Math.floor((height - symbol.pixy * scale) / 2);
  // Studio-range luma (16 black, 235 white), as Chromium's I420 → RGB conversion expects.
  const luma = Buffer.alloc(width * height, 235);
  for (let y = 0; y < symbol.pixy; y++) {
    for (let x = 0; x < symbol.pixx; x++) {
      if (!symbol.pixs[y * symbol.pixx + x]) continue;
      for (let dy = 0; dy < scale; dy++)
        luma.fill(16, (top + y * scale + dy) * width + left + x * scale, (top + y * scale + dy) * width + left + (x + 1) * scale);
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  fs.writeFileSync(file, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}
