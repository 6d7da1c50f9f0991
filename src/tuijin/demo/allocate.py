"""Exact integer allocation for the demo: split a published total into project-level amounts that add up to it."""

from __future__ import annotations

import random


def split_total(total: int, n: int, rng: random.Random, minimum: int = 0, step: int = 1,
                sigma: float = 0.7, weights: list[float] | None = None) -> list[int]:
    """n amounts, each ≥ minimum and a multiple of `step`, adding up to `total` exactly.

    Weights are log-normal (a few large projects, many smaller ones) unless given."""
    if n <= 0:
        if total:
            raise ValueError("cannot split a non-zero total into no parts")
        return []
    if total % step or minimum % step:
        raise ValueError(f"total {total} and minimum {minimum} must be multiples of step {step}")
    units, min_units = total // step, minimum // step
    spare = units - n * min_units
    if spare < 0:
        raise ValueError(f"total {total} is less than {n} × minimum {minimum}")
    w = weights or [rng.lognormvariate(0, sigma) for _ in range(n)]
    scale = sum(w)
    parts = [int(spare * x / scale) for x in w]
    for i in rng.sample(range(n), spare - sum(parts)):
        parts[i] += 1
    return [(min_units + p) * step for p in parts]


def month_weights(months: list[int], rng: random.Random) -> list[float]:
    """Spending is lower around the Spring Festival and higher towards mid-year and year end."""
    seasonal = {1: 0.6, 2: 0.45, 3: 0.95, 4: 1.0, 5: 1.05, 6: 1.2, 7: 0.9, 8: 0.95, 9: 1.1, 10: 1.0,
                11: 1.05, 12: 1.3}
    return [seasonal[m] * rng.uniform(0.8, 1.2) for m in months]
