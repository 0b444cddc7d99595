'use client';
import Icon from './Icon';
import { useEffect, useRef, useState } from 'react';
import { NEED_KEY_EVENT, useApiKey, writeApiKey } from '@/lib/apiKey';

/** Header button + dialog where the user enters the API key that mutations send as a Bearer token. */
export default function ApiKeyButton() {
  const key = useApiKey();
  const dialog = useRef<HTMLDialogElement>(null);
  const [draft, setDraft] = useState('');
  const [prompted, setPrompted] = useState(false);

  const open = (fromError: boolean) => {
    setDraft(key);
    setPrompted(fromError);
    dialog.current?.showModal();
  };

  useEffect(() => {
    const onNeedKey = () => open(true);
    window.addEventListener(NEED_KEY_EVENT, onNeedKey);
    return () => window.removeEventListener(NEED_KEY_EVENT, onNeedKey);
  });

  return (
    <>
      <button type="button" className={key ? 'ghost' : ''} onClick={() => open(false)} aria-haspopup="dialog">
        <Icon name={key ? 'key' : 'lock'} /> {key ? `Key …${key.slice(-4)}` : 'API key'}
      </button>
      <dialog ref={dialog} aria-labelledby="api-key-title">
        <form
          method="dialog"
          className="stack"
          onSubmit={() => {
            writeApiKey(draft);
          }}
        >
          <h2 id="api-key-title">API key</h2>
          {prompted && (
            <p className="notice warn" role="alert">
              The API asked for a key before it would do that. Enter one, then try again.
            </p>
          )}
          <p className="muted small">
            Searching and browsing work without a key. Uploading, tagging, libraries and generation need one with the
            &quot;write&quot; scope. Create one on the server with <code className="mono">npm run keys -- create --scopes read,write</code>.
            The key stays in this browser (localStorage) and is sent only to this site&apos;s API.
          </p>
          <label className="field">
            Key
            <input
              type="password"
              name="apiKey"
              autoComplete="off"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              placeholder="muse_…"
              autoFocus
            />
          </label>
          <div className="row spread">
            <button type="button" className="ghost" onClick={() => { writeApiKey(''); setDraft(''); dialog.current?.close(); }}>
              Forget key
            </button>
            <div className="row">
              <button type="button" onClick={() => dialog.current?.close()}>Cancel</button>
              <button type="submit" className="primary">Save</button>
            </div>
          </div>
        </form>
      </dialog>
    </>
  );
}
