'use client';
import { useState } from 'react';
import ErrorNote from '@/components/ErrorNote';
import { graphql } from '@/lib/graphql';
import { toApiError, type ApiError } from '@/lib/errors';
import { ADD_TO_LIBRARY } from '@/lib/operations';
import type { AddToLibraryMutation } from '@/lib/generated/graphql';
import type { Library } from '@/lib/types';

/** Adding one generated asset to a library of the person's choice. */
export function useSaveToLibrary(assetId: string) {
  const [target, setTarget] = useState('');
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const save = async () => {
    if (!target) return;
    setSaving(true);
    setError(null);
    try {
      const { addAssetsToLibrary } = await graphql<AddToLibraryMutation>(ADD_TO_LIBRARY, { libraryId: target, assetIds: [assetId] });
      setSaved(`Saved to “${addAssetsToLibrary.name}”.`);
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setSaving(false);
    }
  };

  return { target, setTarget, saving, saved, error, save };
}

type LibrarySave = ReturnType<typeof useSaveToLibrary>;

/** The library to save to and the Save button. */
export function SaveToLibraryControls({ library, title, libraries, buttonClassName }: {
  library: LibrarySave;
  title: string;
  /** null while they load */
  libraries: Library[] | null;
  buttonClassName?: string;
}) {
  return (
    <span className="row" style={{ gap: '0.4rem' }}>
      <select aria-label={`Library to save ${title} to`} value={library.target} onChange={(e) => library.setTarget(e.target.value)} disabled={!libraries?.length}>
        <option value="">{libraries?.length ? 'Save to a library…' : 'No libraries yet'}</option>
        {(libraries ?? []).map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
      </select>
      <button type="button" className={buttonClassName} disabled={!library.target || library.saving} onClick={() => void library.save()}>
        {library.saving ? 'Saving…' : 'Save'}
      </button>
    </span>
  );
}

/** Where the asset was saved, or why it was not. */
export function SaveToLibraryOutcome({ library }: { library: LibrarySave }) {
  return (
    <>
      {library.saved && <p className="notice ok small" role="status">{library.saved}</p>}
      <ErrorNote error={library.error} />
    </>
  );
}
