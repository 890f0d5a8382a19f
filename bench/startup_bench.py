"""Start-up benchmark: `longarm --help` and `longarm assess FILE --json` end to end, and where the
time of one `assess` goes (imports, reading the file, the screening index restore, the rules).

    python bench/startup_bench.py          # prints JSON, writes bench/startup.json

Goals: `--help` ≤ 0.25 s and `assess --json` ≤ 0.5 s, median on 2 cores. Each command runs once
to warm the file cache and the screening index cache, then RUNS times; the median is reported.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("BENCH_STARTUP_RUNS", "11"))
EXAMPLE = ROOT / "examples" / "h100-to-china-2024.yaml"

# One `assess`, phase by phase, in a fresh interpreter (the same steps as the command).
PHASES = """
import json, sys, time
t, c = [time.perf_counter()], [time.process_time()]
import longarm.cli
t.append(time.perf_counter()); c.append(time.process_time())
from longarm import inputs
tx = inputs.transaction(inputs.read_document(sys.argv[1]))
t.append(time.perf_counter()); c.append(time.process_time())
from longarm.screening.lists import current
from longarm.screening.match import index_for
index_for(current())
t.append(time.perf_counter()); c.append(time.process_time())
from longarm.assess import assess
d = assess(tx)
t.append(time.perf_counter()); c.append(time.process_time())
d.model_dump_json(indent=2)
from longarm.store import record_quietly
record_quietly("assess", "bench", {"outcome": d.outcome})
t.append(time.perf_counter()); c.append(time.process_time())
names = ["import the command", "read and validate the transaction", "restore the screening index",
         "import the rules and decide", "render and audit"]
print(json.dumps({"wall": {n: b - a for n, a, b in zip(names, t, t[1:])},
                  "cpu": {n: b - a for n, a, b in zip(names, c, c[1:])}}))
"""


def timed(cmd: list[str], env: dict[str, str]) -> tuple[list[float], list[float]]:
    """Wall times and CPU times (user + system of the child: what a busy machine inflates least), sorted."""
    subprocess.run(cmd, capture_output=True, check=True, env=env)  # warm
    times, cpu = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return sorted(times), sorted(cpu)


def measure() -> dict[str, object]:
    """The start-up figures (also written to bench/startup.json)."""
    exe = str(Path(sys.executable).with_name("longarm"))
    home = tempfile.mkdtemp(prefix="longarm-bench-home-")
    env = {**os.environ, "LONGARM_HOME": home}
    load = os.getloadavg()[0]
    help_t, help_cpu = timed([exe, "--help"], env)
    assess_t, assess_cpu = timed([exe, "assess", str(EXAMPLE), "--json"], env)
    phases = []
    for _ in range(RUNS):
        out = subprocess.run(
            [sys.executable, "-c", PHASES, str(EXAMPLE)], capture_output=True, text=True, check=True, env=env
        )
        phases.append(json.loads(out.stdout))
    median_phases = {k: statistics.median(p["wall"][k] for p in phases) for k in phases[0]["wall"]}
    median_cpu = {k: statistics.median(p["cpu"][k] for p in phases) for k in phases[0]["cpu"]}
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cores": os.cpu_count(),
        "runs": RUNS,
        "load_average_1min": load,
        "help_p50_s": statistics.median(help_t),
        "help_max_s": help_t[-1],
        "help_cpu_p50_s": statistics.median(help_cpu),
        "assess_p50_s": statistics.median(assess_t),
        "assess_max_s": assess_t[-1],
        "assess_cpu_p50_s": statistics.median(assess_cpu),
        "assess_phases_p50_s": median_phases,
        "assess_phases_cpu_p50_s": median_cpu,
        "index_restore_share": median_phases["restore the screening index"] / sum(median_phases.values()),
    }
    (ROOT / "bench" / "startup.json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    return result


def rows(r: dict[str, Any]) -> str:
    """The RESULTS.md rows for the start-up figures."""
    p, cpu = r["assess_phases_p50_s"], r.get("assess_phases_cpu_p50_s", {})
    where = ", ".join(
        f"{k} {1e3 * v:.0f} ms" + (f" (CPU {1e3 * cpu[k]:.0f})" if k in cpu else "") for k, v in p.items()
    )
    shared = f", {r['date']}" if r.get("date") else ""
    if r.get("load_average_1min", 0) > 1.5:
        shared += f"; machine shared, load {r['load_average_1min']:.1f}"
    return (
        f"| `longarm --help` (median of {r['runs']}{shared}) | p50 {r['help_p50_s']:.2f} s (CPU "
        f"{r['help_cpu_p50_s']:.2f} s), max {r['help_max_s']:.2f} s | ≤ 0.25 s |\n"
        f"| `longarm assess FILE --json` end to end (median of {r['runs']}{shared}) | p50 {r['assess_p50_s']:.2f} s "
        f"(CPU {r['assess_cpu_p50_s']:.2f} s), max {r['assess_max_s']:.2f} s | ≤ 0.5 s |\n"
        f"| where one `assess` spends its time (`bench/startup_bench.py`) | {where}; index restore "
        f"{r['index_restore_share']:.0%} | |\n"
    )


def main() -> None:
    result = measure()
    print(json.dumps(result, indent=2))
    print(rows(result))


if __name__ == "__main__":
    main()
