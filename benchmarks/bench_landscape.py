"""Benchmark: the "Why MSE fails" landscape, 200 x 200 grid, both losses, server side.

    python benchmarks/bench_landscape.py [--repeats 15] [--n 200]

Times, as medians over repeats in one process: the core grid (loss, gradient and
Hessian eigenvalues of MSE and BCE), the two contour figures (with the descent
paths), their plotly JSON (``plotly.io.to_json``, what ``st.plotly_chart`` sends),
and the three together against the 100 ms target.  Speed is also given as a ratio
to a baseline measured in the same run: a bare numpy evaluation of both losses'
values on the same grid (no gradients, Hessians, validation or chunking), so the
ratios say how much the lesson's extra work costs on whatever machine runs this.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import plotly.io as pio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lossviz import landscape as ls  # noqa: E402
from lossviz.figures import landscape as figs  # noqa: E402

TARGET_MS = 100.0


def timings_ms(fn, repeats: int) -> list[float]:
    fn()  # warm up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(1e3 * (time.perf_counter() - t0))
    return times


def median_ms(fn, repeats: int) -> float:
    return statistics.median(timings_ms(fn, repeats))


def bare_numpy(x, y, n):
    """Both losses' values on the grid, nothing else: the in-process yardstick."""
    w = np.linspace(-10, 10, n)
    b = np.linspace(-10, 10, n)
    z = w[None, :, None] * x + b[:, None, None]
    p = 1.0 / (1.0 + np.exp(-z))
    mse = ((p - y) ** 2).mean(axis=2)
    bce = (np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))).mean(axis=2)
    return mse, bce


def main(argv: list[str] | None = None) -> list[tuple]:
    """Run the benchmark; one row per preset: (preset, N, baseline, grid, figures, to_json, total, best, KiB)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--n", type=int, default=200, help="grid points per axis")
    args = ap.parse_args(argv)
    n, reps = args.n, args.repeats
    defaults = {p.name: p.default for p in ls.PARAMS}
    start = (defaults["w0"], defaults["b0"])
    line = ((defaults["w1"], defaults["b1"]), (defaults["w2"], defaults["b2"]))

    rows = []
    for preset in ls.PRESETS:
        x, y = ls.preset(preset)
        runs = {
            name: ls.gradient_descent(
                x, y, loss=name, w0=start[0], b0=start[1], lr=defaults["lr"], steps=defaults["steps"]
            )
            for name in ls.LOSSES
        }
        land = ls.loss_grid(x, y, n=n)

        def build(land=land, runs=runs):
            return [figs.loss_map(land, name, descent=runs[name], start=start, line=line) for name in ls.LOSSES]

        built = build()

        def serialise(built=built):
            return [pio.to_json(f, validate=False) for f in built]

        def together(x=x, y=y, runs=runs):
            land = ls.loss_grid(x, y, n=n)
            fs = [figs.loss_map(land, name, descent=runs[name], start=start, line=line) for name in ls.LOSSES]
            return [pio.to_json(f, validate=False) for f in fs]

        base = median_ms(lambda x=x, y=y: bare_numpy(x, y, n), reps)
        grid = median_ms(lambda x=x, y=y: ls.loss_grid(x, y, n=n), reps)
        fig = median_ms(build, reps)
        js = median_ms(serialise, reps)
        totals = timings_ms(together, reps)
        total, best = statistics.median(totals), min(totals)
        kib = sum(len(s) for s in serialise()) / 1024
        rows.append((preset, x.size, base, grid, fig, js, total, best, kib))

    print(f"lossviz landscape benchmark: {n} x {n} grid, both losses, median of {reps} runs (ms)")
    head = (
        f"{'preset':<12} {'N':>3} {'baseline':>9} {'grid':>7} {'figures':>8} {'to_json':>8} "
        f"{'total':>7} {'best':>6} {'total/base':>10} {'JSON KiB':>9} {'target':>7}"
    )
    print(head)
    print("-" * len(head))
    for preset, npts, base, grid, fig, js, total, best, kib in rows:
        verdict = "ok" if total < TARGET_MS else "OVER"
        print(
            f"{preset:<12} {npts:>3} {base:>9.1f} {grid:>7.1f} {fig:>8.1f} {js:>8.1f} "
            f"{total:>7.1f} {best:>6.1f} {total / base:>9.1f}x {kib:>9.0f} {verdict:>7}"
        )
    print(
        f"\ntarget: median total (grid + figures + JSON) < {TARGET_MS:g} ms per rerun; best = fastest run.  baseline = "
        "bare numpy values of both\nlosses on the same grid (no gradient, Hessian, validation); total/base is the "
        "machine-independent cost ratio."
    )
    return rows


if __name__ == "__main__":
    raise SystemExit(0 if all(r[6] < TARGET_MS for r in main()) else 1)
