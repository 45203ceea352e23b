"""Every lossviz benchmark in one run, one table.

    python benchmarks/run_all.py             # about 8 minutes on 2 cores
    python benchmarks/run_all.py --quick     # shorter runs of the same measurements, about 3 minutes
    python benchmarks/run_all.py --only browser,load --out /tmp/bench.md

Sections, in order (each is also a script of its own in this folder):
  train      bench_train.py     lossviz.train against a bare numpy loop (and Keras if installed)
  batched    bench_batched.py   lossviz.train_many against a loop over lossviz.train
  landscape  bench_landscape.py the "Why MSE fails" grid, figures and JSON per rerun
  reruns     bench_reruns.py    server time per rerun of every page (AppTest), trivial page as yardstick
  browser    bench_browser.py   slider latency vs a trivial page, XOR live frame rate, cold start
  load       bench_load.py      30 concurrent browser sessions on one server

Run it on an otherwise idle machine: the browser sections share the CPU with the server they
measure.  Nothing here is a test; the numbers are for people.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import os
import platform
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

COLUMNS = ("section", "what", "value", "target", "verdict")


def print_table(rows: list[dict], file=None) -> None:
    print(markdown_table(rows), file=file or sys.stdout)


def markdown_table(rows: list[dict]) -> str:
    cell = lambda s: str(s).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell(r.get(c, "")) for c in COLUMNS) + " |" for r in rows]
    return "\n".join(lines)


def row(section: str, what: str, value: str, target: str = "", verdict: str = "") -> dict:
    return {"section": section, "what": what, "value": value, "target": target, "verdict": verdict}


# ------------------------------------------------------------------ sections


def train(quick: bool) -> list[dict]:
    import bench_train

    sec = "Training throughput (XOR, 5000 epochs)"
    out = []
    for name, seconds, ratio in bench_train.main(["--repeats", "3" if quick else "5"]):
        target = "<= 1.3x bare loop" if name.startswith("lossviz.train") else ""
        verdict = ("met" if ratio <= 1.3 else "MISSED") if target else ""
        out.append(row(sec, name, f"{seconds * 1000:.0f} ms ({ratio:.2f}x bare numpy loop)", target, verdict))
    return out


def batched(quick: bool) -> list[dict]:
    import bench_batched

    sec = "Batched training (XOR, SGD lr 0.1)"
    argv = ["--networks", "50", "--loop", "5"] if quick else []
    (b_name, b_us, b_s), (l_name, l_us, l_s), (_, ratio, target) = bench_batched.main(argv)
    return [
        row(sec, b_name, f"{b_us:.2f} µs per network-epoch ({b_s:.1f} s)"),
        row(sec, l_name, f"{l_us:.2f} µs per network-epoch ({l_s:.1f} s)"),
        row(
            sec,
            "train_many vs the loop, per network-epoch",
            f"{ratio:.1f}x cheaper",
            f">= {target:g}x",
            "met" if ratio >= target else "MISSED",
        ),
    ]


def landscape(quick: bool) -> list[dict]:
    import bench_landscape

    sec = "Why MSE fails: server work per rerun (ms)"
    reps = "5" if quick else "15"
    out = []
    for preset, npts, base, grid, fig, js, total, _best, kib in bench_landscape.main(["--repeats", reps]):
        out.append(
            row(
                sec,
                f"{preset} ({npts} points), 200x200 grid",
                f"total {total:.0f} (grid {grid:.0f}, figures {fig:.0f}, JSON {js:.0f}; {total / base:.1f}x bare "
                f"numpy; {kib:.0f} KiB)",
                f"< {bench_landscape.TARGET_MS:g} ms",
                "met" if total < bench_landscape.TARGET_MS else "MISSED",
            )
        )
    return out


def reruns(quick: bool) -> list[dict]:
    import bench_reruns

    return bench_reruns.main(["--quick"] if quick else [])


def browser(quick: bool) -> list[dict]:
    import bench_browser

    return bench_browser.main(["--quick"] if quick else [])


def load(quick: bool) -> list[dict]:
    import bench_load

    return bench_load.main(["--quick"] if quick else [])


SECTIONS = {
    "train": train,
    "batched": batched,
    "landscape": landscape,
    "reruns": reruns,
    "browser": browser,
    "load": load,
}


# ------------------------------------------------------------------ the machine


def machine_busy_seconds() -> tuple[float, float]:
    """CPU seconds the whole machine has been busy (all cores), and those stolen by the host, from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            vals = [int(v) for v in f.readline().split()[1:]] + [0] * 10
    except OSError:
        return float("nan"), float("nan")
    tick = os.sysconf("SC_CLK_TCK")
    steal = vals[7]
    return (sum(vals[:8]) - vals[3] - vals[4] - steal) / tick, steal / tick


