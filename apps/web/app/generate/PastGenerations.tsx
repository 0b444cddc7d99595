'use client';
import { useEffect, useState } from 'react';
import ErrorNote from '@/components/ErrorNote';
import Loading from '@/components/Loading';
import Empty from '@/components/Empty';
import GeneratedPiece, { type GeneratedAsset } from './GeneratedPiece';
import type { Library } from '@/lib/types';
import { useQuery } from '@/lib/hooks';
import { GENERATIONS } from '@/lib/operations';
import type { GenerationsQuery } from '@/lib/generated/graphql';

const PAGE = 5;

interface Props {
  /** changes when a generation finished, so the list is read again */
  refreshKey: number;
  /** where a piece can be saved; null while they load */
  libraries: Library[] | null;
  onContinue: (asset: GeneratedAsset) => void;
  onSameSeed: (asset: GeneratedAsset) => void;
}

/** Generated music in the library, newest first (assets whose source is GENERATED). */
export default function PastGenerations({ refreshKey, libraries, onContinue, onSameSeed }: Props) {
  const [first, setFirst] = useState(PAGE);
  const { data, error, loading, reload } = useQuery<GenerationsQuery>(GENERATIONS, { first });
  useEffect(() => {
    if (refreshKey > 0) reload();
  }, [refreshKey, reload]);
  const pieces = data?.assets.edges.map((e) => e.node) ?? [];

  return (
    <section className="stack" aria-labelledby="past-generations">
      <div className="row spread">
        <h2 id="past-generations" style={{ margin: 0 }}>Past generations</h2>
        {data && <span className="muted small">{data.assets.totalCount} in the library</span>}
      </div>
      <ErrorNote error={error} />
      {loading && !data && <Loading label="Reading past generations…" />}
      {data && pieces.length === 0 && <Empty>Nothing generated yet. Music you generate is kept here, newest first.</Empty>}
      <ol className="piece-list" aria-label="Past generations">
        {pieces.map((asset) => (
          <li key={asset.id}>
            <GeneratedPiece asset={asset} libraries={libraries} onContinue={onContinue} onSameSeed={onSameSeed} notesOpen={false} />
          </li>
        ))}
      </ol>
      {data?.assets.pageInfo.hasNextPage && (
        <button type="button" disabled={loading} onClick={() => setFirst((n) => n + PAGE)} style={{ alignSelf: 'flex-start' }}>
          Show {Math.min(PAGE, data.assets.totalCount - pieces.length)} more
        </button>
      )}
    </section>
  );
}
