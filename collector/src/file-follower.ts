import { closeSync, openSync, readSync, statSync } from 'node:fs';

/**
 * Follows a growing NDJSON file (the load generator writing its results while it runs) and hands
 * over every complete line once. A line still being written stays buffered until its newline
 * arrives, so nothing is parsed half-written and nothing is read twice. Polling, not fs.watch: it
 * works the same on every filesystem, and 250 ms is live enough for a dashboard.
 */
export class FileFollower {
  private offset = 0;
  private partial = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly chunk = Buffer.alloc(1 << 20);

  constructor(
    private readonly path: string,
    private readonly onLine: (line: string) => void,
  ) {}

  /** Reads whatever was appended since the last call; returns the number of lines handed over. */
  poll(): number {
    let size: number;
    try {
      size = statSync(this.path).size;
    } catch {
      return 0; // not created yet: the load generator opens it when the run starts
    }
    if (size < this.offset) {
      // Truncated or replaced: start over.
      this.offset = 0;
      this.partial = '';
    }
    let lines = 0;
    const fd = openSync(this.path, 'r');
    try {
      while (this.offset < size) {
        const read = readSync(
          fd,
          this.chunk,
          0,
          Math.min(this.chunk.length, size - this.offset),
          this.offset,
        );
        if (read <= 0) break;
        this.offset += read;
        const text = this.partial + this.chunk.toString('utf8', 0, read);
        const parts = text.split('\n');
        this.partial = parts.pop() ?? '';
        for (const line of parts) {
          this.onLine(line);
          lines++;
        }
      }
    } finally {
      closeSync(fd);
    }
    return lines;
  }

  start(intervalMs = 250): void {
    this.timer = setInterval(() => this.poll(), intervalMs);
    this.timer.unref();
  }

  /** Stops following; a last line without its newline (a run cut short) is handed over as is. */
  stop(): void {
    clearInterval(this.timer);
    this.poll();
    if (this.partial) this.onLine(this.partial);
    this.partial = '';
  }
}
