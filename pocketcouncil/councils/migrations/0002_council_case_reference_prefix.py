import django.core.validators
from django.db import migrations, models


def fill_prefixes(apps, schema_editor):
    """Give existing councils a distinct prefix from their slug (staff can change it)."""
    Council = apps.get_model("councils", "Council")
    used = set()
    for council in Council.objects.order_by("pk"):
        letters = "".join(ch for ch in council.slug.upper() if ch.isalpha()) or "PC"
        prefix = letters[:3].ljust(2, "X")
        n = 0
        while prefix in used:
            n += 1
            prefix = (letters[:2] + chr(65 + n % 26)).ljust(2, "X")
        used.add(prefix)
        council.case_reference_prefix = prefix
        council.save(update_fields=["case_reference_prefix"])


class Migration(migrations.Migration):
    dependencies = [("councils", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="council",
            name="case_reference_prefix",
            field=models.CharField(default="", max_length=4),
            preserve_default=False,
        ),
        migrations.RunPython(fill_prefixes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="council",
            name="case_reference_prefix",
            field=models.CharField(
                help_text="Starts every case reference, e.g. OXF in OXF-26-000123.",
                max_length=4,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Z]{2,4}$", "Use 2 to 4 capital letters."
                    )
                ],
                verbose_name="reference prefix",
            ),
        ),
    ]
