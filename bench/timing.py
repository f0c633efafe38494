"""Timing helpers the benchmarks share: milliseconds of repeated runs after one warm-up, their p95, and a
markdown row of median and p95."""
from __future__ import annotations

import statistics
import time


def timed(fn, runs: int) -> list[float]:
    """Milliseconds of `runs` calls of `fn`, after one warm-up call (the plan cache, the index pages)."""
    fn()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(len(values) * 0.95) - 1)]


def row(label: str, values: list[float], budget: str = "") -> str:
    return f"| {label} | {statistics.median(values):.1f} | {p95(values):.1f} | {budget} |"
