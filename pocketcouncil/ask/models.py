"""Questions residents asked on a council's "Ask us" page that found no good answer, kept so
the council's managers (and the insight work) can see which needs the site does not meet.

No personal data: no user, session or IP address, and postcodes, email addresses, phone
numbers and case references are removed from the text before it is stored (``actions``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pocketcouncil.councils.models import Council


class UnansweredQuestion(models.Model):
    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="unanswered_questions"
    )
    question = models.CharField(_("what they asked (redacted)"), max_length=2000)
    # The best service we could offer (the action the page ended with), if any.
    offered_lgsl = models.PositiveIntegerField(_("service offered"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("unanswered question")
        verbose_name_plural = _("unanswered questions")
        indexes = [models.Index(fields=["council", "-created_at"], name="ask_unanswered_recent")]

    def __str__(self):
        return self.question[:80]
