"""The service content files: read and checked, applied by a command that says what changed."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from pocketcouncil.services import content
from pocketcouncil.services.models import Service, ServiceAttribute, ServiceFAQ

BIN_SERVICE = """
[[service]]
lgsl = 524
name = "Bins"
tier = "district"
team_name = "Waste and recycling"
summary = "Bins."
synonyms = ["missed bin", " bin day "]

[[service.faq]]
question = "When?"
answer = "Soon."

[[service.form]]
use = "where"
order = 3

[[service.form]]
code = "bin_type"
label = "Which bin?"
datatype = "singlevaluelist"
required = true
choices = ["Food waste", "Garden waste"]
"""


def _folder(tmp_path, body, *, topic="bins", shared=True):
    if shared:
        shutil.copy(content.CONTENT_DIR / content.SHARED_QUESTIONS_FILE, tmp_path)
    (tmp_path / f"{topic}.toml").write_text(f'topic = "{topic}"\n{body}')
    return tmp_path


def test_every_file_is_read_and_every_service_is_complete():
    services = content.load_services()
    files = [p for p in content.CONTENT_DIR.glob("*.toml") if not p.name.startswith("_")]
    assert len(files) >= 10
    assert {s["topic"] for s in services} == {
        content._read(p)["topic"] for p in files
    }  # each file's topic reaches its services
    for service in services:
        assert service["summary"] and service["synonyms"] and service["team_name"]
        for question in service["attributes"]:
            assert question["code"] and question["label"] and question["datatype"]


def test_shared_questions_and_choices_expand(tmp_path):
    (service,) = content.load_services(_folder(tmp_path, BIN_SERVICE))
    assert service["synonyms"] == "missed bin\nbin day"
    assert service["faqs"] == [{"question": "When?", "answer": "Soon."}]
    where, bin_type = service["attributes"]
    assert where["code"] == "where" and where["order"] == 3 and where["required"] is True
    assert where["label"] == "Where is it?"  # from _form_questions.toml
    assert bin_type["values"] == [
        {"key": "food_waste", "name": "Food waste"},
        {"key": "garden_waste", "name": "Garden waste"},
    ]
    assert service["minimum_assurance_level"] == 0 and service["sla_working_days"] is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            BIN_SERVICE.replace('tier = "district"', 'tier = "parish"'),
            "bins.toml, service 524: tier",
        ),
        (
            BIN_SERVICE.replace("lgsl = 524\n", "lgsl = 524\ncolour = 1\n"),
            "unknown keys ['colour']",
        ),
        (BIN_SERVICE.replace('summary = "Bins."\n', ""), "missing ['summary']"),
        (BIN_SERVICE.replace('use = "where"', 'use = "nowhere"'), "form question 1"),
        (BIN_SERVICE.replace('synonyms = ["missed bin", " bin day "]', 'synonyms = "x"'), "list"),
        (BIN_SERVICE + BIN_SERVICE, "LGSL 524 is also in bins.toml"),
        (BIN_SERVICE.replace('answer = "Soon."', ""), "FAQ 1"),
        ('[[service]\nlgsl = "', "bins.toml"),
    ],
)
def test_a_mistake_names_the_file_and_the_service(tmp_path, body, message):
    with pytest.raises(content.ContentFileError, match=message.replace("[", r"\[")):
        content.load_services(_folder(tmp_path, body))


def test_a_file_needs_a_known_topic(tmp_path):
    with pytest.raises(content.ContentFileError, match="topic"):
        content.load_services(_folder(tmp_path, BIN_SERVICE, topic="weather"))


@pytest.mark.django_db
def test_the_command_is_idempotent_and_says_what_changed(tmp_path):
    out = io.StringIO()
    call_command("services_content_load", stdout=out)
    assert "0 changed" in out.getvalue() and "changed:" not in out.getvalue()

    folder = tmp_path / "content"
    shutil.copytree(content.CONTENT_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__py*"))
    bins = folder / "bins.toml"
    bins.write_text(
        bins.read_text().replace(
            'name = "Bin collections and missed bins"', 'name = "Bins and missed bins"'
        )
    )
    out = io.StringIO()
    call_command("services_content_load", "--dir", folder, "--dry-run", stdout=out)
    assert "changed: 524 Bins and missed bins" in out.getvalue()
    assert Service.objects.get(lgsl=524).name == "Bin collections and missed bins"

    out = io.StringIO()
    call_command("services_content_load", "--dir", folder, stdout=out)
    assert "Hand-written services: 0 added, 1 changed" in out.getvalue()
    assert Service.objects.get(lgsl=524).name == "Bins and missed bins"
    out = io.StringIO()
    call_command("services_content_load", "--dir", folder, stdout=out)
    assert "changed:" not in out.getvalue()


@pytest.mark.django_db
def test_a_dropped_faq_is_removed_and_reported(tmp_path):
    folder = _folder(tmp_path, BIN_SERVICE)
    faqs_before = ServiceFAQ.objects.filter(service__lgsl=524).count()
    assert faqs_before > 1
    out = io.StringIO()
    call_command("services_content_load", "--dir", folder, stdout=out)
    text = out.getvalue()
    assert f"Hand-written FAQs: 1 added, 0 changed, 0 unchanged, {faqs_before} removed." in text
    assert "changed: 524 Bins" in text
    assert list(ServiceAttribute.objects.filter(service__lgsl=524).values_list("code", flat=True))


@pytest.mark.django_db
def test_a_broken_file_is_a_clear_command_error_and_writes_nothing(tmp_path):
    folder = _folder(tmp_path, BIN_SERVICE.replace('tier = "district"', 'tier = "x"'))
    with pytest.raises(CommandError, match="bins.toml, service 524"):
        call_command("services_content_load", "--dir", folder, stdout=io.StringIO())
    assert Service.objects.get(lgsl=524).name == "Bin collections and missed bins"


@pytest.mark.django_db
def test_content_for_a_code_not_in_the_catalogue_is_refused(tmp_path):
    folder = _folder(tmp_path, BIN_SERVICE.replace("lgsl = 524", "lgsl = 987654"))
    with pytest.raises(CommandError, match="987654"):
        call_command("services_content_load", "--dir", folder, stdout=io.StringIO())
