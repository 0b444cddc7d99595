import type { AssetTag } from '@/lib/types';

export default function Tags({ tags, max, showScores }: { tags: AssetTag[]; max?: number; showScores?: boolean }) {
  if (tags.length === 0) return <span className="muted small">No tags</span>;
  const shown = [...tags].sort((a, b) => b.score - a.score).slice(0, max ?? tags.length);
  return (
    <ul className="tags" aria-label="Tags" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {shown.map((tag) => (
        <li
          key={`${tag.name}-${tag.origin}`}
          className={`tag${tag.origin === 'PREDICTED' ? ' predicted' : ''}`}
          title={`${tag.origin.toLowerCase()} tag${tag.origin === 'PREDICTED' ? `, score ${tag.score.toFixed(2)}` : ''}`}
        >
          {tag.name}
          {showScores && tag.origin === 'PREDICTED' && <span className="score">{tag.score.toFixed(2)}</span>}
        </li>
      ))}
      {max != null && tags.length > max && <li className="tag">+{tags.length - max}</li>}
    </ul>
  );
}
