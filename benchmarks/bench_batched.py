"""Batched vs looped training: cost per network-epoch of lossviz.train_many against lossviz.train.

    python benchmarks/bench_batched.py              # K=200 networks x 5000 epochs on XOR
    python benchmarks/bench_batched.py --loop 200   # time the loop over all 200 seeds (about a minute)

Both are measured in the same run, on the same settings (XOR, 2-3-1 tanh, BCE, each
optimizer at its lesson learning rate).  The loop over ``lossviz.train`` costs the same per
network, so by default it is timed on the first ``--loop`` seeds (20) and scaled per
network-epoch; the script says so.  Target from issue #6: the batched cost per network-epoch
is at least 25 times lower.  A plain script, not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import lossviz  # noqa: E402

TARGET = 25.0


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> list[tuple[str, float, float]]:
    """Run it; rows (what, µs per network-epoch, seconds), then (name, ratio, target ratio)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--networks", type=int, default=200, help="K, networks trained together (default 200)")
    ap.add_argument("--epochs", type=int, default=5000, help="epochs per network (default 5000)")
    ap.add_argument("--loop", type=int, default=20, help="seeds timed in the lossviz.train loop (default 20)")
    ap.add_argument("--optimizer", default="sgd", choices=["sgd", "adam", "rmsprop"])
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--repeat", type=int, default=1, help="best of this many batched runs (default 1)")
    args = ap.parse_args(argv)
    X, y = lossviz.xor()
    k, epochs, n_loop = args.networks, args.epochs, min(args.loop, args.networks)
    settings = {"optimizer": args.optimizer, "lr": args.lr, "epochs": epochs}
    print(f"XOR, 2-3-1 tanh, BCE, {args.optimizer} lr {args.lr:g}, {epochs} epochs, numpy {np.__version__}")

    batched = best_of(lambda: lossviz.train_many(X, y, seeds=range(k), **settings), args.repeat)
    per_batched = batched / (k * epochs)
    print(f"train_many: {k} networks in {batched:.2f} s -> {per_batched * 1e6:.3f} µs per network-epoch")

    t0 = time.perf_counter()
    for seed in range(n_loop):
        lossviz.train(X, y, seed=seed, **settings)
    looped = time.perf_counter() - t0
    per_looped = looped / (n_loop * epochs)
    scaled = "" if n_loop == k else f" (timed on {n_loop} of the {k} seeds; the loop's cost per network is constant)"
    print(
        f"train loop: {n_loop} networks in {looped:.2f} s -> {per_looped * 1e6:.3f} µs per network-epoch{scaled}; "
        f"all {k} would take about {per_looped * k * epochs:.0f} s"
    )

    ratio = per_looped / per_batched
    verdict = "meets" if ratio >= TARGET else "MISSES"
    print(f"ratio: batched is {ratio:.1f}x cheaper per network-epoch ({verdict} the target of {TARGET:g}x)")
    return [
        (f"lossviz.train_many, {k} networks x {epochs} epochs", per_batched * 1e6, batched),
        (f"lossviz.train loop, {n_loop} networks x {epochs} epochs", per_looped * 1e6, looped),
        ("ratio (loop / batched per network-epoch)", ratio, TARGET),
    ]


if __name__ == "__main__":
    main()
    raise SystemExit(0)
