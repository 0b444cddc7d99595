'use client';
import type { ReactNode } from 'react';
import ErrorNote from '@/components/ErrorNote';
import GenerationProgress from './GenerationProgress';
import type { GeneratedAsset } from './GeneratedPiece';
import type { useGenerationRun } from './useGenerationRun';

interface Props {
  run: Pick<ReturnType<typeof useGenerationRun>, 'job' | 'results' | 'resultError' | 'showResults'>;
  websocketUrl: string | null;
  /** what to do about a cancelJob error, in the form's terms */
  hint?: (code: string) => string | null;
  titleId: string;
  /** the results' heading, for how many there are */
  heading: (count: number) => string;
  listClassName: string;
  listLabel: string;
  renderResult: (asset: GeneratedAsset) => ReactNode;
}

/** Below a generation form: its job while it runs, then the assets it made. */
export default function GenerationOutcome({ run, websocketUrl, hint, titleId, heading, listClassName, listLabel, renderResult }: Props) {
  const { job, results, resultError, showResults } = run;
  return (
    <>
      {job && (
        <GenerationProgress key={job.id} jobId={job.id} count={job.count} websocketUrl={websocketUrl} onSucceeded={(ids) => void showResults(ids)} hint={hint} />
      )}
      <ErrorNote error={resultError} />
      {results.length > 0 && (
        <section className="stack" aria-labelledby={titleId}>
          <h2 id={titleId} style={{ margin: 0 }}>{heading(results.length)}</h2>
          <ol className={listClassName} aria-label={listLabel}>
            {results.map((asset) => <li key={asset.id}>{renderResult(asset)}</li>)}
          </ol>
        </section>
      )}
    </>
  );
}
