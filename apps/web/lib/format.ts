import type { Asset } from './types';

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '';
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

export function formatScore(score: number): string {
  return score.toFixed(3);
}

export function formatPercent(fraction: number): string {
  return `${Math.round(Math.max(0, Math.min(1, fraction)) * 100)}%`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function assetTitle(asset: Pick<Asset, 'title' | 'kind' | 'id'>): string {
  return asset.title?.trim() || `${asset.kind === 'AUDIO' ? 'Track' : 'Image'} ${asset.id.slice(0, 8)}`;
}

/** A file name (without extension) for a generated result's downloads: its title in plain characters and its seed. */
export function downloadStem(asset: Pick<Asset, 'title' | 'kind' | 'id'> & { generation: { seed: number } | null }, fallback: string): string {
  const title = assetTitle(asset).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || fallback;
  return asset.generation ? `${title}-seed-${asset.generation.seed}` : title;
}

export function otherKind(kind: Asset['kind']): Asset['kind'] {
  return kind === 'AUDIO' ? 'IMAGE' : 'AUDIO';
}

export function splitTags(text: string | null | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * The API returns absolute media URLs built from the Host it saw; the browser fetches them
 * through this site's /media proxy instead, so they stay same-origin (waveforms need the bytes).
 */
export function mediaSrc(url: string): string {
  try {
    const parsed = new URL(url, 'http://relative.invalid');
    return parsed.pathname.startsWith('/media/') ? `${parsed.pathname}${parsed.search}` : url;
  } catch {
    return url;
  }
}
