"""REST API benchmark: `longarm serve` over loopback, driven at a fixed request rate.

    python bench/api_bench.py [--seconds 60] [--soak 600] [--batch-rows 1000000] > bench/api.json

A small asyncio client on keep-alive connections sends requests on a fixed schedule (open loop:
a request's latency counts from when it was due, so a stalled server cannot hide its queue) and
reports throughput and latency percentiles for:

1. POST /v1/assess at 300 requests/s (the scenario transactions, in turn);
2. GET /v1/screen at 500 requests/s (party names from the example order book and variants);
3. POST /v1/assess at 300 requests/s while a 1M-row order book runs as a batch job;
4. a soak at 300 requests/s sampling the server's resident memory;
5. the same transactions decided in-process, for the ratio of HTTP to library throughput.

The client runs on the same machine as the server: both share its cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
LONGARM = Path(sys.executable).with_name("longarm")


def transactions() -> list[dict]:
    from test_scenarios import CASES

    return [json.loads(json.dumps(data, default=str)) for _, data, _, _ in CASES]


def names() -> list[tuple[str, str]]:
    import csv

    with (ROOT / "examples" / "order-book.csv").open(encoding="utf-8") as f:
        rows = [(r.get("end_user") or "", r.get("end_user_country") or "") for r in csv.DictReader(f)]
    base = [r for r in rows if r[0] and r[1] != "XX"] + [
        ("华为技术有限公司", "CN"),
        ("Huawei Technologies", ""),
        ("SMIC", "CN"),
    ]
    out = []
    for i in range(400):  # distinct spellings, so the server's caches do not make it trivial
        name, country = base[i % len(base)]
        out.append((name if i < len(base) else f"{name} {['Ltd', 'GmbH', 'Co', 'Inc', 'LLC'][i % 5]} {i}", country))
    return out


class Client:
    """HTTP/1.1 keep-alive connections, one request at a time each."""

    def __init__(self, host: str, port: int, token: str, connections: int):
        self.host, self.port, self.token, self.n = host, port, token, connections
        self.pool: asyncio.Queue = asyncio.Queue()

    async def open(self) -> None:
        for _ in range(self.n):
            self.pool.put_nowait(await asyncio.open_connection(self.host, self.port))

    def request(self, method: str, path: str, body: bytes | None = None) -> bytes:
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer {self.token}\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        return head.encode() + b"\r\n" + (body or b"")

    async def send(self, raw: bytes) -> int:
        reader, writer = await self.pool.get()
        try:
            writer.write(raw)
            status_line = await reader.readline()
            if not status_line:  # the server closed an idle keep-alive connection: reconnect once
                writer.close()
                reader, writer = await asyncio.open_connection(self.host, self.port)
                writer.write(raw)
                status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            return int(status_line.split()[1])
        finally:
            self.pool.put_nowait((reader, writer))


async def drive(client: Client, requests: list[bytes], rate: float, seconds: float, sample=None) -> dict:
    """Send requests (in turn) at `rate` per second for `seconds`; latencies from the due time."""
    latencies: list[float] = []
    codes: dict[int, int] = {}
    start = time.perf_counter()
    total = int(rate * seconds)
    tasks = []

    async def one(i: int, due: float) -> None:
        try:
            code = await asyncio.wait_for(client.send(requests[i % len(requests)]), 60)
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            code = 0  # no answer within a minute, or the connection failed
            client.pool.put_nowait(await asyncio.open_connection(client.host, client.port))
        latencies.append(time.perf_counter() - due)
        codes[code] = codes.get(code, 0) + 1

    next_sample = start
    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, due)))
        if sample and time.perf_counter() >= next_sample:
            sample()
            next_sample += 10
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    latencies.sort()
    pct = lambda p: round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 2)  # noqa: E731
    return {
        "target_rps": rate,
        "requests": total,
        "seconds": round(elapsed, 1),
        "achieved_rps": round(total / elapsed, 1),
        "p50_ms": pct(0.50),
        "p90_ms": pct(0.90),
        "p99_ms": pct(0.99),
        "max_ms": round(1000 * latencies[-1], 2),
        "mean_ms": round(1000 * statistics.fmean(latencies), 2),
        "status_codes": codes,
    }


def make_book(path: Path, rows: int, parties: int = 50_000, seed: int = 1) -> None:
    """An order book: `parties` customers (one in fifty a listed name) buying catalogue chips."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    countries = np.array(["CN", "DE", "SG", "VN", "MY", "IN", "AE", "JP", "US", "HK", "SA", "TW", "KR", "FR", "BR"])
    chips = np.array(
        ["nvidia-h100-sxm", "nvidia-h20", "nvidia-rtx-4090", "amd-mi300x", "nvidia-a100-sxm", "nvidia-h200"]
    )
    listed = ["Huawei Technologies Co., Ltd.", "Semiconductor Manufacturing International Corporation", "Inspur Group"]
    names = np.array([f"Customer {p:05d} Trading Co., Ltd." for p in range(parties)], dtype=object)
    names[::50] = [listed[i % 3] for i in range(len(names[::50]))]
    home = rng.integers(0, len(countries), size=parties)
    who = rng.integers(0, parties, size=rows)
    pl.DataFrame(
        {
            "order_id": [f"o{i}" for i in range(rows)],
            "as_of": rng.choice(np.array(["2024-06-01", "2025-06-01", "2026-11-28"]), size=rows),
            "from_country": "US",
            "to_country": countries[home[who]],
            "catalog_id": rng.choice(chips, size=rows),
            "origin_country": "US",
            "end_user": names[who],
            "end_user_country": countries[home[who]],
        }
    ).write_csv(path)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def server_pid(port: int) -> int:
    """The uvicorn process listening on `port` (the `longarm serve` process itself with one worker)."""
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
    return int(out.split("pid=")[1].split(",")[0])


