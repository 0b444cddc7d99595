'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { graphql } from './graphql';
import { ApiError, toApiError } from './errors';
import { readApiKey } from './apiKey';
import { JOB, JOB_UPDATED } from './operations';
import { subscribe } from './subscription';
import type { JobQuery, JobUpdatedSubscription } from './generated/graphql';
import type { Job } from './types';

export interface QueryState<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
}

/** Runs a GraphQL query whenever its variables change; skips while `skip` is true. */
export function useQuery<T>(query: string, variables: Record<string, unknown> = {}, skip = false): QueryState<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(!skip);
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(variables);

  useEffect(() => {
    if (skip) {
      setLoading(false);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    graphql<T>(query, JSON.parse(key) as Record<string, unknown>, { signal: controller.signal })
      .then((result) => setData(result))
      .catch((caught: unknown) => {
        const apiError = toApiError(caught);
        if (apiError.code !== 'ABORTED') setError(apiError);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [query, key, skip, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload };
}

const JOB_POLL_MS = 700;

/** How a job's updates arrive: pushed over the API's websocket, or asked for every JOB_POLL_MS. */
export type JobChannel = 'subscription' | 'polling';

function isFinal(job: Job): boolean {
  return job.status !== 'QUEUED' && job.status !== 'RUNNING';
}

/**
 * Follows a job until it is SUCCEEDED, FAILED or CANCELLED. With `websocketUrl` it subscribes to
 * `jobUpdated` there (the API key in connectionParams) and falls back to polling `job(id)` when the socket
 * cannot be opened, is refused, or drops before the end; without one it polls.
 */
export function useJob(jobId: string | null, websocketUrl?: string | null): { job: Job | null; error: ApiError | null; via: JobChannel | null } {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [via, setVia] = useState<JobChannel | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    setJob(null);
    setError(null);
    setVia(null);
    if (!jobId) return;
    let stopped = false;
    let finished = false;
    let unsubscribe = () => {};
    const poll = async () => {
      try {
        const { job: current } = await graphql<JobQuery>(JOB, { id: jobId });
        if (stopped) return;
        if (!current) throw new ApiError('NOT_FOUND', `Job ${jobId} was not found.`);
        setJob(current);
        if (!isFinal(current)) timer.current = setTimeout(poll, JOB_POLL_MS);
      } catch (caught) {
        if (!stopped) setError(toApiError(caught));
      }
    };
    const startPolling = () => {
      if (stopped || finished) return;
      unsubscribe();
      setVia('polling');
      void poll();
    };
    if (websocketUrl && typeof WebSocket !== 'undefined') {
      const key = readApiKey();
      setVia('subscription');
      unsubscribe = subscribe<JobUpdatedSubscription>(
        { url: websocketUrl, query: JOB_UPDATED, variables: { id: jobId }, connectionParams: key ? { Authorization: `Bearer ${key}` } : {} },
        {
          next: ({ jobUpdated }) => {
            if (stopped) return;
            finished = isFinal(jobUpdated);
            setJob(jobUpdated);
          },
          error: startPolling,
          // the last update was final; a subscription that ends without one is followed by polling
          complete: startPolling,
        },
      );
    } else startPolling();
    return () => {
      stopped = true;
      unsubscribe();
      if (timer.current) clearTimeout(timer.current);
    };
  }, [jobId, websocketUrl]);

  return { job, error, via };
}
