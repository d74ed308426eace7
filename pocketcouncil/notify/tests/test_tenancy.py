"""One council never sees another council's notifications, subscriptions or templates."""

import pytest
from django.contrib.admin.sites import site
from django.core import mail
from django.test import RequestFactory

from pocketcouncil.councils.tests.factories import CouncilFactory
from pocketcouncil.notify import actions, queries
from pocketcouncil.notify.actions import NotifyInputError
from pocketcouncil.notify.models import MessageTemplate, Notification
from pocketcouncil.notify.testing import deliver_pending
from pocketcouncil.notify.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fan_out(council, resident, key):
    actions.subscription_create(
        actor=resident,
        user=resident,
        council=council,
        subject_kind="case",
        subject_key="7",
        channels={"email": "instant"},
    )
    actions.fan_out_for_subject(
        council=council,
        subject_kind="case",
        subject_key="7",
        event="status_changed",
        context={"reference": key, "status": "closed"},
        idempotency_key=f"{key}:closed",
    )


def test_delivery_logs_are_scoped_to_one_council():
    council_a, council_b = CouncilFactory(), CouncilFactory()
    resident = UserFactory()
    _fan_out(council_a, resident, "A-7")
    _fan_out(council_b, resident, "B-7")
    log_a = queries.delivery_log_for_subject(
        council=council_a, subject_kind="case", subject_key="7"
    )
    assert [n.council_id for n in log_a] == [council_a.pk]
    resident_log = queries.delivery_log_for_resident(council=council_b, user=resident)
    assert [n.council_id for n in resident_log] == [council_b.pk]
    assert queries.followers_count(council=council_a, subject_kind="case", subject_key="7") == 1


def test_a_councils_own_wording_is_used_only_for_its_messages():
    council_a, council_b = CouncilFactory(), CouncilFactory()
    actions.message_template_save(
        actor=None,
        council=council_a,
        event="status_changed",
        channel="email",
        subject="{{ council_name }} update: {{ reference }}",
        body="Now {{ status }}.",
    )
    _fan_out(council_a, UserFactory(), "A-7")
    _fan_out(council_b, UserFactory(), "B-7")
    deliver_pending()
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects[0] == f"{council_a.name} update: A-7"
    assert subjects[1] == "Your request B-7 is now closed"


def test_template_mistakes_are_refused():
    council = CouncilFactory()
    with pytest.raises(NotifyInputError):
        actions.message_template_save(
            actor=None,
            council=council,
            event="resolved",
            channel="sms",
            subject="",
            body="Done {% if %}",
        )
    assert not MessageTemplate.objects.filter(council=council).exists()


def test_admin_shows_a_council_admin_only_their_councils_rows():
    from pocketcouncil.accounts.models import StaffRole

    council_a, council_b = CouncilFactory(), CouncilFactory()
    _fan_out(council_a, UserFactory(), "A-7")
    _fan_out(council_b, UserFactory(), "B-7")
    admin_user = UserFactory(is_staff=True)
    StaffRole.objects.create(user=admin_user, council=council_a, role="council_admin")
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    model_admin = site._registry[Notification]
    assert {n.council_id for n in model_admin.get_queryset(request)} == {council_a.pk}
    assert model_admin.has_view_permission(request, Notification(council=council_a))
    assert not model_admin.has_view_permission(request, Notification(council=council_b))
    template_admin = site._registry[MessageTemplate]
    form = template_admin.get_form(request)()
    assert list(form.fields["council"].queryset) == [council_a]

    stranger = UserFactory(is_staff=True)
    request.user = stranger
    assert not model_admin.has_module_permission(request)
