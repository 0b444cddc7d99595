'use client';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

interface Props {
  accept: string;
  multiple?: boolean;
  label: string;
  hint?: ReactNode;
  onFiles: (files: File[]) => void;
  children?: ReactNode;
  disabled?: boolean;
}

/** A drop target that is also a keyboard-operable file picker. */
export default function DropZone({ accept, multiple, label, hint, onFiles, children, disabled }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const id = useId();
  // Set once React has attached the handlers, so scripted users (the e2e tests) know a key press will be heard.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);

  const take = (list: FileList | null) => {
    const files = Array.from(list ?? []);
    if (files.length) onFiles(multiple ? files : files.slice(0, 1));
  };

  return (
    <div
      className={`dropzone${over ? ' over' : ''}`}
      data-hydrated={hydrated}
      role="button"
      tabIndex={disabled ? -1 : 0}
      aria-disabled={disabled}
      aria-describedby={`${id}-hint`}
      onClick={() => !disabled && input.current?.click()}
      onKeyDown={(e) => {
        if (!disabled && (e.key === 'Enter' || e.key === ' ')) {
          e.preventDefault();
          input.current?.click();
        }
      }}
      onDragOver={(e) => {
        e.preventDefault();
        if (!disabled) setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (!disabled) take(e.dataTransfer.files);
      }}
    >
      {children}
      <strong>{label}</strong>
      <span id={`${id}-hint`} className="muted small">
        {hint}
      </span>
      <input
        ref={input}
        type="file"
        accept={accept}
        multiple={multiple}
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        onChange={(e) => {
          take(e.target.files);
          e.target.value = '';
        }}
      />
    </div>
  );
}
