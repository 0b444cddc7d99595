'use client';
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Problem<F> {
  field: keyof F;
  message: string;
}

export type Setter<F> = <K extends keyof F>(field: K, value: F[K]) => void;

/**
 * A generation form's state: its fields, the problems found with them, the notes shown above it, and the form
 * element itself (to scroll back to and to unfold the folded groups that hold a problem).
 */
export function useGeneratorForm<F>(initial: F) {
  const [form, setForm] = useState<F>(initial);
  const [problems, setProblems] = useState<Problem<F>[]>([]);
  const [notes, setNotes] = useState<string[]>([]);
  const formTop = useRef<HTMLFormElement>(null);

  // a setting to fix inside a folded group unfolds it
  useEffect(() => {
    formTop.current?.querySelectorAll('details').forEach((fold) => {
      if (fold.querySelector('[aria-invalid="true"], .field-problem')) fold.open = true;
    });
  }, [problems]);

  /** Changes one field and forgets what was wrong with it. */
  const set: Setter<F> = useCallback((field, value) => {
    setForm((current) => ({ ...current, [field]: value }));
    setProblems((current) => current.filter((p) => p.field !== field));
  }, []);

  /** Fills the form from a result ("use as guide", "same seed again") and brings it into view with a note. */
  const refill = (next: F, words: string[]) => {
    setForm(next);
    setProblems([]);
    setNotes(words);
    formTop.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  };

  return { form, setForm, set, problems, setProblems, notes, setNotes, formTop, refill };
}

export type GeneratorForm<F> = ReturnType<typeof useGeneratorForm<F>>;
