'use client';
import { useEffect, useState } from 'react';
import Link from 'next/link';
import ErrorNote from '@/components/ErrorNote';
import Loading from '@/components/Loading';
import Empty from '@/components/Empty';
import GeneratedPiece, { type GeneratedAsset } from './GeneratedPiece';
import type { Library } from '@/lib/types';
import { useQuery } from '@/lib/hooks';
import { GENERATIONS } from '@/lib/operations';
import { assetTitle } from '@/lib/format';
import type { GenerationsQuery } from '@/lib/generated/graphql';

const PAGE = 5;
/** the API's cap on myGenerations(first) */
const MOST = 100;

interface Props {
  /** changes when a generation finished, so the list is read again */
  refreshKey: number;
  /** where a piece can be saved; null while they load */
  libraries: Library[] | null;
  onContinue: (asset: GeneratedAsset) => void;
  onSameSeed: (asset: GeneratedAsset) => void;
}

/** The key's own generated music and pictures, newest first. */
export default function PastGenerations({ refreshKey, libraries, onContinue, onSameSeed }: Props) {
  const [first, setFirst] = useState(PAGE);
  const { data, error, loading, reload } = useQuery<GenerationsQuery>(GENERATIONS, { first });
  useEffect(() => {
    if (refreshKey > 0) reload();
  }, [refreshKey, reload]);
  const pieces = data?.myGenerations ?? [];
  const more = pieces.length === first && first < MOST;

  return (
    <section className="stack" aria-labelledby="past-generations">
      <div className="row spread">
        <h2 id="past-generations" style={{ margin: 0 }}>Past generations</h2>
        {data && <span className="muted small">{more ? `your latest ${pieces.length}` : `${pieces.length} by this key`}</span>}
      </div>
      {error?.code === 'UNAUTHENTICATED'
        ? <Empty>Set an API key (top right) to see what you generated with it.</Empty>
        : <ErrorNote error={error} />}
      {loading && !data && <Loading label="Reading past generations…" />}
      {data && pieces.length === 0 && <Empty>Nothing generated yet. Music and pictures you generate are kept here, newest first.</Empty>}
      <ol className="piece-list" aria-label="Past generations">
        {pieces.map((asset) => (
          <li key={asset.id}>
            {asset.kind === 'IMAGE'
              ? <PastPicture asset={asset} />
              : <GeneratedPiece asset={asset} libraries={libraries} onContinue={onContinue} onSameSeed={onSameSeed} notesOpen={false} />}
          </li>
        ))}
      </ol>
      {more && (
        <button type="button" disabled={loading} onClick={() => setFirst((n) => Math.min(MOST, n + PAGE))} style={{ alignSelf: 'flex-start' }}>
          Show more
        </button>
      )}
    </section>
  );
}

/** A picture made on the other tab: its thumbnail and a link to its page (where it can be saved or used as a guide). */
function PastPicture({ asset }: { asset: GeneratedAsset }) {
  return (
    <figure className="row" style={{ margin: 0, gap: '0.75rem', alignItems: 'center' }}>
      <Link href={`/assets/${asset.id}`}>
        <img src={asset.url} alt={assetTitle(asset)} width={96} height={96} style={{ objectFit: 'cover' }} />
      </Link>
      <figcaption className="stack small">
        <Link href={`/assets/${asset.id}`}>{assetTitle(asset)}</Link>
        {asset.generation && <span className="muted">picture · seed {asset.generation.seed}</span>}
      </figcaption>
    </figure>
  );
}
