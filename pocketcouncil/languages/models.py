"""A council's Welsh Language Standards setting.

A council in Wales must not treat Welsh less favourably than English. When it has a setting here,
everything it sends is bilingual unless the resident chose Welsh (then it is in Welsh only), and
``layout`` says how the two languages sit together. Councils without a row (in England) write in
the resident's language.

Kept in this app (one row per council) rather than as a field on ``Council`` so that the councils
app needs no migration for it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Layout(models.TextChoices):
    WELSH_FIRST = "welsh_first", _("Welsh first: the Welsh above the English")
    SIDE_BY_SIDE = "side_by_side", _("Side by side: Welsh on the left, English on the right")


class WelshLanguageStandard(models.Model):
    council = models.OneToOneField(
        "councils.Council", on_delete=models.CASCADE, related_name="welsh_language_standard"
    )
    layout = models.CharField(
        _("bilingual layout"),
        max_length=20,
        choices=Layout.choices,
        default=Layout.WELSH_FIRST,
        help_text=_(
            "How Welsh and English sit together in emails, texts and notifications sent to "
            "residents who have not chosen Welsh. Residents who chose Welsh get Welsh only."
        ),
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Welsh Language Standards setting")
        verbose_name_plural = _("Welsh Language Standards settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(layout__in=Layout.values), name="welsh_standard_layout_valid"
            )
        ]

    def __str__(self):
        return f"{self.council}: {self.get_layout_display()}"
