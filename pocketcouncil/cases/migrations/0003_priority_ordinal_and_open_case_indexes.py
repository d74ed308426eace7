"""Make priority an ordinal number and index open cases for the staff queue.

Priority was text ("low", "normal", "high", "urgent"); sorting by it needed a CASE expression
no index could serve. It becomes 1-4, converted row by row (a plain ALTER ... TYPE would fail on
PostgreSQL). The queue's indexes become partial indexes over open cases only.
"""

from django.db import migrations, models

OPEN = ["acknowledged", "in_progress", "submitted", "waiting"]
RANKS = {"low": 1, "normal": 2, "high": 3, "urgent": 4}


def to_rank(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    for text, rank in RANKS.items():
        Case.objects.filter(priority_text=text).update(priority=rank)


def to_text(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    for text, rank in RANKS.items():
        Case.objects.filter(priority=rank).update(priority_text=text)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_event_status_choices")]

    operations = [
        migrations.RemoveIndex(model_name="case", name="case_queue"),
        migrations.RemoveIndex(model_name="case", name="case_council_queue"),
        migrations.RemoveIndex(model_name="case", name="case_nearby"),
        migrations.RemoveIndex(model_name="case", name="case_assigned"),
        migrations.RenameField(model_name="case", old_name="priority", new_name="priority_text"),
        migrations.AddField(
            model_name="case",
            name="priority",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "Low"), (2, "Normal"), (3, "High"), (4, "Urgent")],
                default=2,
                verbose_name="priority",
            ),
        ),
        migrations.RunPython(to_rank, to_text),
        migrations.RemoveField(model_name="case", name="priority_text"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status__in", OPEN)),
                fields=["council", "due_at", "received_at", "assigned_to"],
                name="case_open_council",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status__in", OPEN)),
                fields=["team", "due_at", "received_at"],
                name="case_open_team",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status__in", OPEN)),
                fields=["council", "service", "due_at"],
                name="case_open_service",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status__in", OPEN)),
                fields=["council", "ward", "due_at"],
                name="case_open_ward",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status__in", OPEN)),
                fields=["council", "-priority", "due_at"],
                name="case_open_priority",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status__in", OPEN)),
                fields=["assigned_to", "due_at"],
                name="case_open_assigned",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("is_public", True), ("status__in", OPEN)),
                fields=["service", "latitude", "longitude"],
                name="case_open_nearby",
            ),
        ),
    ]
