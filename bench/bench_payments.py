"""Bulky waste: many residents press "Book" for the same day at once.

200 booking attempts for a day with 50 places, run through ``BENCH_PAYMENTS_WORKERS``
(default 40) threads, each with its own database connection, all released together. The
result must be exactly 50 bookings and 150 attempts told "that day has just been fully
booked" (``SlotGoneError``), nothing else. On SQLite the writes queue behind one lock; on
PostgreSQL (``BENCH_DATABASE_URL``) they race for the slot's row.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from common import setup_django

ATTEMPTS = int(os.environ.get("BENCH_PAYMENTS_ATTEMPTS", "200"))
PLACES = int(os.environ.get("BENCH_PAYMENTS_PLACES", "50"))
WORKERS = int(os.environ.get("BENCH_PAYMENTS_WORKERS", "40"))


def _setup() -> None:
    """``BENCH_PAYMENTS_DATABASE_URL``: an existing scratch database of your own (migrated and
    given the demo here), for a PostgreSQL server shared with others; else ``common``."""
    own = os.environ.get("BENCH_PAYMENTS_DATABASE_URL")
    if not own:
        return setup_django()
    os.environ["DATABASE_URL"] = own
    os.environ.setdefault("POCKETCOUNCIL_ENV", "test")
    os.environ["DJANGO_SETTINGS_MODULE"] = "pocketcouncil.test_settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return None


def main() -> None:
    _setup()
    from django.db import connection
    from django.utils import timezone

    from pocketcouncil.accounts.models import User
    from pocketcouncil.councils.models import Council
    from pocketcouncil.payments import bulky
    from pocketcouncil.payments.models import BulkyBooking, BulkyItem, CollectionSlot

    oxford = Council.objects.get(slug="oxford")
    resident = User.objects.get(email="amira.khan@demo.pocketcouncil.example")
    item = BulkyItem.objects.filter(council=oxford).first()
    slot = CollectionSlot.objects.create(
        council=oxford,
        round_name="Bench",
        date=timezone.localdate() + timedelta(days=30),
        capacity=PLACES,
    )
    connection.close()
    start = threading.Barrier(min(WORKERS, ATTEMPTS))
    outcomes: Counter = Counter()
    lock = threading.Lock()
    times: list[float] = []

    def attempt(n: int) -> None:
        from django.db import connection as own

        if n < WORKERS:
            start.wait()
        began = time.perf_counter()
        try:
            bulky.bulky_booking_create(
                council=oxford,
                actor=resident,
                resident=resident,
                slot_id=slot.pk,
                quantities={item.pk: 1},
                address="1 Bench Street",
                submission_key=f"bench-{n}",
            )
            result = "booked"
        except bulky.SlotGoneError as error:
            result = "told the day has gone" if "fully booked" in error.message else "other"
        except Exception as error:  # noqa: BLE001 (counted and shown: must be none)
            result = f"error: {type(error).__name__}"
        finally:
            own.close()
        with lock:
            outcomes[result] += 1
            times.append(time.perf_counter() - began)

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(attempt, range(ATTEMPTS)))
    elapsed = time.perf_counter() - began
    slot.refresh_from_db()
    booked_rows = BulkyBooking.objects.filter(slot=slot).count()
    times.sort()
    print(
        f"{ATTEMPTS} attempts for {PLACES} places, {WORKERS} concurrent connections, "
        f"{connection.vendor}"
    )
    for outcome, count in sorted(outcomes.items()):
        print(f"  {outcome}: {count}")
    print(f"  slot.booked = {slot.booked}, booking rows = {booked_rows}")
    print(
        f"  wall time {elapsed:.2f} s; per attempt median {times[len(times) // 2] * 1000:.0f} ms, "
        f"p95 {times[int(len(times) * 0.95)] * 1000:.0f} ms"
    )
    ok = slot.booked == booked_rows == PLACES and outcomes["booked"] == PLACES
    ok = ok and outcomes["told the day has gone"] == ATTEMPTS - PLACES
    print("  RESULT:", "exactly right" if ok else "WRONG")
