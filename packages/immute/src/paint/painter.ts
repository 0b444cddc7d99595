// Visual plan → a 256×256 RGB PNG: layered gradient ground, style composition, beat stripes,
// the tempo row at the melody's register, the melody contour, instrument and setting motifs, texture.
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { createRng, type Rng } from '../rng.js';
import { IMAGE_SIZE, type VisualPlan } from '../plan/visual-plan.js';
import { drawFamilyGlyph, drawSetting } from './motifs.js';
import { encodeRgbPng } from './png.js';

type Ctx = SKRSContext2D;

export function paintImage(plan: VisualPlan, seed: number): Uint8Array {
  const S = IMAGE_SIZE;
  const canvas = createCanvas(S, S);
  const ctx = canvas.getContext('2d');
  const rng = createRng(seed).fork('paint');
  const [groundTop, groundBottom, primary, secondary, accent, ink] = plan.palette;

  const g = ctx.createLinearGradient(0, 0, 0, S);
  g.addColorStop(0, groundTop);
  g.addColorStop(1, groundBottom);
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, S, S);

  drawComposition(ctx, plan, secondary, rng.fork('composition'));
  if (plan.stripes > 0) drawStripes(ctx, plan, ink);
  if (plan.bassBand > 0) {
    ctx.save();
    ctx.globalAlpha = 0.55;
    ctx.fillStyle = secondary;
    ctx.fillRect(0, S * (1 - plan.bassBand), S, S * plan.bassBand);
    ctx.restore();
  }
  drawMotifs(ctx, plan, primary, ink, rng.fork('motifs'));
  drawSparkles(ctx, plan, accent, rng.fork('sparkles'));
  drawRhythmRow(ctx, plan, primary, ink);
  drawContour(ctx, plan, accent, ink);
  for (const s of plan.settings) drawSetting(ctx, s, S, ink, plan.lightness > 0.5 ? '#ffffff' : '#fff4d0');

  const image = ctx.getImageData(0, 0, S, S);
  applyTexture(image.data, plan, rng.fork('texture'));
  return encodeRgbPng(image.data, S, S);
}

