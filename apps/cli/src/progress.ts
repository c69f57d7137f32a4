/**
 * A one-line progress bar on stderr. On a terminal it redraws in place (at most ~10 times a
 * second); elsewhere (CI logs, pipes) it prints only the final line of each bar.
 */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export class ProgressBar {
  readonly #stream: ProgressStream;
  readonly #total: number;
  readonly #label: string;
  readonly #width: number;
  #lastDraw = 0;
  #lastLine = '';

  constructor(label: string, total: number, stream: ProgressStream = process.stderr, width = 24) {
    this.#label = label;
    this.#total = Math.max(1, total);
    this.#stream = stream;
    this.#width = width;
  }

  line(done: number, stats: string): string {
    const frac = Math.min(1, done / this.#total);
    const filled = Math.round(frac * this.#width);
    const bar =
      '='.repeat(Math.max(0, filled - 1)) +
      (filled > 0 ? (frac < 1 ? '>' : '=') : '') +
      ' '.repeat(this.#width - filled);
    return `${this.#label} [${bar}] ${String(Math.round(frac * 100)).padStart(3)}% ${stats}`;
  }

  update(done: number, stats: string): void {
    if (!this.#stream.isTTY) return;
    const now = Date.now();
    if (now - this.#lastDraw < 100 && done < this.#total) return;
    this.#lastDraw = now;
    const text = this.line(done, stats);
    const pad = Math.max(0, this.#lastLine.length - text.length);
    this.#stream.write(`\r${text}${' '.repeat(pad)}`);
    this.#lastLine = text;
  }

  finish(done: number, stats: string): void {
    const text = this.line(done, stats);
    if (this.#stream.isTTY) {
      const pad = Math.max(0, this.#lastLine.length - text.length);
      this.#stream.write(`\r${text}${' '.repeat(pad)}\n`);
    } else {
      this.#stream.write(`${text}\n`);
    }
  }
}
