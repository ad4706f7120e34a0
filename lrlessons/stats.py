"""Comparisons over seeds: a paired difference with its 95 % interval, and the course's verdict.

Two settings trained on the same seeds are compared seed by seed (the same seed gives both the
same initial weights and the same batches), so the noise that the seed brings to both cancels:

    d_i = a_i - b_i,   mean d ± t_{0.975, n-1} · s_d / √n   (s_d with ddof=1)

The verdict rule every lesson uses: "confirmed" only when the interval excludes 0 in the claimed
direction, "cannot tell from this data" otherwise.

>>> p = paired([97.2, 96.9, 97.5, 97.8], [96.1, 96.4, 96.3, 96.9])
>>> round(p.mean, 3), round(p.low, 3), round(p.high, 3), p.n
(0.925, 0.432, 1.418, 4)
>>> p.verdict()
'confirmed: higher'
>>> p.verdict(-1)
'cannot tell from this data'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .i18n import error, tr


@dataclass(frozen=True)
class Paired:
    """Mean of the seed-paired differences ``a - b`` and its ``confidence`` interval."""

    mean: float
    low: float
    high: float
    n: int
    sd: float
    confidence: float = 0.95

    def verdict(self, direction: int = +1) -> str:
        """"confirmed: a is higher" (or lower, for ``direction`` -1) when the interval excludes
        0 on that side, else "cannot tell from this data" (in the learner's language)."""
        clear = self.low > 0 if direction > 0 else self.high < 0
        if not clear:
            return tr("cannot tell from this data", "从这些数据看不出来")
        return (tr("confirmed: higher", "证实：更高") if direction > 0 else
                tr("confirmed: lower", "证实：更低"))


def paired(a, b, confidence: float = 0.95) -> Paired:
    """The seed-paired difference ``a - b`` (sequences in the same seed order) with a Student-t
    interval over its mean."""
    from scipy.stats import t

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    d = a - b if a.shape == b.shape else np.array([])
    if d.ndim != 1 or len(d) < 2:
        raise error(
            f"a and b must hold at least 2 seeds each, in the same seed order; got "
            f"{a.size} and {b.size}", f"a 和 b 各自至少要有 2 个种子的结果，且一一对应；你给出的是 "
            f"{a.size} 个和 {b.size} 个")
    sd = float(np.std(d, ddof=1))
    half = float(t.ppf(0.5 + confidence / 2, len(d) - 1)) * sd / math.sqrt(len(d))
    m = float(np.mean(d))
    return Paired(m, m - half, m + half, len(d), sd, confidence)


__all__ = ["Paired", "paired"]
