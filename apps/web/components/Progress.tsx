import { formatPercent } from '@/lib/format';

export default function Progress({ value, label, failed }: { value: number; label: string; failed?: boolean }) {
  return (
    <div
      className={`progress${failed ? ' failed' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(value * 100)}
      aria-valuetext={formatPercent(value)}
    >
      <span style={{ width: formatPercent(value) }} />
    </div>
  );
}
