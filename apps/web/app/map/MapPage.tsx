'use client';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import ErrorNote from '@/components/ErrorNote';
import Loading from '@/components/Loading';
import Empty from '@/components/Empty';
import { useCapabilities } from '@/lib/capabilities';
import { useQuery } from '@/lib/hooks';
import { EMBEDDING_MAP } from '@/lib/operations';
import type { EmbeddingMapQuery } from '@/lib/generated/graphql';
import type { MapPoint } from '@/lib/types';

const MAP_POINTS = 2000;
const PALETTE = ['#8b7cf6', '#2dd4bf', '#f59e0b', '#ef4444', '#3b82f6', '#ec4899', '#84cc16', '#14b8a6', '#f97316', '#a855f7'];
const OTHER = '#6b7280';
const MOODS = ['happy', 'sad', 'calm', 'energetic', 'dark', 'romantic', 'epic', 'melancholic', 'playful', 'peaceful', 'tense', 'uplifting', 'relaxing', 'aggressive', 'dreamy'];

type ColourBy = 'tag' | 'mood' | 'kind';

export default function MapPage() {
  const state = useCapabilities({ queries: ['embeddingMap'] });
  const available = state.status === 'ready' && state.capabilities.queries.has('embeddingMap');
  return (
    <>
      <div className="page-head">
        <h1>Map</h1>
        <p>Every image and track placed by its MuVis embedding, projected to two dimensions. Neighbours on the map sound and look alike.</p>
      </div>
      {state.status === 'loading' && <Loading label="Checking the API…" />}
      {state.status === 'error' && <p className="notice error">{state.message}</p>}
      {state.status === 'ready' && !available && (
        <p className="notice warn" role="status">
          The map is not available in this API version: it has no <code className="mono">embeddingMap</code> query yet.
        </p>
      )}
      {available && <EmbeddingMap />}
    </>
  );
}

