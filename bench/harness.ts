/** Tiny benchmark harness: each suite returns rows; run.ts prints one table. */
export interface BenchRow {
  suite: string;
  metric: string;
  value: number;
  unit: string;
  note?: string;
}

export interface BenchSuite {
  name: string;
  run(): Promise<BenchRow[]>;
}

/** Runs `fn` repeatedly for about `ms` milliseconds; returns operations per second. */
export async function opsPerSecond(fn: () => unknown | Promise<unknown>, ms = 1000): Promise<number> {
  // Warm-up so the JIT and caches are settled.
  const warmEnd = performance.now() + Math.min(200, ms / 5);
  while (performance.now() < warmEnd) await fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    await fn();
    n++;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

/** Percentile of a sorted-on-demand sample (p in 0..100). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}

export function formatTable(rows: BenchRow[]): string {
  const header = ['suite', 'metric', 'value', 'unit', 'note'];
  const body = rows.map((r) => [
    r.suite,
    r.metric,
    r.value >= 100 ? Math.round(r.value).toLocaleString('en-US') : r.value.toFixed(2),
    r.unit,
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
