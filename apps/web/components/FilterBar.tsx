'use client';
import { useState } from 'react';
import { useQuery } from '@/lib/hooks';
import { LIBRARIES, TAGS } from '@/lib/operations';
import type { LibrariesQuery, TagsQuery } from '@/lib/generated/graphql';

export interface Filters {
  tags: string[];
  libraryId: string;
}

/** Tag and library filters. Tag names come from the API when it lists them. */
export default function FilterBar({ value, onChange }: { value: Filters; onChange: (next: Filters) => void }) {
  const tags = useQuery<TagsQuery>(TAGS);
  const libraries = useLibraries();
  const [draft, setDraft] = useState('');

  const addTag = (name: string) => {
    const clean = name.trim().toLowerCase();
    if (clean && !value.tags.includes(clean)) onChange({ ...value, tags: [...value.tags, clean] });
    setDraft('');
  };

  return (
    <div className="row" role="group" aria-label="Filters">
      <form
        className="row"
        style={{ gap: '0.4rem' }}
        onSubmit={(e) => {
          e.preventDefault();
          addTag(draft);
        }}
      >
        <input
          type="search"
          list="muse-tag-names"
          placeholder="Filter by tag…"
          aria-label="Add a tag filter"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          style={{ width: '11rem' }}
        />
        <datalist id="muse-tag-names">
          {(tags.data?.tags ?? []).map((tag) => (
            <option key={tag.name} value={tag.name}>{`${tag.name} (${tag.count})`}</option>
          ))}
        </datalist>
        <button type="submit" className="small" disabled={!draft.trim()}>Add</button>
      </form>
      {value.tags.map((tag) => (
        <button
          key={tag}
          type="button"
          className="tag"
          aria-pressed="true"
          aria-label={`Remove tag filter ${tag}`}
          onClick={() => onChange({ ...value, tags: value.tags.filter((t) => t !== tag) })}
        >
          {tag} ✕
        </button>
      ))}
      <select
        aria-label="Library"
        value={value.libraryId}
        onChange={(e) => onChange({ ...value, libraryId: e.target.value })}
        disabled={!libraries.data}
      >
        <option value="">All libraries</option>
        {(libraries.data?.libraries ?? []).map((library) => (
          <option key={library.id} value={library.id}>
            {library.name} ({library.assetCount})
          </option>
        ))}
      </select>
    </div>
  );
}

export function useLibraries() {
  return useQuery<LibrariesQuery>(LIBRARIES);
}
