"""Statistics the reports rest on: summaries with confidence intervals, ratios, rank tests, growth."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import optimize
from scipy import stats as scipy_stats

Array = NDArray[np.float64]
Mask = NDArray[np.bool_]
BOOTSTRAP_RESAMPLES = 2000
# Above this many values a bootstrap costs more than it tells; the distribution-free interval from
# order statistics (binomial ranks) is used instead.
BOOTSTRAP_MAX_N = 2000


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float
    median: float
    std_sample: float  # n - 1 in the denominator
    std_population: float  # n in the denominator (spark-perf's "std dev")
    min: float
    max: float
    median_ci: tuple[float, float]


def median_ci(values: Array, level: float = 0.95, seed: int = 0) -> tuple[float, float]:
    """Confidence interval of the median: percentile bootstrap, or order statistics for large n."""
    n = len(values)
    if n == 0:
        return (math.nan, math.nan)
    if n == 1:
        return (float(values[0]), float(values[0]))
    alpha = 1 - level
    if n > BOOTSTRAP_MAX_N:
        ordered = np.sort(values)
        low = int(scipy_stats.binom.ppf(alpha / 2, n, 0.5))
        high = int(scipy_stats.binom.isf(alpha / 2, n, 0.5))
        return (float(ordered[max(low - 1, 0)]), float(ordered[min(high, n - 1)]))
    rng = np.random.default_rng(seed)
    medians = np.median(values[rng.integers(0, n, size=(BOOTSTRAP_RESAMPLES, n))], axis=1)
    low_q, high_q = np.quantile(medians, [alpha / 2, 1 - alpha / 2])
    return (float(low_q), float(high_q))


def summarize(values: Array, level: float = 0.95) -> Summary:
    n = len(values)
    if n == 0:
        nan = math.nan
        return Summary(0, nan, nan, nan, nan, nan, nan, (nan, nan))
    return Summary(
        n=n,
        mean=float(np.mean(values)),
        median=float(np.median(values)),
        std_sample=float(np.std(values, ddof=1)) if n > 1 else 0.0,
        std_population=float(np.std(values, ddof=0)),
        min=float(np.min(values)),
        max=float(np.max(values)),
        median_ci=median_ci(values, level),
    )


@dataclass(frozen=True)
class Ratio:
    ratio: float  # median(B) / median(A)
    ci: tuple[float, float]
    p_value: float  # two-sided Mann-Whitney U


def ratio_of_medians(a: Array, b: Array, level: float = 0.95, seed: int = 0) -> Ratio:
    """B's median over A's, a bootstrap interval resampling each side, and a rank test."""
    ratio = float(np.median(b) / np.median(a))
    rng = np.random.default_rng(seed)
    resampled_a = np.median(a[rng.integers(0, len(a), size=(BOOTSTRAP_RESAMPLES, len(a)))], axis=1)
    resampled_b = np.median(b[rng.integers(0, len(b), size=(BOOTSTRAP_RESAMPLES, len(b)))], axis=1)
    alpha = 1 - level
    low, high = np.quantile(resampled_b / resampled_a, [alpha / 2, 1 - alpha / 2])
    if len(a) > 1 and len(b) > 1:
        p_value = float(scipy_stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)
    else:
        p_value = math.nan
    return Ratio(ratio, (float(low), float(high)), p_value)


@dataclass(frozen=True)
class Growth:
    """y = a + b * x**k fitted to medians: k near 1 is linear growth, k above 1 super-linear."""

    exponent: float
    exponent_ci: tuple[float, float]
    intercept: float
    scale: float
    verdict: str  # "linear", "super-linear", "sub-linear" or "undetermined"

    def predict(self, x: Array) -> Array:
        result: Array = self.intercept + self.scale * np.power(x, self.exponent)
        return result


def fit_growth(x: Array, y: Array, level: float = 0.95) -> Growth:
    if len(x) < 4:
        return Growth(math.nan, (math.nan, math.nan), math.nan, math.nan, "undetermined")
    # Work in units of the largest x so that the fit is well conditioned.
    x_scale = float(np.max(x))
    u = x / x_scale

    def model(u: Array, a: float, b: float, k: float) -> Array:
        return a + b * np.power(u, k)

    start = (float(np.min(y)), float(np.max(y) - np.min(y)) or 1.0, 1.0)
    try:
        params, covariance = optimize.curve_fit(model, u, y, p0=start, bounds=([-np.inf, 0, 0.05], np.inf))
    except (RuntimeError, ValueError):
        return Growth(math.nan, (math.nan, math.nan), math.nan, math.nan, "undetermined")
    a, b, k = (float(p) for p in params)
    k_se = float(np.sqrt(covariance[2, 2])) if np.all(np.isfinite(covariance)) else math.inf
    t = float(scipy_stats.t.ppf(1 - (1 - level) / 2, max(len(x) - 3, 1)))
    low, high = k - t * k_se, k + t * k_se
    if not math.isfinite(k_se):
        verdict = "undetermined"
    elif low > 1:
        verdict = "super-linear"
    elif high < 1:
        verdict = "sub-linear"
    else:
        verdict = "linear"
    return Growth(k, (low, high), a, b / x_scale**k, verdict)
