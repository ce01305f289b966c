"""A client for Conveyor's HTTP API: enqueue jobs, and run them in Python with a Worker.

    from conveyor_client import Client, Worker

    client = Client("http://127.0.0.1:8080", api_key="KEY")
    client.enqueue("crm.sync_contact", {"contact_id": 7}, queue="crm")

    worker = Worker(client, queues=["crm"], concurrency=4)

    @worker.handler("crm.sync_contact")
    def sync_contact(job):
        job.progress(0.5, "pushing")
        return {"hubspot_id": "51"}

    worker.run()   # until SIGTERM or SIGINT; running jobs finish first
"""

from .client import AsyncClient, Client
from .errors import ConveyorError, LeaseLost
from .types import Job, KindOptions, Lease, Renewal
from .worker import Discard, JobContext, Snooze, Worker, Cancel

__all__ = [
    "AsyncClient", "Client", "ConveyorError", "LeaseLost", "Job", "KindOptions", "Lease", "Renewal",
    "Worker", "JobContext", "Snooze", "Discard", "Cancel",
]
