export interface Bench {
  name: string;
  /** Runs the measurements and reports each figure as one line. */
  run(report: (line: string) => void): Promise<void> | void;
}

/** Runs fn repeatedly for about `ms` milliseconds (after a warm-up) and returns runs per second. */
export function measure(fn: () => void, ms = 1000): { runs: number; seconds: number; perSecond: number } {
  const warm = performance.now();
  while (performance.now() - warm < ms / 4) fn();
  let runs = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    fn();
    runs++;
    t = performance.now();
  }
  const seconds = (t - t0) / 1000;
  return { runs, seconds, perSecond: runs / seconds };
}
