"""A service's questions become a Django form with field-level validation."""

import pytest

from pocketcouncil.services.forms import form_class_for
from pocketcouncil.services.models import Service
from pocketcouncil.services.tests.factories import ServiceAttributeFactory, ServiceFactory

pytestmark = pytest.mark.django_db

CHOICES = [{"key": "a", "name": "A"}, {"key": "b", "name": "B"}]


@pytest.fixture
def service():
    service = ServiceFactory()
    ServiceAttributeFactory(
        service=service, code="where", datatype="string", required=True, order=1
    )
    ServiceAttributeFactory(service=service, code="count", datatype="number", order=2)
    ServiceAttributeFactory(service=service, code="when", datatype="datetime", order=3)
    ServiceAttributeFactory(service=service, code="details", datatype="text", order=4)
    ServiceAttributeFactory(
        service=service,
        code="kind",
        datatype="singlevaluelist",
        values=CHOICES,
        order=5,
        required=True,
    )
    ServiceAttributeFactory(
        service=service, code="extras", datatype="multivaluelist", values=CHOICES, order=6
    )
    return service


def test_fields_in_order(service):
    form = form_class_for(service)()
    assert list(form.fields) == ["where", "count", "when", "details", "kind", "extras"]
    assert form.helper.form_tag is False


def test_valid_answers(service):
    form = form_class_for(service)(
        {
            "where": "Iffley Road",
            "count": "3",
            "when": "21/11/2026 08:30",
            "kind": "a",
            "extras": ["a", "b"],
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"].tzinfo is not None
    assert form.cleaned_data["extras"] == ["a", "b"]


def test_field_level_errors(service):
    form = form_class_for(service)(
        {"count": "lots", "when": "31/02/2026", "kind": "z", "extras": ["q"]}
    )
    assert not form.is_valid()
    assert form.errors["where"] == [f"Answer the question: {form.fields['where'].label}"]
    assert "must be a number" in form.errors["count"][0]
    assert "must be a real date" in form.errors["when"][0]
    assert form.errors["kind"] == ["Select one of the choices given"]
    assert form.errors["extras"] == ["Select only the choices given"]


def test_a_demo_service_form():
    form = form_class_for(Service.objects.get(lgsl=587))()
    assert "what" in form.fields and form.fields["size"].required
