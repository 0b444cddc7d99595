/** A one-line progress bar on stderr (plain lines when stderr is not a terminal). */
export class ProgressBar {
  private readonly started = Date.now();
  private lastPrint = 0;
  constructor(private readonly total: number, private readonly label: string) {}

  update(done: number): void {
    const now = Date.now();
    if (now - this.lastPrint < (process.stderr.isTTY ? 200 : 10_000) && done < this.total) return;
    this.lastPrint = now;
    const frac = this.total === 0 ? 1 : done / this.total;
    const elapsed = (now - this.started) / 1000;
    const rate = done / Math.max(elapsed, 1e-3);
    const eta = rate > 0 ? (this.total - done) / rate : 0;
    const width = 30;
    const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
    const line = `${this.label} ${bar} ${done}/${this.total} ${(frac * 100).toFixed(1)}% ${rate.toFixed(2)} items/s eta ${eta.toFixed(0)}s`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
    else process.stderr.write(`${line}\n`);
  }

  finish(): void {
    if (process.stderr.isTTY) process.stderr.write('\n');
  }
}
