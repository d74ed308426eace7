"""Run the cluster's one scheduler: queue periodic jobs (docs/operating.md, "Scheduler").

Start one or two (a standby) anywhere that reaches the database; only the holder of the leader
lock queues anything, and each run is claimed once, so a job never runs twice for one slot.
"""

from __future__ import annotations

import logging
import signal
import threading

from django.core.management.base import BaseCommand

from pocketcouncil.ops import locks, schedule

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Queue periodic jobs (digests, retention, reconciliation, polling) once per interval."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Take one turn (if leader) and stop."
        )
        parser.add_argument(
            "--every", type=float, default=10.0, help="Seconds between turns (default 10)."
        )
        parser.add_argument("--list", action="store_true", help="List the jobs and stop.")

    def handle(self, *args, once=False, every=10.0, list=False, **options):
        if list:
            for job in schedule.jobs():
                self.stdout.write(f"{job.name}: every {job.interval} — {job.description}")
            return
        if every <= 0:
            self.stderr.write("--every must be more than 0 seconds.")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        lock = locks.leader_lock()
        leader = False
        try:
            while not stop.is_set():
                leader = self.turn(lock, leader, raise_errors=once, every=every)
                if once:
                    break
                stop.wait(every)
        except KeyboardInterrupt:
            pass
        finally:
            lock.release()

    def turn(self, lock, leader: bool, *, raise_errors: bool = False, every: float = 10.0) -> bool:
        """One turn: take or keep the lead, and if leading queue what is due. Returns whether
        this scheduler leads."""
        try:
            got = lock.acquire()
            if got != leader:
                self.stdout.write("Leader: queueing jobs." if got else "Standby.")
            if got:
                for name in schedule.tick():
                    self.stdout.write(f"Queued {name}.")
            return got
        except Exception:
            # The database or Redis is away (a restart, a fail-over): say so and try again next
            # turn. Nothing is lost by a missed turn: each job works from the database rows,
            # and a slot not claimed is queued when it can be.
            logger.exception("The scheduler's turn failed; trying again in %s s", every)
            if raise_errors:
                raise
            return leader
