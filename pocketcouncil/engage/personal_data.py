"""What engage registers in the personal data register (see accounts/personal_data.py).

Survey answers are registered: they can hold free text and files about the person. Erasing
someone deletes their unsent drafts and every file they attached, and detaches their sent
answers from their account, so the counts stay true but nothing leads back to them.

Engage's other models (poll votes, ideas, comments, ballots, statements) are not registered yet.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def _anonymise_survey_responses(queryset) -> None:
    from pocketcouncil.engage.models import SurveyFile, SurveyResponseState

    for stored in SurveyFile.objects.filter(response__in=queryset):
        stored.file.delete(save=False)
        stored.delete()
    queryset.filter(state=SurveyResponseState.DRAFT).delete()
    queryset.update(user=None)


def register() -> None:
    from pocketcouncil.accounts import personal_data
    from pocketcouncil.engage.models import SurveyResponse

    personal_data.register(
        SurveyResponse,
        owner="user",
        fields={
            "answers": _(
                "Why we hold it: your answers to a council survey, so the council can count "
                "them and read what you said (it sees them without your name)."
            ),
            "ward_name": _(
                "Why we hold it: the ward you lived in when you sent your answers, so the "
                "council can see which areas took part."
            ),
            "level": _(
                "Why we hold it: how much of your identity was checked when you sent your "
                "answers, so the council can see how sure it can be of the results."
            ),
        },
        title=_("Your survey answers"),
        anonymise=_anonymise_survey_responses,
        technical={
            "id",
            "council",
            "survey",
            "user",
            "state",
            "is_paper",
            "paper_reference",
            "entered_by",
            "ward",
            "created_at",
            "updated_at",
            "submitted_at",
        },
    )
