'use client';
import type { ApiError } from '@/lib/errors';
import { askForApiKey } from '@/lib/apiKey';

export default function ErrorNote({ error, title }: { error: ApiError | null; title?: string }) {
  if (!error || error.code === 'ABORTED') return null;
  return (
    <div className="notice error" role="alert" data-code={error.code}>
      {title && <strong>{title} </strong>}
      <span>{error.message}</span>
      {error.detail && error.detail !== error.message && <div className="detail">{error.detail}</div>}
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
