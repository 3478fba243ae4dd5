// Shared pieces of the PostgreSQL benchmarks (bench/satisfaction.ts, bench/why.ts).

/**
 * A timer that runs a query `times` times, prints its median (with min, max and n) on a line whose label
 * is padded to `labelWidth`, and answers the median in milliseconds.
 */
export function medianTimer(labelWidth: number) {
  return async function median(label: string, times: number, fn: () => Promise<unknown>): Promise<number> {
    const ms: number[] = [];
    for (let i = 0; i < times; i++) {
      const t = performance.now();
      await fn();
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    const m = ms[Math.floor(ms.length / 2)];
    console.log(`  ${label.padEnd(labelWidth)} median ${m.toFixed(1).padStart(8)} ms  (min ${ms[0].toFixed(1)}, max ${ms[ms.length - 1].toFixed(1)}, n=${times})`);
    return m;
  };
}
