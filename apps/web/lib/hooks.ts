'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { graphql } from './graphql';
import { ApiError, toApiError } from './errors';
import { JOB } from './operations';
import type { JobQuery } from './generated/graphql';
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

/** Polls a job until it succeeds or fails. */
export function useJob(jobId: string | null): { job: Job | null; error: ApiError | null } {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    setJob(null);
    setError(null);
    if (!jobId) return;
    let stopped = false;
    const poll = async () => {
      try {
        const { job: current } = await graphql<JobQuery>(JOB, { id: jobId });
        if (stopped) return;
        if (!current) throw new ApiError('NOT_FOUND', `Job ${jobId} was not found.`);
        setJob(current);
        if (current.status === 'QUEUED' || current.status === 'RUNNING') timer.current = setTimeout(poll, JOB_POLL_MS);
      } catch (caught) {
        if (!stopped) setError(toApiError(caught));
      }
    };
    void poll();
    return () => {
      stopped = true;
      if (timer.current) clearTimeout(timer.current);
    };
  }, [jobId]);

  return { job, error };
}
