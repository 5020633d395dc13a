"""EnOS Connect Service v2.5 command jobs: createJob stores, getJob reads back.

EnOS answers everything with HTTP 200; failure is ``code: -1`` with a
``msg`` naming what is wrong (the docs only say non-zero / "-1: failed").
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Iterable, Mapping, Sequence

from ..core.classify import Violation
from ..core.spec import Operation
from .faults import ENOS_ERROR_AS_SUCCESS, GETJOB_MISMATCH
from .replies import Call, Reply, dumps
from .schemas import fill_defaults, prune, resolved, success_schema
from .store import JobStore
from .vendor import Setup, Vendor, describe, docs_sample

FAILED = -1
JOB_STATUS = "ENABLED"  # the only status the docs show
# The order of the getJob sample.
JOB_FIELDS = ("orgId", "jobId", "name", "targetScope", "schedulePolicy", "timeoutPolicy", "retryPolicy", "desc",
              "status", "commandInfo", "createTimestamp")


def request_id() -> str:
    return str(uuid.uuid4())


class EnosVendor(Vendor):
    name = "EnOS"
    operations = frozenset({"createJob", "getJob"})

    def __init__(self, setup: Setup, operations: Iterable[Operation]) -> None:
        super().__init__(setup, operations)
        self.store = JobStore(setup.seed, setup.max_jobs)
        get_job = self.ops.get("getJob")
        if get_job is not None:
            self._pin_sample(get_job)

    def _pin_sample(self, get_job: Operation) -> None:
        """The docs' getJob sample, stored as the table documents it (the misnamed
        ``measurepointSetInfo`` is not a CommandInfo member, so it is not kept)."""
        sample = docs_sample(get_job)
        if not isinstance(sample, dict) or not isinstance(sample.get("data"), dict):
            return
        data_schema = (success_schema(get_job) or {}).get("properties", {}).get("data")
        self.store.pin(prune(get_job.spec, data_schema, sample["data"]))

    # -- the error dialect ---------------------------------------------------------
    def failure(self, message: str) -> Reply:
        code = 0 if self.setup.has(ENOS_ERROR_AS_SUCCESS) else FAILED
        return Reply(200, dumps({"code": code, "msg": message, "requestId": request_id(), "data": None}))

    def reject(self, call: Call | None, problems: Sequence[Violation]) -> Reply:
        return self.failure(describe(problems))

    def internal_error(self) -> Reply:
        return self.failure("internal error")

    def unroutable(self, method: str, path: str, query: Mapping[str, list[str]],
                   candidates: Sequence[Operation]) -> Reply:
        actions = "; ".join(f"{op.method.upper()} action={op.discriminators.get('action', '?')}"
                            for op in candidates)
        given = query.get("action")
        if not given:
            return self.failure(f"action: mandatory query parameter 'action' is missing (documented: {actions})")
        return self.failure(f"action: {given[-1]!r} is not a {method} action (documented: {actions})")

    # -- operations ------------------------------------------------------------------
    def op_create_job(self, call: Call) -> Reply:
        op = call.op
        try:  # the standard library keeps integers beyond 64 bits exact (orjson makes them floats)
            body = json.loads(call.body or b"")
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}  # only reachable under accept-invalid
        schema = _request_schema(op)
        fields = fill_defaults(op.spec, schema, prune(op.spec, schema, body))
        org_id = call.arg("orgId") or ""

        def build(job_id: str, created: int) -> dict[str, Any]:
            job = {"orgId": org_id, "jobId": job_id, **fields, "status": JOB_STATUS, "createTimestamp": created}
            return {key: job[key] for key in JOB_FIELDS if key in job}

        try:
            job_id, _ = self.store.create(org_id, build)
        except ValueError as exc:
            return self.failure(f"body: {exc}")
        return self.success(op, {"code": 0, "msg": "OK", "requestId": request_id(), "data": job_id})

    def op_get_job(self, call: Call) -> Reply:
        org_id = call.arg("orgId") or ""
        job_id = call.arg("jobId") or ""
        job = self.store.get(org_id, job_id)
        if job is None:
            return self.failure(f"jobId: no job {job_id!r} in organization {org_id!r}")
        if self.setup.has(GETJOB_MISMATCH):
            job = _mismatched(job)
        return self.success(call.op, {"code": 0, "msg": "OK", "requestId": request_id(), "data": job})


def _request_schema(op: Operation) -> dict[str, Any]:
    if op.request_body is None:
        return {}
    media = op.request_body.content.get("application/json")
    return resolved(op.spec, media.schema) if media is not None else {}


def _mismatched(job: dict[str, Any]) -> dict[str, Any]:
    """The job with another (still valid) inProgressTimeoutInSeconds than was stored."""
    policy = job.get("timeoutPolicy")
    policy = dict(policy) if isinstance(policy, dict) else {}
    old = policy.get("inProgressTimeoutInSeconds")
    policy["inProgressTimeoutInSeconds"] = old % 900 + 1 if isinstance(old, int) and not isinstance(old, bool) else 31
    return {**job, "timeoutPolicy": policy}
