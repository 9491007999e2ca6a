// Percentiles for every bench, by the nearest-rank definition: the p-th percentile of n
// values is the ceil(p/100 × n)-th smallest. Of 100 broadcasts the p99 is then the second
// slowest, not the slowest, which a single stall anywhere on the machine would set alone.

/** The p-th percentile of `values` (in any order); NaN when there are none. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]
}
