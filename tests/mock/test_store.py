"""The EnOS job store: deterministic ids, bounded by count and bytes, safe across threads."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from contracts.mock.store import CREATED_BASE_MS, JobStore


def build(job_id: str, created: int) -> dict[str, Any]:
    return {"jobId": job_id, "createTimestamp": created, "desc": "d"}


def test_ids_and_timestamps_come_from_the_seed_and_a_counter() -> None:
    first, second = JobStore(1, 10), JobStore(1, 10)
    assert [first.create("o", build)[0] for _ in range(3)] == [second.create("o", build)[0] for _ in range(3)]
    assert JobStore(2, 10).create("o", build)[0] != JobStore(1, 10).create("o", build)[0]
    assert first.create("o", build)[1]["createTimestamp"] == CREATED_BASE_MS + 4000


def test_jobs_belong_to_their_organization() -> None:
    store = JobStore(0, 10)
    job_id, job = store.create("o1", build)
    assert store.get("o1", job_id) == job and store.get("o2", job_id) is None


def test_count_and_bytes_evict_the_oldest_but_never_a_pinned_job() -> None:
    store = JobStore(0, 2)
    store.pin({"orgId": "o", "jobId": "sample"})
    ids = [store.create("o", build)[0] for _ in range(3)]
    assert [store.get("o", i) is not None for i in ids] == [False, True, True]
    assert store.get("o", "sample") == {"orgId": "o", "jobId": "sample"}
    small = JobStore(0, 100, max_bytes=200)
    kept = [small.create("o", build)[0] for _ in range(5)]
    assert len(small) < 5 and small.get("o", kept[-1]) is not None


def test_a_job_larger_than_the_store_is_refused() -> None:
    with pytest.raises(ValueError, match="larger than the store"):
        JobStore(0, 10, max_bytes=10).create("o", build)


def test_concurrent_creates_get_distinct_ids() -> None:
    store = JobStore(0, 10_000)
    made: list[str] = []
    lock = threading.Lock()

    def create() -> None:
        for _ in range(200):
            job_id, _ = store.create("o", build)
            with lock:
                made.append(job_id)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == len(set(made)) == len(store) == 1600