function EmbeddingMap() {
  const { data, error, loading } = useQuery<EmbeddingMapQuery>(EMBEDDING_MAP, { first: MAP_POINTS });
  const points = data?.embeddingMap ?? [];
  const [colourBy, setColourBy] = useState<ColourBy>('tag');
  const [highlight, setHighlight] = useState<string | null>(null);

  const groups = useMemo(() => {
    if (colourBy === 'kind') return ['IMAGE', 'AUDIO'];
    const counts = new Map<string, number>();
    for (const p of points) for (const t of p.tags) if (colourBy === 'tag' || MOODS.includes(t)) counts.set(t, (counts.get(t) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, PALETTE.length).map(([t]) => t);
  }, [points, colourBy]);

  const groupOf = (p: MapPoint): string | null => (colourBy === 'kind' ? p.kind : (groups.find((g) => p.tags.includes(g)) ?? null));

  if (loading) return <Loading label="Loading the map…" />;
  if (error) return <ErrorNote error={error} />;
  if (points.length === 0) return <Empty>The index is empty, so there is nothing to map yet.</Empty>;

  return (
    <div className="stack">
      <div className="row">
        <div className="segmented" role="group" aria-label="Colour by">
          {(['tag', 'mood', 'kind'] as const).map((c) => (
            <button key={c} type="button" aria-pressed={colourBy === c} onClick={() => { setColourBy(c); setHighlight(null); }}>
              {c === 'tag' ? 'Top tags' : c === 'mood' ? 'Mood' : 'Image / music'}
            </button>
          ))}
        </div>
        <span className="muted small">
          {points.length} points · ● image · ◆ music · scroll or +/− to zoom, drag or arrow keys to pan, click (or Enter for the centre) to open
        </span>
      </div>
      <div className="legend" aria-label="Legend">
        {groups.map((g, i) => (
          <button
            key={g}
            type="button"
            className="ghost"
            aria-pressed={highlight === g}
            onClick={() => setHighlight(highlight === g ? null : g)}
          >
            <span className="swatch" style={{ background: PALETTE[i] }} /> {colourBy === 'kind' ? (g === 'IMAGE' ? 'images' : 'music') : g}
          </button>
        ))}
        {colourBy !== 'kind' && <span className="row small muted" style={{ gap: '0.3rem' }}><span className="swatch" style={{ background: OTHER }} /> other</span>}
      </div>
      <MapCanvas points={points} colourOf={(p) => { const g = groupOf(p); return g ? PALETTE[groups.indexOf(g)] : OTHER; }} dimmed={(p) => !!highlight && groupOf(p) !== highlight} />
    </div>
  );
}

interface View {
  scale: number;
  x: number;
  y: number;
}

function MapCanvas({ points, colourOf, dimmed }: { points: MapPoint[]; colourOf: (p: MapPoint) => string; dimmed: (p: MapPoint) => boolean }) {
  const router = useRouter();
  const canvas = useRef<HTMLCanvasElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<View>({ scale: 1, x: 0, y: 0 });
  const [size, setSize] = useState({ w: 800, h: 600 });
  const [hover, setHover] = useState<{ point: MapPoint; x: number; y: number } | null>(null);
  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);

  const bounds = useMemo(() => {
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    return { minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) };
  }, [points]);

  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setSize({ w: el.clientWidth, h: el.clientHeight }));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Base projection: data bounds fitted into the canvas with a margin; the view then zooms and pans.
  const project = (p: MapPoint) => {
    const margin = 24;
    const spanX = bounds.maxX - bounds.minX || 1;
    const spanY = bounds.maxY - bounds.minY || 1;
    const fit = Math.min((size.w - 2 * margin) / spanX, (size.h - 2 * margin) / spanY);
    const bx = (p.x - (bounds.minX + bounds.maxX) / 2) * fit;
    const by = (p.y - (bounds.minY + bounds.maxY) / 2) * fit;
    return { x: size.w / 2 + (bx + view.x) * view.scale, y: size.h / 2 + (by + view.y) * view.scale };
  };

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const ratio = window.devicePixelRatio || 1;
    el.width = size.w * ratio;
    el.height = size.h * ratio;
    const ctx = el.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size.w, size.h);
    const r = Math.max(4, Math.min(9, 4.5 * Math.sqrt(view.scale)));
    const ordered = [...points].sort((a, b) => Number(!dimmed(a)) - Number(!dimmed(b)));
    for (const p of ordered) {
      const { x, y } = project(p);
      if (x < -10 || y < -10 || x > size.w + 10 || y > size.h + 10) continue;
      ctx.globalAlpha = dimmed(p) ? 0.12 : 0.9;
      ctx.fillStyle = colourOf(p);
      ctx.beginPath();
      if (p.kind === 'IMAGE') ctx.arc(x, y, r, 0, Math.PI * 2);
      else {
        ctx.moveTo(x, y - r * 1.2);
        ctx.lineTo(x + r * 1.2, y);
        ctx.lineTo(x, y + r * 1.2);
        ctx.lineTo(x - r * 1.2, y);
        ctx.closePath();
      }
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    if (hover) {
      const { x, y } = project(hover.point);
      ctx.strokeStyle = getComputedStyle(el).getPropertyValue('--text').trim() || '#888';
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(x, y, r + 3, 0, Math.PI * 2);
      ctx.stroke();
    }
  });

  const nearest = (clientX: number, clientY: number) => {
    const rect = canvas.current!.getBoundingClientRect();
    const mx = clientX - rect.left;
    const my = clientY - rect.top;
    let best: MapPoint | null = null;
    let bestD = 12 * 12;
    for (const p of points) {
      const { x, y } = project(p);
      const d = (x - mx) ** 2 + (y - my) ** 2;
      if (d < bestD) {
        bestD = d;
        best = p;
      }
    }
    return best ? { point: best, x: mx, y: my } : null;
  };

  const zoom = (factor: number) => setView((v) => ({ ...v, scale: Math.max(0.5, Math.min(40, v.scale * factor)) }));
  const pan = (dx: number, dy: number) => setView((v) => ({ ...v, x: v.x + dx / v.scale, y: v.y + dy / v.scale }));

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  return (
    <div className="map-wrap" ref={wrap}>
      <canvas
        ref={canvas}
        tabIndex={0}
        role="img"
        aria-label={`Map of ${points.length} images and tracks. Use arrow keys to pan, plus or minus to zoom, and Enter to open the point nearest the centre.`}
        className={drag.current ? 'dragging' : ''}
        onPointerDown={(e) => {
          drag.current = { x: e.clientX, y: e.clientY, moved: false };
          e.currentTarget.setPointerCapture(e.pointerId);
        }}
        onPointerMove={(e) => {
          if (drag.current && (e.buttons & 1)) {
            const dx = e.clientX - drag.current.x;
            const dy = e.clientY - drag.current.y;
            if (Math.abs(dx) + Math.abs(dy) > 2) drag.current.moved = true;
            drag.current.x = e.clientX;
            drag.current.y = e.clientY;
            pan(dx, dy);
          } else setHover(nearest(e.clientX, e.clientY));
        }}
        onPointerUp={(e) => {
          const wasDrag = drag.current?.moved;
          drag.current = null;
          if (!wasDrag) {
            const hit = nearest(e.clientX, e.clientY);
            if (hit) router.push(`/assets/${hit.point.assetId}`);
          }
        }}
        onPointerLeave={() => setHover(null)}
        onKeyDown={(e) => {
          const step = 40;
          if (e.key === '+' || e.key === '=') zoom(1.25);
          else if (e.key === '-') zoom(0.8);
          else if (e.key === 'ArrowLeft') pan(step, 0);
          else if (e.key === 'ArrowRight') pan(-step, 0);
          else if (e.key === 'ArrowUp') pan(0, step);
          else if (e.key === 'ArrowDown') pan(0, -step);
          else if (e.key === '0') setView({ scale: 1, x: 0, y: 0 });
          else if (e.key === 'Enter') {
            // keyboard users open the point nearest the centre of the view
            let best: MapPoint | null = null;
            let bestD = Infinity;
            for (const p of points) {
              const { x, y } = project(p);
              const d = (x - size.w / 2) ** 2 + (y - size.h / 2) ** 2;
              if (d < bestD) {
                bestD = d;
                best = p;
              }
            }
            if (best) router.push(`/assets/${best.assetId}`);
          }
          else return;
          e.preventDefault();
        }}
      />
      <div className="map-controls">
        <button type="button" className="small" onClick={() => zoom(1.25)} aria-label="Zoom in">+</button>
        <button type="button" className="small" onClick={() => zoom(0.8)} aria-label="Zoom out">−</button>
        <button type="button" className="small" onClick={() => setView({ scale: 1, x: 0, y: 0 })} aria-label="Reset view">⟲</button>
      </div>
      {hover && (
        <div className="map-tip" style={{ left: Math.min(hover.x + 12, size.w - 200), top: hover.y + 12 }}>
          <strong>{hover.point.kind === 'IMAGE' ? '● ' : '◆ '}{hover.point.title ?? hover.point.assetId.slice(0, 8)}</strong>
          <div className="muted">{hover.point.tags.slice(0, 5).join(', ')}</div>
        </div>
      )}
    </div>
  );
}