def in_process(txs: list[dict], seconds: float = 10) -> dict:
    from longarm.assess import assess
    from longarm.inputs import transaction

    for t in txs:
        assess(transaction(t)).model_dump_json()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        assess(transaction(txs[n % len(txs)])).model_dump_json()
        n += 1
    elapsed = time.perf_counter() - start
    return {"calls": n, "per_s": round(n / elapsed, 1), "mean_ms": round(1000 * elapsed / n, 3)}


async def max_throughput(client: Client, requests: list[bytes], seconds: float) -> dict:
    """Closed loop: every connection sends its next request as soon as the last one is answered."""
    done, end = 0, time.perf_counter() + seconds

    async def loop(k: int) -> None:
        nonlocal done
        i = k
        while time.perf_counter() < end:
            await client.send(requests[i % len(requests)])
            done, i = done + 1, i + client.n

    start = time.perf_counter()
    await asyncio.gather(*(loop(k) for k in range(client.n)))
    return {"connections": client.n, "rps": round(done / (time.perf_counter() - start), 1)}


async def main_async(args: argparse.Namespace) -> dict:
    home = Path(tempfile.mkdtemp(prefix="longarm-api-bench-"))
    store = home / "longarm.sqlite"
    env = {**os.environ, "LONGARM_HOME": str(home)}
    token = subprocess.run(
        [
            str(LONGARM),
            "keys",
            "create",
            "--name",
            "bench",
            "--role",
            "analyst",
            "--rate",
            "100000000",
            "--store",
            str(store),
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()
    port = 18000 + os.getpid() % 1000
    server = subprocess.Popen(
        [
            str(LONGARM),
            "serve",
            "--port",
            str(port),
            "--store",
            str(store),
            "--workers",
            str(args.workers),
            "--max-upload-mb",
            "2048",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import httpx

    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    result: dict = {"machine": {"cores": os.cpu_count(), "load_before": os.getloadavg(), "workers": args.workers}}
    try:
        client = Client("127.0.0.1", port, token, args.connections)
        await client.open()
        txs = transactions()
        assess_reqs = [client.request("POST", "/v1/assess", json.dumps(t).encode()) for t in txs]
        screen_reqs = [
            client.request("GET", f"/v1/screen?name={quote(n)}" + (f"&country={c}" if c else "")) for n, c in names()
        ]
        await drive(client, assess_reqs + screen_reqs, 100, 5)  # warm up both paths
        pid = server_pid(port)

        async def fresh() -> Client:
            c = Client("127.0.0.1", port, token, args.connections)
            await c.open()
            return c

        phases = set(args.phases.split(","))
        if "assess" in phases:
            client = await fresh()
            result["assess"] = await drive(client, assess_reqs, args.assess_rps, args.seconds)
            print(json.dumps(result["assess"]), file=sys.stderr, flush=True)
        if "screen" in phases:
            client = await fresh()
            result["screen"] = await drive(client, screen_reqs, args.screen_rps, min(args.seconds, 30))
        if "max" in phases:
            client = await fresh()
            result["assess_max"] = await max_throughput(client, assess_reqs, 10)
            result["screen_max"] = await max_throughput(client, screen_reqs, 10)
            result["in_process_assess"] = in_process(txs)
            result["ratio_http_to_in_process"] = round(
                result["assess_max"]["rps"] / result["in_process_assess"]["per_s"], 3
            )
        if args.batch_rows and "batch" in phases:
            book = home / "book.csv"
            make_book(book, args.batch_rows)
            with httpx.Client(
                base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"}, timeout=600
            ) as h:
                with book.open("rb") as f:
                    job = h.post("/v1/batches", files={"file": ("book.csv", f, "text/csv")}).json()["id"]
                t0 = time.perf_counter()
                while h.get(f"/v1/batches/{job}").json()["status"] == "queued":
                    await asyncio.sleep(0.2)
                during = await drive(await fresh(), assess_reqs, args.assess_rps, args.seconds)
                status = h.get(f"/v1/batches/{job}").json()
                during["batch_rows_done_at_end"] = status["rows_done"]
                during["batch_status_at_end"] = status["status"]
                while status["status"] in ("queued", "running"):
                    await asyncio.sleep(1)
                    status = h.get(f"/v1/batches/{job}").json()
                during["batch_seconds"] = round(time.perf_counter() - t0, 1)
                during["batch_final"] = {k: status[k] for k in ("status", "rows_done", "rows_total")}
                result["assess_during_batch"] = during
                print(json.dumps(during), file=sys.stderr, flush=True)
        if args.soak and "soak" in phases:
            client = await fresh()
            samples: list[tuple[float, float]] = []
            t0 = time.perf_counter()
            soak = await drive(
                client,
                assess_reqs,
                args.assess_rps,
                args.soak,
                sample=lambda: samples.append((round(time.perf_counter() - t0), rss_mib(pid))),
            )
            samples.append((round(time.perf_counter() - t0), rss_mib(pid)))
            soak["rss_mib"] = [[t, round(m, 1)] for t, m in samples]
            result["soak"] = soak
    finally:
        server.terminate()
        server.wait(timeout=60)
    result["machine"]["load_after"] = os.getloadavg()
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--assess-rps", type=float, default=300)
    ap.add_argument("--screen-rps", type=float, default=500)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--batch-rows", type=int, default=1_000_000)
    ap.add_argument("--soak", type=float, default=600)
    ap.add_argument("--phases", default="assess,screen,max,batch,soak", help="which of them to run")
    args = ap.parse_args()
    print(json.dumps(asyncio.run(main_async(args)), indent=2))


if __name__ == "__main__":
    main()
