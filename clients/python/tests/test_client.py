from __future__ import annotations

import time

import pytest

from conveyor_client import AsyncClient, Client, ConveyorError, LeaseLost


def test_enqueue_one_and_many_with_duplicates(server) -> None:
    with Client(server.url, api_key="admin-key-for-tests") as client:
        first = client.enqueue("py.sync_contact", {"contact_id": 1}, queue="py", unique={"by": "args"})
        again = client.enqueue("py.sync_contact", {"contact_id": 1}, queue="py", unique={"by": "args"})
        assert not first.duplicate and again.duplicate and again.id == first.id
        many = client.enqueue_many([{"kind": "py.bulk", "queue": "other", "args": {"n": n}} for n in range(3)])
        assert [job.args["n"] for job in many] == [0, 1, 2] and all(job.state == "available" for job in many)


def test_a_fetched_job_reports_progress_completes_once_and_a_stale_lease_is_refused(server) -> None:
    with Client(server.url, api_key="admin-key-for-tests") as admin, Client(server.url, api_key="work-key-for-tests") as worker:
        job = admin.enqueue("py.lease", {"x": 1}, queue="py")
        leases = worker.fetch("py-test-1", ["py"], kinds=["py.lease"], limit=5, wait=1)
        assert [lease.job.id for lease in leases] == [job.id]
        lease = leases[0]
        assert lease.job.state == "executing" and lease.job.attempt == 1
        worker.progress(lease.token, 0.5, "halfway", {"step": 2})
        assert admin.job(job.id).meta.get("progress") == 0.5
        done = worker.complete(lease.token, {"hubspot_id": "51"})
        assert done.state == "completed" and done.result == {"hubspot_id": "51"}
        with pytest.raises(LeaseLost) as refused:
            worker.complete(lease.token, {"again": True})
        assert refused.value.status == 409


def test_a_failed_attempt_is_retried_by_the_jobs_backoff(server) -> None:
    with Client(server.url, api_key="admin-key-for-tests") as admin, Client(server.url, api_key="work-key-for-tests") as worker:
        job = admin.enqueue("py.flaky", {}, queue="py", max_attempts=3)
        lease = worker.fetch("py-test-2", ["py"], kinds=["py.flaky"], wait=1)[0]
        failed = worker.fail(lease.token, "HubSpot answered 502", retry_in=0)
        assert failed.state in ("available", "retryable") and failed.errors[-1]["message"] == "HubSpot answered 502"
        again = worker.fetch("py-test-2", ["py"], kinds=["py.flaky"], wait=2)
        assert [(lease.job.id, lease.job.attempt) for lease in again] == [(job.id, 2)]
        assert worker.discard(again[0].token, "gave up").state == "discarded"


def test_keys_reach_only_their_queues_and_a_read_key_cannot_lease(server) -> None:
    with Client(server.url, api_key="read-key-for-tests") as reader:
        with pytest.raises(ConveyorError) as refused:
            reader.fetch("py-test-3", ["py"], wait=0)
        assert refused.value.status == 403
    with Client(server.url, api_key="py-only-key-for-tests") as narrow:
        with pytest.raises(ConveyorError) as refused:
            narrow.fetch("py-test-3", ["other"], wait=0)
        assert refused.value.status == 403 and refused.value.code == "forbidden"


def test_a_bad_request_names_its_field(server) -> None:
    with Client(server.url, api_key="work-key-for-tests") as worker:
        with pytest.raises(ConveyorError) as refused:
            worker.fetch("not a name!", ["py"], wait=0)
        assert refused.value.status == 400 and refused.value.field == "worker"


async def test_the_asyncio_client_does_the_same(server) -> None:
    async with AsyncClient(server.url, api_key="admin-key-for-tests") as admin, AsyncClient(server.url, api_key="work-key-for-tests") as worker:
        job = await admin.enqueue("py.async", {"n": 7}, queue="other")
        started = time.monotonic()
        leases = await worker.fetch("py-test-4", ["other"], kinds=["py.async"], wait=2)
        assert [lease.job.id for lease in leases] == [job.id] and time.monotonic() - started < 2
        renewal = await worker.heartbeat("py-test-4", ["other"], [leases[0].token])
        assert renewal.cancelled == [] and renewal.lost == []
        done = await worker.complete(leases[0].token, {"doubled": 14})
        assert done.result == {"doubled": 14}
