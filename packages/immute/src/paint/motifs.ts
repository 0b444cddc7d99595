// Instrument-family and setting glyphs, drawn centred at (0,0) in a unit of `s` pixels.
import type { SKRSContext2D } from '@napi-rs/canvas';
import type { Family } from '../plan/instruments.js';
import type { SettingMotif } from '../plan/visual-plan.js';

type Ctx = SKRSContext2D;

export function drawFamilyGlyph(ctx: Ctx, family: Family, s: number, fill: string, stroke: string): void {
  ctx.fillStyle = fill;
  ctx.strokeStyle = stroke;
  ctx.lineWidth = Math.max(1, s * 0.12);
  ctx.beginPath();
  switch (family) {
    case 'keys': // a key: tall rounded bar with a black key notch
      roundRect(ctx, -s * 0.3, -s * 0.6, s * 0.6, s * 1.2, s * 0.1);
      ctx.fill();
      ctx.fillStyle = stroke;
      ctx.fillRect(-s * 0.12, -s * 0.6, s * 0.24, s * 0.6);
      return;
    case 'organ': // pipes
      for (let i = -1; i <= 1; i++) ctx.rect(i * s * 0.3 - s * 0.1, -s * (0.4 + 0.2 * (1 - Math.abs(i))), s * 0.2, s * (1 + 0.2 * (1 - Math.abs(i))));
      ctx.fill();
      return;
    case 'guitar': // body with a sound hole
      ctx.arc(0, s * 0.15, s * 0.45, 0, Math.PI * 2);
      ctx.fill();
      ctx.beginPath();
      ctx.fillStyle = stroke;
      ctx.arc(0, s * 0.15, s * 0.16, 0, Math.PI * 2);
      ctx.fill();
      return;
    case 'bass': // a heavy low bar
      roundRect(ctx, -s * 0.6, -s * 0.2, s * 1.2, s * 0.4, s * 0.2);
      ctx.fill();
      return;
    case 'strings': // f-hole-like bow arc
      ctx.moveTo(-s * 0.55, s * 0.3);
      ctx.quadraticCurveTo(0, -s * 0.9, s * 0.55, s * 0.3);
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(0, s * 0.3, s * 0.12, 0, Math.PI * 2);
      ctx.fill();
      return;
    case 'brass': // a bell cone
      ctx.moveTo(-s * 0.5, -s * 0.12);
      ctx.lineTo(s * 0.25, -s * 0.12);
      ctx.lineTo(s * 0.55, -s * 0.5);
      ctx.lineTo(s * 0.55, s * 0.5);
      ctx.lineTo(s * 0.25, s * 0.12);
      ctx.lineTo(-s * 0.5, s * 0.12);
      ctx.closePath();
      ctx.fill();
      return;
    case 'woodwind': // a column with tone holes
      roundRect(ctx, -s * 0.14, -s * 0.65, s * 0.28, s * 1.3, s * 0.14);
      ctx.fill();
      ctx.fillStyle = stroke;
      for (let i = 0; i < 4; i++) { ctx.beginPath(); ctx.arc(0, -s * 0.4 + i * s * 0.26, s * 0.07, 0, Math.PI * 2); ctx.fill(); }
      return;
    case 'reed': // curved horn
      ctx.moveTo(-s * 0.2, -s * 0.6);
      ctx.lineTo(-s * 0.2, s * 0.2);
      ctx.quadraticCurveTo(-s * 0.2, s * 0.6, s * 0.2, s * 0.5);
      ctx.lineTo(s * 0.45, s * 0.1);
      ctx.stroke();
      return;
    case 'synth': // square wave
      ctx.moveTo(-s * 0.6, s * 0.3);
      ctx.lineTo(-s * 0.6, -s * 0.3); ctx.lineTo(-s * 0.2, -s * 0.3); ctx.lineTo(-s * 0.2, s * 0.3);
      ctx.lineTo(s * 0.2, s * 0.3); ctx.lineTo(s * 0.2, -s * 0.3); ctx.lineTo(s * 0.6, -s * 0.3);
      ctx.stroke();
      return;
    case 'voice': // concentric sound rings
      for (let i = 1; i <= 3; i++) { ctx.beginPath(); ctx.arc(0, 0, (s * i) / 5, -Math.PI * 0.35, Math.PI * 0.35); ctx.stroke(); }
      ctx.beginPath();
      ctx.arc(-s * 0.1, 0, s * 0.12, 0, Math.PI * 2);
      ctx.fill();
      return;
    case 'mallet': // a ring with a dot: a struck bell
      ctx.arc(0, 0, s * 0.4, 0, Math.PI * 2);
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(0, 0, s * 0.14, 0, Math.PI * 2);
      ctx.fill();
      return;
    case 'plucked': // round body and a long neck
      ctx.arc(0, s * 0.3, s * 0.3, 0, Math.PI * 2);
      ctx.fill();
      ctx.fillRect(-s * 0.06, -s * 0.7, s * 0.12, s * 0.8);
      return;
    case 'drums': // drum head with sticks
      ctx.ellipse(0, 0, s * 0.5, s * 0.25, 0, 0, Math.PI * 2);
      ctx.fill();
      ctx.beginPath();
      ctx.moveTo(-s * 0.5, -s * 0.6); ctx.lineTo(0, -s * 0.1); ctx.moveTo(s * 0.5, -s * 0.6); ctx.lineTo(0, -s * 0.1);
      ctx.stroke();
      return;
  }
}