class OwnCpu(threading.Thread):
    """CPU seconds used by this process and everything it starts (servers, Chromium and its renderers).

    Chromium's renderers are not reaped into this process's children times, so /proc is sampled
    every 0.5 s: every process whose parent chain leads here is followed (by pid and start time)
    until it exits.  The last half second of a process's life is missed.
    """

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.seen: dict[tuple[int, int], float] = {}  # (pid, start time) -> CPU seconds

    def sample(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        stats = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    with open(f"/proc/{name}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                stats[int(name)] = (int(fields[1]), int(fields[19]), (int(fields[11]) + int(fields[12])) / tick)
        children: dict[int, list[int]] = {}
        for pid, (ppid, _, _) in stats.items():
            children.setdefault(ppid, []).append(pid)
        todo, mine = [os.getpid()], set()
        while todo:
            pid = todo.pop()
            for child in children.get(pid, ()):
                if child not in mine:
                    mine.add(child)
                    todo.append(child)
        for pid, (_, start, cpu) in stats.items():
            if pid in mine or (pid, start) in self.seen:
                self.seen[(pid, start)] = cpu

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.sample()

    def seconds(self) -> float:
        self.sample()
        t = os.times()
        return t.user + t.system + sum(self.seen.values())


def machine(load_before: float) -> list[str]:
    def version(pkg: str) -> str:
        try:
            return importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    try:
        from tests.browser.conftest import chromium_path

        exe = chromium_path()
        chromium = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception as exc:  # noqa: BLE001 - informational only
        chromium = f"unknown ({exc})"
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=HERE.parent, capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except OSError:
        head = "unknown"
    return [
        f"date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; code at commit {head or 'unknown'}"
        f"; load average (1 min) before the run {load_before:.2f}",
        f"cores (nproc): {os.cpu_count()} ({cpu}); {platform.system()} {platform.release()}",
        f"python {platform.python_version()}; streamlit {version('streamlit')}; plotly {version('plotly')}; "
        f"numpy {version('numpy')}; pandas {version('pandas')}; playwright {version('playwright')}; {chromium}",
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="shorter runs (fewer presses, reruns, repeats)")
    ap.add_argument("--only", default="", help=f"comma list of sections: {','.join(SECTIONS)}")
    ap.add_argument("--out", help="also write the machine lines and the table (markdown) to this file")
    args = ap.parse_args()
    chosen = [s for s in args.only.split(",") if s] or list(SECTIONS)
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        ap.error(f"unknown sections {sorted(unknown)}; choose from {list(SECTIONS)}")

    own = OwnCpu()
    own.start()
    t_all, load_before, busy_before = time.perf_counter(), os.getloadavg()[0], machine_busy_seconds()
    rows: list[dict] = []
    for name in chosen:
        print(f"\n== {name}", flush=True)
        t0 = time.perf_counter()
        try:
            got = SECTIONS[name](args.quick)
        except Exception as exc:  # noqa: BLE001 - one broken section must not hide the others
            traceback.print_exc()
            got = [row(name, "section failed", f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}", "", "FAILED")]
        rows += got
        print(f"== {name}: {time.perf_counter() - t0:.0f} s", flush=True)

    wall = time.perf_counter() - t_all
    busy, steal = (after - before for after, before in zip(machine_busy_seconds(), busy_before, strict=True))
    others = max(0.0, busy - own.seconds())
    own.stop.set()
    took = (
        f"run: {'--quick' if args.quick else 'full'}, {wall:.0f} s in all; other processes on the machine used "
        f"{others:.0f} CPU-s meanwhile ({others / wall:.2f} of {os.cpu_count()} cores) and the host stole {steal:.0f} "
        "CPU-s (both near 0 = undisturbed)"
    )
    head = [*machine(load_before), took]
    text = "\n".join(f"- {h}" for h in head) + "\n\n" + markdown_table(rows) + "\n"
    print("\n" + text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    return 1 if any(r["verdict"].startswith("FAILED") for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
