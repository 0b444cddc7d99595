/** A one-line progress bar on stderr (a line per 10% when stderr is not a terminal). */
export class ProgressBar {
  private readonly started = Date.now();
  private done = 0;
  private lastDraw = 0;
  private lastDecile = -1;

  constructor(
    private readonly total: number,
    private readonly label: string,
  ) {}

  tick(n = 1): void {
    this.done += n;
    this.draw();
  }

  private draw(final = false): void {
    const now = Date.now();
    const fraction = this.total ? this.done / this.total : 1;
    const rate = this.done / Math.max(0.001, (now - this.started) / 1000);
    const eta = rate > 0 ? (this.total - this.done) / rate : 0;
    const text = `${this.label} ${this.done}/${this.total} ${(fraction * 100).toFixed(1)}% ${rate.toFixed(1)}/s eta ${formatSeconds(eta)}`;
    if (process.stderr.isTTY) {
      if (!final && now - this.lastDraw < 100 && this.done < this.total) return;
      this.lastDraw = now;
      const width = 30;
      const filled = Math.round(fraction * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K`);
    } else {
      const decile = Math.floor(fraction * 10);
      if (decile === this.lastDecile && !final) return;
      this.lastDecile = decile;
      process.stderr.write(`${text}\n`);
    }
  }

  finish(): void {
    if (!process.stderr.isTTY && this.lastDecile === 10) return;
    this.draw(true);
    if (process.stderr.isTTY) process.stderr.write('\n');
  }
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m ? `${m}m${Math.round(s % 60)}s` : `${Math.round(s)}s`;
}
