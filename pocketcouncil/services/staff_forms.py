"""Forms for the staff pages where a council edits its own version of a service."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from pocketcouncil.councils.models import Team
from pocketcouncil.services.council_actions import MAX_FAQS, MAX_LINKS

EXTRA_FAQS, EXTRA_LINKS = 2, 2
REPORT_HERE, REPORT_ELSEWHERE = "here", "elsewhere"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 - Django's own argument name
        super().__init__({"class": "govuk-input govuk-input--width-10", **(attrs or {})}, format)


def _rows(data, name: str, *, filled: int, extra: int, most: int, more: bool) -> int:
    """How many rows to show: as many as the page had (its hidden field), or filled + extra
    when it is first shown; ``more`` (the "Add more" button) adds ``extra``."""
    try:
        rows = int((data or {}).get(name, ""))
    except ValueError:
        rows = filled + extra
    if more:
        rows += extra
    return max(1, min(most, rows))


class ServiceContentForm(forms.Form):
    """A council's content for one service. Empty wording fields mean the national text."""

    name = forms.CharField(label=_("Name"), max_length=200)
    summary = forms.CharField(
        label=_("Summary: the short answer residents see first"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    eligibility = forms.CharField(
        label=_("Who can use it"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    how_to = forms.CharField(
        label=_("What to do"),
        help_text=_(
            "Start lines with 1. for steps or - for a list; [words](https://...) for a link."
        ),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    report = forms.ChoiceField(
        label=_("Where do residents report it?"),
        choices=[
            (REPORT_HERE, _("Here, on Pocket Council")),
            (REPORT_ELSEWHERE, _("On our own website")),
        ],
        widget=forms.RadioSelect,
        initial=REPORT_HERE,
    )
    report_url = forms.URLField(
        label=_("Web address of the page on your website"),
        help_text=_("Only if residents report it on your own website, like https://..."),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "govuk-input"}),
    )
    review_by = forms.DateField(
        label=_("Review by"),
        help_text=_(
            "When someone should check this is still right. It is listed as overdue after."
        ),
        required=False,
        widget=DateInput,
    )
    note = forms.CharField(
        label=_("What did you change and why? (optional)"),
        max_length=300,
        required=False,
    )
    # How many question and link rows the page shows travels in hidden inputs "faq_rows" and
    # "link_rows", written by the template from ``faq_count`` and ``link_count``.

    def __init__(self, *args, faqs: int = 0, links: int = 0, more: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.faq_count = _rows(
            self.data,
            "faq_rows",
            filled=faqs,
            extra=EXTRA_FAQS,
            most=MAX_FAQS,
            more=more == "faqs",
        )
        self.link_count = _rows(
            self.data,
            "link_rows",
            filled=links,
            extra=EXTRA_LINKS,
            most=MAX_LINKS,
            more=more == "links",
        )
        faq_names, link_names = [], []
        for i in range(1, self.faq_count + 1):
            self.fields[f"faq_{i}_question"] = forms.CharField(
                label=_("Question %(n)s") % {"n": i}, max_length=300, required=False
            )
            self.fields[f"faq_{i}_answer"] = forms.CharField(
                label=_("Answer %(n)s") % {"n": i},
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            faq_names += [f"faq_{i}_question", f"faq_{i}_answer"]
        for i in range(1, self.link_count + 1):
            self.fields[f"link_{i}_text"] = forms.CharField(
                label=_("Link %(n)s: words") % {"n": i}, max_length=200, required=False
            )
            self.fields[f"link_{i}_url"] = forms.URLField(
                label=_("Link %(n)s: web address") % {"n": i},
                max_length=500,
                required=False,
                assume_scheme="https",
                widget=forms.URLInput(attrs={"class": "govuk-input"}),
            )
            link_names += [f"link_{i}_text", f"link_{i}_url"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "name",
            "summary",
            "eligibility",
            "how_to",
            Fieldset(
                *faq_names,
                HTML(
                    '<button type="submit" name="action" value="more_faqs" class="govuk-button '
                    'govuk-button--secondary" data-module="govuk-button">'
                    + str(_("Add more questions"))
                    + "</button>"
                ),
                legend=_("Common questions"),
            ),
            Fieldset(
                *link_names,
                HTML(
                    '<button type="submit" name="action" value="more_links" class="govuk-button '
                    'govuk-button--secondary" data-module="govuk-button">'
                    + str(_("Add more links"))
                    + "</button>"
                ),
                legend=_("Related links"),
            ),
            "report",
            "report_url",
            "review_by",
            "note",
        )

    @staticmethod
    def initial_for(content: dict, *, service, national_faqs: list[dict]) -> dict:
        """The form's starting values: the council's content, or the national where it has none."""
        initial = {
            name: content[name] or getattr(service, name)
            for name in ("name", "summary", "eligibility", "how_to")
        }
        initial["report"] = REPORT_ELSEWHERE if content["report_url"] else REPORT_HERE
        initial["report_url"] = content["report_url"]
        initial["review_by"] = content["review_by"]
        faqs = content["faqs"] if content["faqs"] is not None else national_faqs
        for i, faq in enumerate(faqs, start=1):
            initial[f"faq_{i}_question"], initial[f"faq_{i}_answer"] = (
                faq["question"],
                faq["answer"],
            )
        for i, link in enumerate(content["links"], start=1):
            initial[f"link_{i}_text"], initial[f"link_{i}_url"] = link["text"], link["url"]
        return initial

    def clean(self):
        data = super().clean()
        if data.get("report") == REPORT_ELSEWHERE and not data.get("report_url"):
            self.add_error(
                "report_url", _("Enter the web address of the page where residents report it")
            )
        for i in range(1, self.faq_count + 1):
            question, answer = data.get(f"faq_{i}_question"), data.get(f"faq_{i}_answer")
            if question and not answer:
                self.add_error(
                    f"faq_{i}_answer", _("Write the answer to question %(n)s") % {"n": i}
                )
            elif answer and not question:
                self.add_error(f"faq_{i}_question", _("Write question %(n)s") % {"n": i})
        for i in range(1, self.link_count + 1):
            text, url = data.get(f"link_{i}_text"), data.get(f"link_{i}_url")
            if text and not url:
                self.add_error(f"link_{i}_url", _("Enter the web address of link %(n)s") % {"n": i})
            elif url and not text:
                self.add_error(f"link_{i}_text", _("Enter the words for link %(n)s") % {"n": i})
        return data

    def content(self) -> dict:
        """The cleaned form as ``council_actions`` content."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "summary": data["summary"],
            "eligibility": data["eligibility"],
            "how_to": data["how_to"],
            "faqs": [
                {"question": data[f"faq_{i}_question"], "answer": data[f"faq_{i}_answer"]}
                for i in range(1, self.faq_count + 1)
                if data.get(f"faq_{i}_question")
            ],
            "links": [
                {"text": data[f"link_{i}_text"], "url": data[f"link_{i}_url"]}
                for i in range(1, self.link_count + 1)
                if data.get(f"link_{i}_text")
            ],
            "report_url": data["report_url"] if data["report"] == REPORT_ELSEWHERE else "",
            "review_by": data["review_by"],
        }


class ServiceSettingsForm(forms.Form):
    """What only council admins change: whether residents see the service, and who owns it."""

    hidden = forms.BooleanField(
        label=_("Hide this service: we do not offer it on Pocket Council"), required=False
    )
    team = forms.ModelChoiceField(
        label=_("Owning team"),
        help_text=_("Empty: the team named in the national content, if you have one by that name."),
        queryset=Team.objects.none(),
        required=False,
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(council=council).order_by("name")
        self.helper = FormHelper()
        self.helper.form_tag = False
