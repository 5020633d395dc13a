"""EnOS command jobs as createJob stored them.

Seeded jobs (the docs sample) are pinned; created jobs are capped by count
and by serialised size, oldest first out, so a long fuzzing run cannot grow
the mock without bound. Ids and timestamps come from a per-seed counter, never
the clock, so a replay answers alike.

Created jobs are kept serialised: under a stream of createJob calls the store
holds thousands of jobs, and as nested dicts every full collection of the
garbage collector walked them all (a pause of tens of milliseconds, the
mock's p99); as bytes they are one untracked object each, and reading one
back is a fast parse.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any, Callable, Mapping

from ..core.http import loads
from .replies import dumps

MAX_STORE_BYTES = 64 * 1024 * 1024
# The docs sample's createTimestamp; created jobs follow it a second apart.
CREATED_BASE_MS = 1_718_952_422_050


class JobStore:
    """(orgId, jobId) -> the stored job. Safe under concurrent requests."""

    def __init__(self, seed: int, max_jobs: int, max_bytes: int = MAX_STORE_BYTES) -> None:
        self.seed = seed
        self.max_jobs = max_jobs
        self.max_bytes = max_bytes
        self._pinned: dict[tuple[str, str], dict[str, Any]] = {}
        self._jobs: OrderedDict[tuple[str, str], bytes] = OrderedDict()  # oldest first
        self._bytes = 0
        self._count = 0
        self._lock = threading.Lock()

    def pin(self, job: Mapping[str, Any]) -> None:
        """Keep a seeded job whatever the traffic."""
        self._pinned[(str(job.get("orgId", "")), str(job.get("jobId", "")))] = dict(job)

    def create(self, org_id: str, build: Callable[[str, int], dict[str, Any]]) -> tuple[str, dict[str, Any]]:
        """Allocate the next id and timestamp, store ``build(job_id, create_timestamp)``.

        Raises ValueError when the job cannot be serialised (it could never be served back).
        """
        with self._lock:
            n = self._count
            job_id = self.job_id(n)
            job = build(job_id, CREATED_BASE_MS + 1000 * (n + 1))
            stored = dumps(job)
            if len(stored) > self.max_bytes:
                raise ValueError(f"the job is larger than the store ({self.max_bytes} bytes)")
            self._count = n + 1
            self._jobs[(org_id, job_id)] = stored
            self._bytes += len(stored)
            while len(self._jobs) > self.max_jobs or self._bytes > self.max_bytes:
                _, evicted = self._jobs.popitem(last=False)
                self._bytes -= len(evicted)
            return job_id, job

    def get(self, org_id: str, job_id: str) -> dict[str, Any] | None:
        """A fresh copy of the stored job (integers beyond 64 bits kept exact), or None."""
        found = self._jobs.get((org_id, job_id))
        if found is not None:
            job: dict[str, Any] = loads(found)
            return job
        return self._pinned.get((org_id, job_id))

    def job_id(self, n: int) -> str:
        """The id of the n-th created job under this seed."""
        return hashlib.blake2b(f"{self.seed}:{n}".encode(), digest_size=8).hexdigest()

    def __len__(self) -> int:
        return len(self._jobs)