export function drawSetting(ctx: Ctx, motif: SettingMotif, size: number, ink: string, light: string): void {
  ctx.save();
  switch (motif) {
    case 'crowd': {
      ctx.fillStyle = ink;
      ctx.globalAlpha = 0.75;
      for (let i = 0; i < 14; i++) {
        const x = (i + 0.5) * (size / 14);
        const h = 14 + ((i * 37) % 9);
        ctx.beginPath();
        ctx.arc(x, size - h - 6, 6, 0, Math.PI * 2);
        ctx.fill();
        ctx.fillRect(x - 8, size - h, 16, h);
      }
      break;
    }
    case 'arch': {
      ctx.strokeStyle = light;
      ctx.globalAlpha = 0.55;
      ctx.lineWidth = 5;
      ctx.beginPath();
      ctx.moveTo(size * 0.3, size * 0.95);
      ctx.lineTo(size * 0.3, size * 0.4);
      ctx.arc(size * 0.5, size * 0.4, size * 0.2, Math.PI, 0);
      ctx.lineTo(size * 0.7, size * 0.95);
      ctx.stroke();
      break;
    }
    case 'leaves': {
      ctx.fillStyle = '#3d7a3a';
      ctx.globalAlpha = 0.7;
      for (let i = 0; i < 5; i++) {
        ctx.beginPath();
        ctx.ellipse(size * 0.08 + i * 14, size * 0.1 + (i % 2) * 12, 12, 5, 0.6 + i * 0.3, 0, Math.PI * 2);
        ctx.fill();
      }
      break;
    }
    case 'beams': {
      ctx.fillStyle = light;
      ctx.globalAlpha = 0.18;
      for (let i = 0; i < 3; i++) {
        ctx.beginPath();
        ctx.moveTo(size * (0.2 + 0.3 * i), 0);
        ctx.lineTo(size * (0.05 + 0.3 * i), size);
        ctx.lineTo(size * (0.35 + 0.3 * i), size);
        ctx.closePath();
        ctx.fill();
      }
      break;
    }
    case 'bubble': {
      ctx.fillStyle = light;
      ctx.globalAlpha = 0.8;
      ctx.beginPath();
      ctx.ellipse(size * 0.78, size * 0.16, 26, 16, 0, 0, Math.PI * 2);
      ctx.moveTo(size * 0.72, size * 0.2);
      ctx.lineTo(size * 0.66, size * 0.3);
      ctx.lineTo(size * 0.78, size * 0.22);
      ctx.fill();
      break;
    }
  }
  ctx.restore();
}

function roundRect(ctx: Ctx, x: number, y: number, w: number, h: number, r: number): void {
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}
