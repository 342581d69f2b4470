// bench: the figures every benchmark reports.

/** The middle value (the upper of the two middles for an even count); 0 for none. */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

/**
 * The median of `a[i] / b[i]`: each pair ran back to back, so a busy stretch of the machine that hit one
 * round does not move it (the ratio of the two medians would be).
 */
export function medianOfPairedRatios(a: readonly number[], b: readonly number[]): number {
  return median(a.map((value, round) => value / b[round]!));
}
