"""Benchmark of the scoring engine: 1,000,000 respondents × 12 items, all breakdowns and SEs.

    python bench/engine.py [--n 1000000] [--runs 5] [--no-samplics]

Prints a markdown table: our `score()` (Taylor, every breakdown and SE) best and median time and
peak memory, measured in a fresh subprocess each, next to samplics' TaylorEstimator computing
only the composite's SE on the same (complete) data.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stats import score  # noqa: E402
from stats.matrix import SurveyMatrix  # noqa: E402
from stats.scheme import Scheme  # noqa: E402

SCHEME = Scheme(
    option_points={"satisfied": 100, "basically_satisfied": 80, "dissatisfied": 0, "dont_know": None},
    dimension_weights={"economy": 0.25, "ecology": 0.25, "safety": 0.25, "governance": 0.25},
)
DIMS = ["economy"] * 2 + ["ecology"] * 3 + ["safety"] * 2 + ["governance"] * 5


def synthetic(n: int, *, missing: bool, seed: int = 2020) -> SurveyMatrix:
    """17 villages, villagers (80%, clustered by village, 4 age bands), staff and deputies."""
    rng = np.random.default_rng(seed)
    group = rng.choice(3, size=n, p=[0.8, 0.12, 0.08]).astype(np.int8)
    village = np.where(group == 0, rng.integers(0, 17, size=n), -1).astype(np.int8)
    age = np.where(group == 0, rng.integers(0, 4, size=n), -1).astype(np.int8)
    effect = np.append(rng.normal(0, 0.5, 17), 0.0)[village]
    latent = rng.normal(0, 1, (n, 1)) + effect[:, None] + rng.normal(0, 0.7, (n, 12))
    answers = np.where(latent > -0.2, 0, np.where(latent > -1.3, 1, 2)).astype(np.int8)
    if missing:
        roll = rng.random((n, 12))
        answers[roll < 0.05] = 3
        answers[(roll >= 0.05) & (roll < 0.07)] = -1
    return SurveyMatrix(
        item_codes=[f"q{j}" for j in range(12)],
        item_dimension=DIMS,
        dimension_codes=["economy", "ecology", "safety", "governance"],
        option_codes=["satisfied", "basically_satisfied", "dissatisfied", "dont_know"],
        answers=answers,
        group=group,
        group_codes=["villager", "staff", "deputy"],
        group_population=[40, None, None],
        group_clustered=[True, False, False],
        village=village,
        village_codes=[f"village-{i + 1}" for i in range(17)],
        age_band=age,
        age_band_codes=["18-29", "30-44", "45-59", "60+"],
    )


def run_engine(n: int, runs: int, missing: bool) -> dict:
    m = synthetic(n, missing=missing)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = score(m, SCHEME)
        times.append(time.perf_counter() - t)
    tracemalloc.start()
    score(m, SCHEME)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "best": min(times),
        "median": statistics.median(times),
        "peak_mb": peak / 2**20,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "score": r.composite.score,
        "se": r.composite.se,
    }


def run_samplics(n: int, runs: int) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from samplics.estimation import TaylorEstimator
        from samplics.utils.types import PopParam
    m = synthetic(n, missing=False)
    a = np.array([0.25 / DIMS.count(d) for d in DIMS])
    y = np.array([100.0, 80.0, 0.0])[m.answers] @ a  # complete data: composite = mean of y
    psu = np.where(m.group == 0, m.village, 100 + np.arange(n))
    stratum = m.group.astype(np.int64)
    fpc = {0: 1 - len(np.unique(m.village[m.group == 0])) / 40, 1: 1.0, 2: 1.0}
    times = []
    for _ in range(runs):
        est = TaylorEstimator(PopParam.mean)
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.estimate(y=y, samp_weight=np.ones(n), stratum=stratum, psu=psu, fpc=fpc)
        times.append(time.perf_counter() - t)
    return {
        "best": min(times),
        "median": statistics.median(times),
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "score": float(est.point_est),
        "se": float(est.stderror),
    }


def in_subprocess(kind: str, n: int, runs: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--n", str(n), "--runs", str(runs)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--no-samplics", action="store_true")
    p.add_argument("--child")
    args = p.parse_args()
    if args.child:
        result = (
            run_samplics(args.n, args.runs)
            if args.child == "samplics"
            else run_engine(args.n, args.runs, missing=args.child == "engine-missing")
        )
        print(json.dumps(result))
        return
    rows = [
        ("engine, complete data (all breakdowns + SEs)", in_subprocess("engine", args.n, args.runs)),
        ("engine, 5% 不了解 + 2% blank", in_subprocess("engine-missing", args.n, args.runs)),
    ]
    if not args.no_samplics:
        rows.append(
            (
                "samplics TaylorEstimator (composite SE only)",
                in_subprocess("samplics", args.n, min(args.runs, 3)),
            )
        )
    print(f"n = {args.n:,} respondents × 12 items, 17 villages, 3 groups, 4 age bands\n")
    print("| run | best s | median s | score peak MB (tracemalloc) | process max RSS MB | composite | SE |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in rows:
        peak = f"{r['peak_mb']:.0f}" if "peak_mb" in r else "—"
        print(
            f"| {name} | {r['best']:.3f} | {r['median']:.3f} | {peak} | "
            f"{r['maxrss_mb']:.0f} | {r['score']:.4f} | {r['se']:.6f} |"
        )
    if not args.no_samplics:
        ratio = rows[2][1]["median"] / rows[0][1]["median"]
        print(
            f"\nsamplics median / engine median = {ratio:.1f}× (same data, same composite SE: "
            f"{rows[0][1]['se']:.6f} vs {rows[2][1]['se']:.6f})"
        )


if __name__ == "__main__":
    main()