function drawComposition(ctx: Ctx, plan: VisualPlan, colour: string, rng: Rng): void {
  const S = IMAGE_SIZE;
  ctx.save();
  ctx.globalAlpha = 0.22 + 0.25 * plan.contrast;
  ctx.fillStyle = colour;
  ctx.strokeStyle = colour;
  switch (plan.composition) {
    case 'grid':
      ctx.lineWidth = 1.5;
      for (let i = 1; i < 8; i++) {
        ctx.beginPath(); ctx.moveTo(i * 32, 0); ctx.lineTo(i * 32, S); ctx.moveTo(0, i * 32); ctx.lineTo(S, i * 32); ctx.stroke();
      }
      for (let i = 0; i < 6; i++) ctx.fillRect(rng.int(0, 7) * 32 + 2, rng.int(0, 7) * 32 + 2, 28, 28);
      break;
    case 'diagonal':
      for (let i = -2; i < 6; i++) {
        ctx.beginPath();
        ctx.moveTo(i * 60, S); ctx.lineTo(i * 60 + 24, S); ctx.lineTo(i * 60 + 24 + S * 0.7, 0); ctx.lineTo(i * 60 + S * 0.7, 0);
        ctx.closePath(); ctx.fill();
      }
      break;
    case 'radial':
      ctx.lineWidth = 3;
      for (let r = 20; r < S; r += 22) { ctx.beginPath(); ctx.arc(S / 2, S / 2, r, 0, Math.PI * 2); ctx.stroke(); }
      break;
    case 'flow':
      ctx.lineWidth = 6;
      for (let k = 0; k < 4; k++) {
        ctx.beginPath();
        const y0 = 40 + k * 55;
        ctx.moveTo(0, y0);
        ctx.bezierCurveTo(S * 0.3, y0 - 50 + rng.int(0, 20), S * 0.6, y0 + 50, S, y0 - 10);
        ctx.stroke();
      }
      break;
    case 'scatter':
      for (let i = 0; i < 9; i++) { ctx.beginPath(); ctx.arc(rng.range(0, S), rng.range(0, S), rng.range(10, 34), 0, Math.PI * 2); ctx.fill(); }
      break;
    case 'horizon':
      ctx.fillRect(0, S * 0.68, S, S * 0.32);
      ctx.beginPath(); ctx.arc(S * 0.72, S * 0.3, 30, 0, Math.PI * 2); ctx.fill();
      break;
    case 'blocks':
      for (let i = 0; i < 7; i++) { const h = rng.range(40, 150); ctx.fillRect(i * 37, S - h, 30, h); }
      break;
    case 'waves':
      ctx.lineWidth = 8;
      for (let k = 0; k < 4; k++) {
        ctx.beginPath();
        for (let x = 0; x <= S; x += 4) {
          const y = 50 + k * 50 + 14 * Math.sin((x / S) * Math.PI * 3 + k);
          if (x === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
        }
        ctx.stroke();
      }
      break;
  }
  ctx.restore();
}

/** one stripe per two beats of the clip: faster tempo, more and narrower stripes */
function drawStripes(ctx: Ctx, plan: VisualPlan, ink: string): void {
  const S = IMAGE_SIZE;
  const step = S / plan.stripes;
  ctx.save();
  ctx.globalAlpha = 0.1 + 0.1 * plan.contrast;
  ctx.fillStyle = ink;
  for (let i = 0; i < plan.stripes; i++) ctx.fillRect(i * step, 0, step * 0.35, S);
  ctx.restore();
}

function drawMotifs(ctx: Ctx, plan: VisualPlan, colour: string, ink: string, rng: Rng): void {
  const S = IMAGE_SIZE;
  const spots = [[0.22, 0.25], [0.78, 0.3], [0.5, 0.78]];
  plan.motifs.forEach((family, i) => {
    const [sx, sy] = spots[i];
    ctx.save();
    ctx.globalAlpha = 0.3 + 0.2 * plan.contrast;
    ctx.translate(sx * S + rng.range(-10, 10), sy * S + rng.range(-10, 10));
    ctx.rotate(rng.range(-0.4, 0.4));
    drawFamilyGlyph(ctx, family, 70 + 20 * plan.contrast, colour, ink);
    ctx.restore();
  });
}

function drawSparkles(ctx: Ctx, plan: VisualPlan, colour: string, rng: Rng): void {
  ctx.save();
  ctx.fillStyle = colour;
  for (let i = 0; i < plan.sparkles; i++) {
    ctx.globalAlpha = rng.range(0.2, 0.6);
    ctx.beginPath();
    ctx.arc(rng.range(0, IMAGE_SIZE), rng.range(0, IMAGE_SIZE), rng.range(0.8, 2.4), 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.restore();
}

/** the tempo row: `count` glyphs of the melody's family, every `group`-th accented, at the register height */
function drawRhythmRow(ctx: Ctx, plan: VisualPlan, colour: string, ink: string): void {
  const S = IMAGE_SIZE;
  const { count, group, y, size, shape } = plan.rhythm;
  const step = S / count;
  for (let i = 0; i < count; i++) {
    const accent = i % group === 0;
    const r = Math.min(step * 0.46, size * (accent ? 0.75 : 0.5));
    ctx.save();
    ctx.translate(step * (i + 0.5), y * S);
    ctx.globalAlpha = 0.92;
    ctx.fillStyle = colour;
    ctx.beginPath();
    ctx.arc(0, 0, r, 0, Math.PI * 2);
    ctx.fill();
    drawFamilyGlyph(ctx, shape, r * 1.5, ink, colour);
    ctx.restore();
  }
}

function drawContour(ctx: Ctx, plan: VisualPlan, colour: string, ink: string): void {
  if (plan.contour.length === 0) return;
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.globalAlpha = 0.85;
  ctx.lineWidth = 1.5 + 2 * plan.contrast;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  plan.contour.forEach((p, i) => (i === 0 ? ctx.moveTo(p.x, p.y) : ctx.lineTo(p.x, p.y)));
  ctx.stroke();
  for (const p of plan.contour) {
    ctx.beginPath();
    ctx.fillStyle = colour;
    ctx.arc(p.x, p.y, p.r, 0, Math.PI * 2);
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = ink;
    ctx.stroke();
  }
  ctx.restore();
}

function applyTexture(px: Uint8ClampedArray, plan: VisualPlan, rng: Rng): void {
  const S = IMAGE_SIZE;
  const amt = plan.textureAmount * 255;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const o = (y * S + x) * 4;
      let d = 0;
      if (plan.texture === 'grain') d = (rng.next() - 0.5) * 2 * amt;
      else if (plan.texture === 'scanlines') d = y % 4 === 0 ? -amt * 0.6 : 0;
      else if (plan.texture === 'halftone') d = ((x % 6) - 3) ** 2 + ((y % 6) - 3) ** 2 < 3 ? -amt * 0.8 : 0;
      else if (plan.texture === 'paper') d = (rng.next() - 0.5) * amt * 0.35;
      if (d !== 0) {
        px[o] = px[o] + d;
        px[o + 1] = px[o + 1] + d;
        px[o + 2] = px[o + 2] + d;
      }
      // vignette keeps the centre bright and frames the picture
      const dx = x / S - 0.5, dy = y / S - 0.5;
      const v = 1 - 0.35 * (dx * dx + dy * dy) * 2;
      px[o] *= v; px[o + 1] *= v; px[o + 2] *= v;
    }
  }
}
