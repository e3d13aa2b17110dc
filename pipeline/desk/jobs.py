"""Long work of the desk in the background, with progress a page can show.

Converting attachments and publishing the site take seconds to minutes; the desk starts
them in a background thread and sends the person to a progress page that refreshes
itself (``<meta http-equiv="refresh">``, so it works without JavaScript and under the
desk's Content-Security-Policy). A job reports through :class:`JobProgress`, the same
``Progress`` protocol the command line's progress bar implements.

Jobs live in the desk process (``warta desk`` runs one process); a job's page is shown
only to the person who started it. Finished jobs are forgotten after an hour.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import WartaError

LOG = logging.getLogger("warta.desk")
KEEP_SECONDS = 3600


@dataclass
class Job:
    """One piece of background work and how far it is."""

    id: str
    person: str
    kind: str
    state: str = "running"
    """``running``, ``done`` or ``failed``."""
    task: str = ""
    total: int | None = None
    done: int = 0
    result: Any = None
    error: WartaError | None = None
    incident: str = ""
    """The log's id of an unexpected failure (never a traceback on a page)."""
    finished_at: float = 0.0


class JobProgress:
    """:class:`pipeline.progress.Progress` that records into a :class:`Job`."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def start(self, task: str, total: int | None = None) -> None:
        self.job.task, self.job.total, self.job.done = task, total, 0

    def advance(self, steps: int = 1) -> None:
        self.job.done += steps


@dataclass
class Jobs:
    """The desk's running and recently finished jobs."""

    jobs: dict[str, Job] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, person: str, kind: str, work: Callable[[JobProgress], Any]) -> Job:
        """Run ``work`` in a thread; the job records its result, refusal or failure."""
        job = Job(secrets.token_hex(8), person, kind)
        with self.lock:
            self._forget_old()
            self.jobs[job.id] = job

        def run() -> None:
            try:
                job.result = work(JobProgress(job))
                job.state = "done"
            except WartaError as error:
                job.error, job.state = error, "failed"
            except Exception:  # a bug: logged with an id the page shows
                job.incident = secrets.token_hex(4).upper()
                LOG.exception("desk job %s (%s) failed: incident %s", job.id, kind, job.incident)
                job.state = "failed"
            finally:
                job.finished_at = time.monotonic()

        threading.Thread(target=run, name=f"desk-{kind}-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str, person: str) -> Job | None:
        """The job, if it exists and is the person's own."""
        with self.lock:
            job = self.jobs.get(job_id)
        return job if job is not None and job.person == person else None

    def _forget_old(self) -> None:
        now = time.monotonic()
        for key in [
            k for k, j in self.jobs.items() if j.finished_at and now - j.finished_at > KEEP_SECONDS
        ]:
            del self.jobs[key]
