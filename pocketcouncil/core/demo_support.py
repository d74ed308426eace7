"""Helpers for loading demonstration data idempotently.

``manage.py load_demo`` calls ``load(report)`` in every installed app's ``demo`` module, in the
order of ``INSTALLED_APPS`` (which follows the dependency direction). Each app writes through
``upsert`` so that running the loader again changes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import models


@dataclass
class DemoReport:
    """Counts what the loader created, changed and left alone, per model."""

    created: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        names = sorted({*self.created, *self.changed, *self.unchanged})
        return [
            f"{name}: {self.created[name]} created, {self.changed[name]} changed, "
            f"{self.unchanged[name]} unchanged"
            for name in names
        ]

    @property
    def total_changes(self) -> int:
        return sum(self.created.values()) + sum(self.changed.values())


def upsert(
    model: type[models.Model], *, lookup: dict, values: dict, report: DemoReport
) -> models.Model:
    """Create the row, or bring it in line with ``values``; save only if something differs."""
    label = model._meta.verbose_name_plural
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        report.created[label] += 1
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        report.unchanged[label] += 1
        return instance
    for name in changed:
        setattr(instance, name, values[name])
    instance.full_clean()
    instance.save()
    report.changed[label] += 1
    return instance
