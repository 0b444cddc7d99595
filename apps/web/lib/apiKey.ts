'use client';
import { useSyncExternalStore } from 'react';

const STORAGE_KEY = 'muse.apiKey';
export const NEED_KEY_EVENT = 'muse:need-key';
const CHANGE_EVENT = 'muse:key-changed';

export function readApiKey(): string {
  if (typeof window === 'undefined') return '';
  try {
    return window.localStorage.getItem(STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

export function writeApiKey(key: string): void {
  const trimmed = key.trim();
  if (trimmed) window.localStorage.setItem(STORAGE_KEY, trimmed);
  else window.localStorage.removeItem(STORAGE_KEY);
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

/** Asks the header's key dialog to open (used when the API answers UNAUTHENTICATED). */
export function askForApiKey(): void {
  window.dispatchEvent(new Event(NEED_KEY_EVENT));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener(CHANGE_EVENT, onChange);
  window.addEventListener('storage', onChange);
  return () => {
    window.removeEventListener(CHANGE_EVENT, onChange);
    window.removeEventListener('storage', onChange);
  };
}

export function useApiKey(): string {
  return useSyncExternalStore(subscribe, readApiKey, () => '');
}
