'use client';
import { useEffect, useState } from 'react';

/**
 * Shows a picked image file once the browser has decoded it. A file that is not a valid image is
 * never shown (no broken-image icon): the last good preview, or nothing, stays in its place.
 */
export default function ImagePreview({ file, alt, className }: { file: File | null; alt: string; className?: string }) {
  const [shownUrl, setShownUrl] = useState<string | null>(null);

  useEffect(() => {
    if (!file) {
      setShownUrl(null);
      return;
    }
    let current = true;
    const url = URL.createObjectURL(file);
    const probe = new Image();
    probe.src = url;
    probe.decode().then(
      () => (current ? setShownUrl(url) : URL.revokeObjectURL(url)),
      () => URL.revokeObjectURL(url),
    );
    return () => {
      current = false;
    };
  }, [file]);

  // The object URL lives as long as it is shown.
  useEffect(() => (shownUrl ? () => URL.revokeObjectURL(shownUrl) : undefined), [shownUrl]);

  if (!shownUrl) return null;
  // eslint-disable-next-line @next/next/no-img-element
  return <img className={className} src={shownUrl} alt={alt} />;
}
