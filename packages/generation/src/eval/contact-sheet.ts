// A contact sheet for the README: for each item the generated picture beside the corpus picture it should match, with
// the first words of the item's caption underneath. Drawn with sharp; the text is an SVG overlay, which sharp renders
// through librsvg with the machine's fonts (no network).
import sharp, { type OverlayOptions } from 'sharp';

export interface SheetItem {
  generated: Uint8Array;
  original: Uint8Array;
  caption: string;
  /** a short line above the caption, e.g. "#123 · D minor" */
  label?: string;
}

export interface SheetOptions {
  columns?: number;
  /** side of each thumbnail in pixels */
  thumb?: number;
  /** characters of the caption shown before an ellipsis */
  captionChars?: number;
}

const PAD = 12;
const GAP = 4;
const HEADER = 26;
const TEXT = 36;
const FONT = 'DejaVu Sans, Liberation Sans, sans-serif';

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** the caption cut at a word boundary before `chars` characters, with an ellipsis when cut */
export function shortCaption(caption: string, chars: number): string {
  const text = caption.trim().replace(/\s+/g, ' ');
  if (text.length <= chars) return text;
  const cut = text.slice(0, chars - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > chars / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:]+$/, '')}…`;
}

/** the sheet as PNG bytes: rows of items, each item two thumbnails (generated, corpus) over its caption */
export async function contactSheet(items: readonly SheetItem[], options: SheetOptions = {}): Promise<Uint8Array> {
  if (items.length === 0) throw new Error('a contact sheet needs at least one item');
  const columns = Math.min(options.columns ?? 3, items.length);
  const thumb = options.thumb ?? 192;
  const chars = options.captionChars ?? 60;
  const cellW = 2 * thumb + GAP;
  const cellH = thumb + TEXT;
  const rows = Math.ceil(items.length / columns);
  const width = PAD + columns * (cellW + PAD);
  const height = HEADER + rows * (cellH + PAD) + PAD;
  const fontSize = Math.max(9, Math.min(12, Math.floor((cellW / chars) * 1.75)));
  const texts: string[] = [];
  const layers: OverlayOptions[] = [];
  for (let c = 0; c < columns; c++) {
    const x = PAD + c * (cellW + PAD);
    texts.push(`<text x="${x}" y="18" font-size="12" font-weight="bold" fill="#333">generated</text>`);
    texts.push(`<text x="${x + thumb + GAP}" y="18" font-size="12" font-weight="bold" fill="#333">corpus</text>`);
  }
  for (const [i, item] of items.entries()) {
    const x = PAD + (i % columns) * (cellW + PAD);
    const y = HEADER + Math.floor(i / columns) * (cellH + PAD);
    for (const [k, bytes] of [item.generated, item.original].entries()) {
      const input = await sharp(bytes).resize(thumb, thumb, { fit: 'cover' }).removeAlpha().png().toBuffer();
      layers.push({ input, left: x + k * (thumb + GAP), top: y });
    }
    if (item.label) texts.push(`<text x="${x}" y="${y + thumb + 14}" font-size="${fontSize}" font-weight="bold" fill="#222">${escapeXml(item.label)}</text>`);
    texts.push(`<text x="${x}" y="${y + thumb + 29}" font-size="${fontSize}" fill="#444">${escapeXml(shortCaption(item.caption, chars))}</text>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g font-family="${FONT}">${texts.join('')}</g></svg>`;
  layers.push({ input: Buffer.from(svg), left: 0, top: 0 });
  const png = await sharp({ create: { width, height, channels: 3, background: '#f6f4ef' } }).composite(layers).png().toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.length);
}
