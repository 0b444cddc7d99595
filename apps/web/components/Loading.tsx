export default function Loading({ label }: { label: string }) {
  return (
    <div className="row muted" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </div>
  );
}
