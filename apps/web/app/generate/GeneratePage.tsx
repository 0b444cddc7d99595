'use client';
import ErrorNote from '@/components/ErrorNote';
import Loading from '@/components/Loading';
import MusicGenerator from './MusicGenerator';
import MusimPanel from './MusimPanel';
import { ApiError } from '@/lib/errors';
import { useCapabilities } from '@/lib/capabilities';
import type { SubscriptionAddress } from '@/lib/subscription';

/**
 * Image → music (Imagic: the form, live progress, results and past generations) and music → image
 * (MusIm: not built yet, said so honestly). Which of them the API offers is read from its schema.
 */
export default function GeneratePage({ subscription }: { subscription: SubscriptionAddress | null }) {
  const state = useCapabilities({ mutations: ['generateMusic', 'generateImage'] });
  return (
    <>
      <div className="page-head">
        <h1>Generate</h1>
        <p>Turn an image into music, or music into an image. Results are kept in the library, ready to play, download or continue.</p>
      </div>
      {state.status === 'loading' && <Loading label="Asking the API which engines it has…" />}
      {state.status === 'error' && <ErrorNote error={new ApiError('NETWORK', state.message)} />}
      {state.status === 'ready' && (
        <div className="stack" style={{ gap: '1.25rem' }}>
          {state.capabilities.mutations.has('generateMusic') ? (
            <MusicGenerator subscription={subscription} />
          ) : (
            <section className="panel stack" aria-labelledby="generate-music-title" data-engine="Imagic" data-available="false">
              <h2 id="generate-music-title">Image → music</h2>
              <p className="notice warn" role="status">
                The Imagic engine is not available on this server: the API has no <code className="mono">generateMusic</code> mutation (it is an older version).
              </p>
            </section>
          )}
          <MusimPanel spec={state.capabilities.mutations.get('generateImage') ?? null} introspected={state.introspected} />
        </div>
      )}
    </>
  );
}
