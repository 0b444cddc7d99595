'use client';
import { useState } from 'react';
import ErrorNote from '@/components/ErrorNote';
import Loading from '@/components/Loading';
import MusicGenerator from './MusicGenerator';
import ImageGenerator from './ImageGenerator';
import { ApiError } from '@/lib/errors';
import { useCapabilities } from '@/lib/capabilities';
import type { SubscriptionAddress } from '@/lib/subscription';

export type GenerateTab = 'music' | 'image';

function EngineMissing({ engine, mutation, title, id }: { engine: string; mutation: string; title: string; id: string }) {
  return (
    <section className="panel stack" aria-labelledby={id} data-engine={engine} data-available="false">
      <h2 id={id}>{title}</h2>
      <p className="notice warn" role="status">
        The {engine} engine is not available on this server: the API has no <code className="mono">{mutation}</code> mutation (it is an older version).
      </p>
    </section>
  );
}

/**
 * Image → music (Imagic) and music → image (MusIm), one tab each. Both stay mounted while the other shows, so a
 * generation keeps going (and its results stay) when the user looks at the other tab. Which of them the API
 * offers is read from its schema.
 */
export default function GeneratePage({ subscription, guideId, initial }: { subscription: SubscriptionAddress | null; guideId: string | null; initial: GenerateTab }) {
  const state = useCapabilities({ mutations: ['generateMusic', 'generateImage'] });
  const [tab, setTab] = useState<GenerateTab>(initial);
  return (
    <>
      <div className="page-head">
        <h1>Generate</h1>
        <p>Turn an image into music, or music into an image. Results are kept in the library, ready to play, download or continue.</p>
      </div>
      <div className="row" style={{ marginBottom: '1rem' }}>
        <div className="segmented" role="tablist" aria-label="What to generate">
          <button type="button" role="tab" id="tab-music" aria-controls="panel-music" aria-selected={tab === 'music'} onClick={() => setTab('music')}>
            Image → music
          </button>
          <button type="button" role="tab" id="tab-image" aria-controls="panel-image" aria-selected={tab === 'image'} onClick={() => setTab('image')}>
            Music → image
          </button>
        </div>
      </div>
      {state.status === 'loading' && <Loading label="Asking the API which engines it has…" />}
      {state.status === 'error' && <ErrorNote error={new ApiError('NETWORK', state.message)} />}
      {state.status === 'ready' && (
        <>
          <div role="tabpanel" id="panel-music" aria-labelledby="tab-music" hidden={tab !== 'music'}>
            {state.capabilities.mutations.has('generateMusic') ? (
              <MusicGenerator subscription={subscription} />
            ) : (
              <EngineMissing engine="Imagic" mutation="generateMusic" title="Image → music" id="generate-music-title" />
            )}
          </div>
          <div role="tabpanel" id="panel-image" aria-labelledby="tab-image" hidden={tab !== 'image'}>
            {state.capabilities.mutations.has('generateImage') ? (
              <ImageGenerator subscription={subscription} guideId={guideId} />
            ) : (
              <EngineMissing engine="MusIm" mutation="generateImage" title="Music → image" id="generate-image-title" />
            )}
          </div>
        </>
      )}
    </>
  );
}
