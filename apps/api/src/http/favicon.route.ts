import type { Request, Response } from 'express';

const SIZE = 16;
const DISC = [0x4f, 0x46, 0xe5]; // indigo, RGB
const NOTE = [0xff, 0xff, 0xff];

/** Is pixel (x, y) of the 16 × 16 icon part of the white eighth note drawn on the disc? */
function onNote(x: number, y: number): boolean {
  const head = ((x - 6.5) / 2.3) ** 2 + ((y - 11) / 1.7) ** 2 <= 1;
  const stem = x === 8 && y >= 3 && y <= 11;
  const flag = (x === 9 && (y === 3 || y === 4)) || (x === 10 && (y === 4 || y === 5)) || (x === 11 && y >= 5 && y <= 7);
  return head || stem || flag;
}

/** A 16 × 16, 32-bit ICO (one BMP image): an indigo disc with a white note. Built once, in code. */
export function faviconIco(): Buffer {
  const pixelBytes = SIZE * SIZE * 4;
  const maskBytes = SIZE * 4; // 1 bit per pixel, rows padded to 32 bits; all 0: alpha decides
  const image = Buffer.alloc(40 + pixelBytes + maskBytes);
  image.writeUInt32LE(40, 0); // BITMAPINFOHEADER
  image.writeInt32LE(SIZE, 4);
  image.writeInt32LE(SIZE * 2, 8); // XOR image + AND mask
  image.writeUInt16LE(1, 12);
  image.writeUInt16LE(32, 14);
  image.writeUInt32LE(pixelBytes + maskBytes, 20);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const inside = (x - 7.5) ** 2 + (y - 7.5) ** 2 <= 7.4 ** 2;
      const [r, g, b] = onNote(x, y) ? NOTE : DISC;
      const o = 40 + ((SIZE - 1 - y) * SIZE + x) * 4; // rows bottom-up, BGRA
      image.set([b, g, r, inside ? 255 : 0], o);
    }
  }
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(1, 4); // one image
  header.writeUInt8(SIZE, 6);
  header.writeUInt8(SIZE, 7);
  header.writeUInt16LE(1, 10); // planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(image.length, 14);
  header.writeUInt32LE(header.length, 18);
  return Buffer.concat([header, image]);
}

/** GET /favicon.ico on the API port, so a browser tab opened on the API shows an icon. */
export function faviconRoute() {
  const icon = faviconIco();
  return (_req: Request, res: Response) => {
    res.type('image/x-icon');
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.send(icon);
  };
}
