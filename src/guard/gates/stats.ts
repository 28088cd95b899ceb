/**
 * The significance tests behind the rate gates. A difference past a limit is acted on only when
 * it is unlikely to be noise: 2 errors in 100 against 0 in 100 is +2 points, but not shown to be
 * more than 1 point worse.
 */

// Acklam's rational approximation of the inverse normal CDF (relative error < 1.15e-9).
const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
] as const;
const B = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
] as const;
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
] as const;
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416] as const;
const P_LOW = 0.02425;

function tail(q: number): number {
  return (
    (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
    ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
  );
}

/** The standard normal quantile: z such that P(Z <= z) = p. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  }
  if (p < P_LOW) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - P_LOW) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}

/**
 * The one-sided lower confidence bound of x1/n1 - x2/n2 (Agresti-Caffo: one success and one
 * failure added to each side, which keeps the bound honest at 0 or 100% and at small samples).
 * -1 when a side is empty.
 *
 * The rate gates breach only when this bound is past their delta: the question is "is the user
 * engine worse by MORE than the delta", not "is it worse at all". Testing the second and then
 * checking the point difference against the delta rolls back a healthy engine whenever sampling
 * puts one side a delta apart (15% against 15% read as 18.0% of 688 against a floor of 12.9%).
 */
export function differenceLowerBound(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  confidence: number,
): number {
  if (n1 <= 0 || n2 <= 0) return -1;
  const p1 = (x1 + 1) / (n1 + 2);
  const p2 = (x2 + 1) / (n2 + 2);
  const se = Math.sqrt((p1 * (1 - p1)) / (n1 + 2) + (p2 * (1 - p2)) / (n2 + 2));
  return p1 - p2 - normalQuantile(confidence) * se;
}

/**
 * One-proportion score z statistic for "x/n is higher than p0". With p0 = 0 any success is
 * infinitely significant (and none is not).
 */
export function oneProportionZ(x: number, n: number, p0: number): number {
  if (n <= 0) return 0;
  const diff = x / n - p0;
  const se = Math.sqrt((p0 * (1 - p0)) / n);
  if (!(se > 0)) return diff > 0 ? Infinity : diff < 0 ? -Infinity : 0;
  return diff / se;
}

/** One-sided one-proportion test: is x/n significantly higher than p0? */
export function significantlyAbove(x: number, n: number, p0: number, confidence: number): boolean {
  return oneProportionZ(x, n, p0) > normalQuantile(confidence);
}

/** Two-sided Wilson score interval for x/n at `confidence`, clamped to [0, 1]. */
export function wilsonInterval(x: number, n: number, confidence: number): [number, number] {
  if (n <= 0) return [0, 1];
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
