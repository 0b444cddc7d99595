'use client';
import { useEffect, useState } from 'react';

// One shared element: starting a preview stops the previous one.
let shared: HTMLAudioElement | null = null;
const CHANGE = 'muse:preview-changed';

/** A play/stop button for a quick listen from a grid tile. */
export default function PreviewButton({ src, label }: { src: string; label: string }) {
  const [playing, setPlaying] = useState(false);

  useEffect(() => {
    const sync = () => setPlaying(!!shared && !shared.paused && shared.dataset.src === src);
    window.addEventListener(CHANGE, sync);
    return () => window.removeEventListener(CHANGE, sync);
  }, [src]);

  const toggle = () => {
    if (!shared) {
      shared = new Audio();
      for (const event of ['play', 'pause', 'ended']) shared.addEventListener(event, () => window.dispatchEvent(new Event(CHANGE)));
    }
    if (playing) shared.pause();
    else {
      document.querySelectorAll('audio').forEach((a) => a.pause());
      shared.src = src;
      shared.dataset.src = src;
      // A play() cut short by a pause() (another tile, a second click) is not an error.
      shared.play().catch((error: unknown) => {
        if (!(error instanceof DOMException && error.name === 'AbortError')) console.warn('preview failed', error);
      });
    }
  };

  return (
    <button type="button" className="preview-button" onClick={toggle} aria-label={`${playing ? 'Stop' : 'Listen to'} ${label}`}>
      {playing ? '■' : '▶'}
    </button>
  );
}
