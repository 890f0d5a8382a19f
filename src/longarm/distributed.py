"""Scale-out on a Dask distributed cluster: the same partition function, many machines.

`scheduler` is a Dask scheduler address (`tcp://host:8786`); without one a LocalCluster of
one worker process per core is started for the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def map_partitions(
    func: Callable[[Any], T], items: Sequence[tuple[int, Any]], scheduler: str | None = None
) -> Iterator[tuple[int, T]]:
    """(key, func(partition)) for every (key, partition), as the cluster finishes them."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as e:  # pragma: no cover - dask is a dependency; kept for a clear message
        raise RuntimeError("the dask engine needs dask[distributed] (pip install 'dask[distributed]')") from e
    cluster = None
    if scheduler:
        client = Client(scheduler, timeout="30s")
    else:
        import os

        cluster = LocalCluster(
            n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    try:
        futures = {client.submit(func, part, pure=False): key for key, part in items}
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
