/** Number formatting for trip reasons: short, stable, human. */

/** 0.124 -> "12.4%" */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** 12.06 -> "+12.1", -0.5 -> "-0.5" */
export function signed(x: number, digits = 1): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
}

/** A configured limit as written: 1 -> "1", 1.1 -> "1.1", 0.05 -> "0.05". */
export function limit(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/** Milliseconds, whole above 10 ms: 182.4 -> "182 ms", 3.25 -> "3.3 ms". */
export function ms(x: number): string {
  return `${x >= 10 ? Math.round(x) : x.toFixed(1)} ms`;
}

/** 1 -> "1 user", 23 -> "23 users" */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Float-safe "x is past the limit": 2/100 - 1/100 must not read as above 1 point. */
export function above(x: number, limitValue: number): boolean {
  return x > limitValue + 1e-9 * Math.max(1, Math.abs(limitValue));
}
