'use client';
import { useCallback, useEffect, useState } from 'react';
import { graphql, type RequestOptions, type Upload } from '@/lib/graphql';
import { toApiError, type ApiError } from '@/lib/errors';
import { GENERATED_ASSET } from '@/lib/operations';
import { browserWebsocketUrl, type SubscriptionAddress } from '@/lib/subscription';
import type { GeneratedAssetQuery } from '@/lib/generated/graphql';
import type { GeneratedAsset } from './GeneratedPiece';
import type { GeneratorForm, Problem } from './useGeneratorForm';

/** A generation mutation's variables: how many results it asks for is all this needs to know of them. */
type JobVariables = { input: { count?: number | null } };

/** What a form's request builder gives: the mutation's variables and files, or what to fix first. */
export type GenerationRequest<F, V extends JobVariables> =
  | { ok: true; variables: V; uploads: Upload[] }
  | { ok: false; problems: Problem<F>[] };

interface Options<F, V extends JobVariables> {
  formState: GeneratorForm<F>;
  buildRequest: (form: F) => GenerationRequest<F, V>;
  /** sends the mutation; resolves to the id of the job it started */
  startJob: (variables: V, options: RequestOptions) => Promise<string>;
  /** the form field an API refusal names, if any */
  refusedField: (detail: string) => keyof F | null;
  /** once a job succeeded, before its results are fetched */
  onSucceeded?: () => void;
}

/**
 * Submitting a generation form: the request with its upload progress, the job it started (followed and cancelled by
 * GenerationProgress), the assets the job made, and the errors on the way (a refusal that names a field marks it).
 */
export function useGenerationRun<F, V extends JobVariables>({ formState, buildRequest, startJob, refusedField, onSucceeded }: Options<F, V>) {
  const [submitting, setSubmitting] = useState(false);
  const [uploaded, setUploaded] = useState<number | null>(null);
  const [startError, setStartError] = useState<ApiError | null>(null);
  const [job, setJob] = useState<{ id: string; count: number } | null>(null);
  const [results, setResults] = useState<GeneratedAsset[]>([]);
  const [resultError, setResultError] = useState<ApiError | null>(null);

  const submit = async () => {
    const request = buildRequest(formState.form);
    if (!request.ok) {
      formState.setProblems(request.problems);
      return;
    }
    formState.setProblems([]);
    formState.setNotes([]);
    setStartError(null);
    setResultError(null);
    setResults([]);
    setSubmitting(true);
    setUploaded(request.uploads.length ? 0 : null);
    try {
      const id = await startJob(request.variables, { uploads: request.uploads, onUploadProgress: setUploaded });
      setJob({ id, count: request.variables.input.count ?? 1 });
    } catch (caught) {
      const error = toApiError(caught);
      setStartError(error);
      const field = error.code === 'BAD_USER_INPUT' || error.code === 'NOT_FOUND' ? refusedField(error.detail) : null;
      if (field) formState.setProblems([{ field, message: `The API refused this: ${error.detail}` }]);
    } finally {
      setSubmitting(false);
      setUploaded(null);
    }
  };

  const showResults = useCallback(async (assetIds: string[]) => {
    onSucceeded?.();
    try {
      const found = await Promise.all(assetIds.map((id) => graphql<GeneratedAssetQuery>(GENERATED_ASSET, { id }).then((d) => d.asset)));
      setResults(found.filter((a): a is GeneratedAsset => !!a));
    } catch (caught) {
      setResultError(toApiError(caught));
    }
  }, [onSucceeded]);

  // The schema offers both mutations, but only a request tells whether this server has a bundle loaded.
  const unavailable = startError?.code === 'SERVICE_UNAVAILABLE';
  return { submit, submitting, uploaded, startError, unavailable, job, results, resultError, showResults };
}

/** The API's websocket address for this page: the page's host is known in the browser only. */
export function useWebsocketUrl(subscription: SubscriptionAddress | null): string | null {
  const [websocketUrl, setWebsocketUrl] = useState<string | null>(null);
  useEffect(() => setWebsocketUrl(browserWebsocketUrl(subscription, window.location.hostname)), [subscription]);
  return websocketUrl;
}
