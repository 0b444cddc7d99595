'use client';
import { useEffect, useRef, useState } from 'react';
import ErrorNote from '@/components/ErrorNote';
import Progress from '@/components/Progress';
import { graphql } from '@/lib/graphql';
import { ApiError, toApiError } from '@/lib/errors';
import { useJob } from '@/lib/hooks';
import { CANCEL_JOB } from '@/lib/operations';
import { isActive, progressText } from '@/lib/jobProgress';
import { resultAssetIds } from '@/lib/generation';
import { generationHint } from '@/lib/musicRequest';
import type { CancelJobMutation } from '@/lib/generated/graphql';

interface Props {
  jobId: string;
  /** how many variations were asked for, for "variation i of n" */
  count: number;
  websocketUrl: string | null;
  /** once, when the job succeeded, with its GENERATED asset ids in variation order */
  onSucceeded: (assetIds: string[]) => void;
  /** what to do about a cancelJob error, in the form's terms (default: the music form's) */
  hint?: (code: string) => string | null;
}

/**
 * A running generation: its progress bar and words, live over the websocket (or polled), the picture so far when
 * the engine sends one (MusIm), and Cancel.
 */
export default function GenerationProgress({ jobId, count, websocketUrl, onSucceeded, hint = generationHint }: Props) {
  const { job, error, via } = useJob(jobId, websocketUrl);
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<ApiError | null>(null);
  const reported = useRef<string | null>(null);

  useEffect(() => {
    if (job?.status !== 'SUCCEEDED' || reported.current === job.id) return;
    reported.current = job.id;
    onSucceeded(resultAssetIds(job.result).main);
  }, [job, onSucceeded]);

  const cancel = async () => {
    setCancelling(true);
    setCancelError(null);
    try {
      await graphql<CancelJobMutation>(CANCEL_JOB, { id: jobId });
    } catch (caught) {
      setCancelError(toApiError(caught));
      setCancelling(false);
    }
  };

  const status = job?.status ?? 'QUEUED';
  const active = isActive(status);
  return (
    <section className="panel stack job" aria-label="Generation" aria-live="polite" data-job-id={jobId} data-status={status} data-via={via ?? undefined}>
      <div className="row spread">
        <strong className="job-text">{job ? progressText(job, count) : 'Starting…'}</strong>
        {active && (
          <button type="button" className="danger" onClick={() => void cancel()} disabled={cancelling}>
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
      </div>
      <Progress value={job?.progress ?? 0} label="Generation progress" failed={status === 'FAILED'} />
      {job?.preview && active && (
        // eslint-disable-next-line @next/next/no-img-element -- a data: URL the API sends with the job
        <img className="job-preview" src={job.preview} alt="The picture so far" />
      )}
      <span className="small muted">
        {via === 'subscription' ? 'Live updates from the API.' : via === 'polling' ? 'Checking the job every moment (live updates are not available here).' : ''}
      </span>
      {status === 'CANCELLED' && <p className="notice warn small">Cancelled: nothing from this generation was kept.</p>}
      {status === 'FAILED' && <ErrorNote error={new ApiError('JOB_FAILED', job?.error ?? 'Generation failed.')} />}
      <ErrorNote error={cancelError} hint={cancelError ? hint(cancelError.code) : null} />
      <ErrorNote error={error} />
    </section>
  );
}
