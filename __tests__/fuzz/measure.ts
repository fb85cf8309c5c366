/**
 * What a fuzz class measures of its cases: how many were tried and how many came out clean
 * (accepted without a finding), the slowest case and the largest input, and the resident memory
 * one case added, against the limits of the hostile-input work (2 s and 200 MB per case).
 */
export const CASE_SECONDS_LIMIT = 2;
export const CASE_MEGABYTES_LIMIT = 200;

export class ClassMeasure {
  tried = 0;
  clean = 0;
  slowestMs = 0;
  largestBytes = 0;
  mostMegabytes = 0;

  constructor(readonly name: string) {}

  /** Runs one case of `bytes` input; `clean` says whether it was accepted without a finding. */
  run<T>(bytes: number, body: () => T, clean: (result: T) => boolean): T {
    const rss = process.memoryUsage().rss;
    const started = process.hrtime.bigint();
    const result = body();
    this.record(started, rss, bytes, clean(result));
    return result;
  }

  async runAsync<T>(bytes: number, body: () => Promise<T>, clean: (result: T) => boolean): Promise<T> {
    const rss = process.memoryUsage().rss;
    const started = process.hrtime.bigint();
    const result = await body();
    this.record(started, rss, bytes, clean(result));
    return result;
  }

  private record(started: bigint, rss: number, bytes: number, clean: boolean): void {
    this.tried++;
    if (clean) this.clean++;
    this.slowestMs = Math.max(this.slowestMs, Number(process.hrtime.bigint() - started) / 1e6);
    this.largestBytes = Math.max(this.largestBytes, bytes);
    this.mostMegabytes = Math.max(this.mostMegabytes, (process.memoryUsage().rss - rss) / 2 ** 20);
  }

  line(): string {
    return `${this.name}: ${this.tried} tried, ${this.clean} clean, slowest ${this.slowestMs.toFixed(0)} ms, largest input ${this.largestBytes} bytes, at most ${this.mostMegabytes.toFixed(1)} MB more resident memory`;
  }
}
