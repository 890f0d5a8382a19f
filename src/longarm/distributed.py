"""Scale-out on a Dask distributed cluster: the same partition function, many machines.

`scheduler` is the address of a running Dask scheduler (`tcp://host:8786`) — started by hand
(`dask scheduler`, `dask worker ADDRESS`), by dask-kubernetes on Kubernetes or by dask-yarn on
YARN; without one a LocalCluster of worker processes is started for the run and ends with it.

Before any work every worker is asked for its longarm version, ruleset fingerprint and list in
service: a worker with another longarm or ruleset stops the run (exit 2, naming the worker); a
worker with another list gets the run's list, shipped once with the work. What each worker said
is recorded in the run record.
"""

from __future__ import annotations

import os
from typing import Any

from longarm.errors import InputError, Problem


def worker_facts() -> dict[str, Any]:
    """What a worker would decide with: code version, ruleset and list in service."""
    import json

    from longarm import __version__
    from longarm.params import fingerprint
    from longarm.screening.lists import current

    lst = current()
    return {
        "longarm_version": __version__,
        "ruleset": json.dumps(fingerprint(), sort_keys=True, default=str),
        "lists_version": lst.version,
        "lists_sha256": lst.digest,
        "pid": os.getpid(),
    }


def watch_parent(pid: int) -> None:
    """End this (worker or nanny) process when the run's process `pid` is gone: a killed run
    leaves no worker behind."""
    import threading
    import time

    def watch() -> None:
        while True:
            time.sleep(0.5)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass

    threading.Thread(target=watch, daemon=True, name="longarm-watch-parent").start()


def decide_with_list(task: Any, shipped: dict[str, Any]) -> Any:
    """`decide_partition` on a worker that may need the run's list put in service first."""
    import dataclasses

    from longarm.batch import decide_partition

    return decide_partition(dataclasses.replace(task, shipped_list=shipped))


class DaskEngine:
    """A Dask client for one run: the cluster checked, partitions submitted and collected."""

    def __init__(self, scheduler: str | None, workers: int | None = None):
        import json

        from dask.distributed import Client, LocalCluster

        from longarm import __version__
        from longarm.params import fingerprint

        self.cluster = None
        self.shipped: Any = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError, ValueError) as e:
                raise InputError(
                    Problem(
                        "--scheduler",
                        f"cannot reach the Dask scheduler at {scheduler} ({type(e).__name__}: {e}); check the address "
                        "and that `dask scheduler` (or your cluster) is running",
                    )
                ) from None
        else:
            self.cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            self.client = Client(self.cluster)
            self.client.run(watch_parent, os.getpid())
            self.client.run(watch_parent, os.getpid(), nanny=True)
        try:
            facts = self.client.run(worker_facts)
        except Exception as e:  # a worker that cannot import longarm
            self.close(True)
            raise InputError(
                Problem(
                    "--scheduler", f"the Dask workers cannot run longarm ({e}); install longarm {__version__} on them"
                )
            ) from None
        if not facts:
            self.close(True)
            raise InputError(Problem("--scheduler", f"the Dask cluster at {scheduler} has no workers; start some"))
        ours = json.dumps(fingerprint(), sort_keys=True, default=str)
        for addr, f in facts.items():
            if f["longarm_version"] != __version__ or f["ruleset"] != ours:
                self.close(True)
                raise InputError(
                    Problem(
                        "--scheduler",
                        f"worker {addr} runs longarm {f['longarm_version']} with another ruleset; install longarm "
                        f"{__version__} (this one) on every worker",
                    )
                )
        self.facts = {a: {k: v for k, v in f.items() if k != "ruleset"} for a, f in facts.items()}
        self.workers = len(facts)

    def ship(self, lst: Any) -> None:
        """Send the run's list, once, when some worker does not have it in service."""
        if all(f["lists_sha256"] == lst.digest for f in self.facts.values()):
            return
        from longarm.screening.lists import bundled

        if lst.digest == bundled().digest:
            from importlib import resources

            data = resources.files("longarm.data").joinpath("ecfr/screening-list.json").read_bytes()
        else:
            from longarm.screening.lists import lists_dir

            data = (lists_dir() / (lists_dir() / "current").read_text("utf-8").strip() / "list.json").read_bytes()
        self.shipped = self.client.scatter([{"data": data, "version": lst.version}], broadcast=True)[0]

    def submit(self, task: Any) -> Any:
        from longarm.batch import decide_partition

        if self.shipped is not None:  # a top-level argument: the worker receives the value
            return self.client.submit(decide_with_list, task, self.shipped, pure=False)
        return self.client.submit(decide_partition, task, pure=False)

    def wait_one(self, pending: list[Any]) -> list[Any]:
        from dask.distributed import wait

        return list(wait(pending, return_when="FIRST_COMPLETED").done)

    def close(self, failed: bool) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()
