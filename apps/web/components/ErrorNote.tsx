'use client';
import type { ApiError } from '@/lib/errors';
import { askForApiKey } from '@/lib/apiKey';

/** An API error in words: the summary for its code, the API's own message, and (optional) what to do here. */
export default function ErrorNote({ error, title, hint }: { error: ApiError | null; title?: string; hint?: string | null }) {
  if (!error || error.code === 'ABORTED') return null;
  return (
    <div className="notice error" role="alert" data-code={error.code}>
      {title && <strong>{title} </strong>}
      <span>{error.message}</span>
      {error.detail && error.detail !== error.message && <div className="detail">{error.detail}</div>}
      {hint && <div className="detail hint">{hint}</div>}
      <div className="row" style={{ marginTop: '0.35rem' }}>
        <span className="code">{error.code}</span>
        {(error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN') && (
          <button type="button" className="small" onClick={askForApiKey}>
            Enter API key
          </button>
        )}
      </div>
    </div>
  );
}
