"""Points come only after the council verified what was done, through other apps' events."""

import pytest

from pocketcouncil.cases import actions as cases
from pocketcouncil.cases.workflow import CaseStatus
from pocketcouncil.rewards import actions
from pocketcouncil.rewards.models import AnomalyFlag, EntryKind, FlagKind, LedgerEntry, Rule

pytestmark = pytest.mark.django_db


def _ledger(user):
    return list(LedgerEntry.objects.filter(user=user).order_by("created_at", "pk"))


class TestVerifiedReports:
    def test_nothing_on_submission_points_when_staff_confirm(self, member, report, staff, oxford):
        tom = member("tom.evans")
        case = report(who=tom)
        assert actions.balance_of(oxford, tom) == 0
        cases.case_transition(
            case=case, to=CaseStatus.ACKNOWLEDGED, actor=staff("case-officer", "oxford")
        )
        [entry] = _ledger(tom)
        assert entry.points == 10 and case.reference in entry.reason
        # Moving it on again (in progress, fixed) earns nothing more for the same report.
        cases.case_transition(
            case=case, to=CaseStatus.RESOLVED, actor=staff("case-officer", "oxford")
        )
        assert actions.balance_of(oxford, tom) == 10

    def test_not_a_member_earns_nothing(self, scheme, report, staff, resident, oxford):
        case = report(who="tom.evans")
        cases.case_transition(
            case=case, to=CaseStatus.ACKNOWLEDGED, actor=staff("case-officer", "oxford")
        )
        assert actions.balance_of(oxford, resident("tom.evans")) == 0

    def test_scheme_switched_off_earns_nothing(self, member, report, staff, oxford, scheme):
        tom = member("tom.evans")
        scheme.is_active = False
        scheme.save()
        cases.case_transition(
            case=report(who=tom), to=CaseStatus.ACKNOWLEDGED, actor=staff("case-officer", "oxford")
        )
        assert actions.balance_of(oxford, tom) == 0

    def test_rejected_after_confirming_takes_points_back_with_the_reason(
        self, member, report, staff, oxford
    ):
        tom = member("tom.evans")
        case = report(who=tom)
        officer = staff("case-officer", "oxford")
        cases.case_transition(case=case, to=CaseStatus.ACKNOWLEDGED, actor=officer)
        cases.case_transition(case=case, to=CaseStatus.REJECTED, actor=officer)
        award, reversal = _ledger(tom)
        assert reversal.kind == EntryKind.REVERSAL and reversal.reverses == award
        assert reversal.points == -10 and "rejected" in reversal.reason
        assert actions.balance_of(oxford, tom) == 0

    def test_duplicate_earns_nothing_and_the_first_reporter_gets_the_bonus(
        self, member, report, staff, oxford
    ):
        tom, amira = member("tom.evans"), member("amira.khan")
        officer = staff("case-officer", "oxford")
        first = report(who=tom)
        cases.case_transition(case=first, to=CaseStatus.ACKNOWLEDGED, actor=officer)
        second = report(who=amira)
        cases.case_transition(case=second, to=CaseStatus.ACKNOWLEDGED, actor=officer)
        assert actions.balance_of(oxford, amira) == 10
        cases.case_merge(duplicate=second, into=first, actor=officer)
        assert actions.balance_of(oxford, amira) == 0
        assert "same problem" in _ledger(amira)[-1].reason
        assert actions.balance_of(oxford, tom) == 15  # 10 confirmed + 5 first report
        # Merging a third report in does not pay the first report bonus again.
        third = report(who="grace.okafor")
        cases.case_merge(duplicate=third, into=first, actor=officer)
        assert actions.balance_of(oxford, tom) == 15

    def test_staff_confirming_their_own_report_earns_nothing(self, scheme, report, staff, oxford):
        officer = staff("case-officer", "oxford")
        actions.membership_join(
            council=oxford, actor=officer, age_band="16_or_over", show_as_champion=False
        )
        case = report(who=officer)
        cases.case_transition(case=case, to=CaseStatus.ACKNOWLEDGED, actor=officer)
        assert actions.balance_of(oxford, officer) == 0

    def test_weekly_cap_stops_a_flood_of_reports(self, member, report, staff, oxford):
        tom = member("tom.evans")
        Rule.objects.filter(council=oxford, kind="report_verified").update(cap_count=2)
        officer = staff("case-officer", "oxford")
        for n in range(3):
            case = report(who=tom, description=f"Bags by gate number {n}")
            cases.case_transition(case=case, to=CaseStatus.ACKNOWLEDGED, actor=officer)
        assert actions.balance_of(oxford, tom) == 20

    def test_cooldown_spaces_out_ratings(self, member, report, staff, oxford):
        tom = member("tom.evans")
        officer = staff("case-officer", "oxford")
        rated = []
        for n in range(2):
            case = report(who=tom, description=f"Bags by gate number {n}")
            cases.case_transition(case=case, to=CaseStatus.RESOLVED, actor=officer)
            cases.case_satisfaction_record(case=case, actor=tom, answer=4)
            rated.append(case)
        kinds = [e.rule_kind for e in _ledger(tom)]
        # Both reports confirmed; only the first rating within the one-hour cool-down.
        assert kinds.count("report_verified") == 2 and kinds.count("case_rated") == 1

    def test_many_rejections_raise_a_flag_for_staff(self, member, report, staff, oxford):
        tom = member("tom.evans")
        officer = staff("case-officer", "oxford")
        for n in range(3):
            case = report(who=tom, description=f"Made up problem {n}")
            cases.case_transition(case=case, to=CaseStatus.REJECTED, actor=officer)
        [flag] = AnomalyFlag.objects.filter(council=oxford, kind=FlagKind.REJECTED_REPORTS)
        assert flag.user == tom and "3 reports" in flag.detail


class TestOtherEvents:
    def test_bin_reminders_earn_once_however_often_they_are_switched(self, member, oxford):
        from pocketcouncil.accounts import actions as accounts

        tom = member("tom.evans")
        for topics in (["bins"], [], ["bins"]):
            accounts.interests_set(user=tom, topics=topics, actor=tom)
        assert [e.rule_kind for e in _ledger(tom)] == ["bin_reminders"]

    def test_ledger_rows_cannot_be_edited_or_deleted(self, member, oxford):
        from django.core.exceptions import ValidationError

        from pocketcouncil.accounts import actions as accounts

        tom = member("tom.evans")
        accounts.interests_set(user=tom, topics=["bins"], actor=tom)
        [entry] = _ledger(tom)
        entry.points = 500
        with pytest.raises(ValidationError):
            entry.save()
        with pytest.raises(ValidationError):
            entry.delete()
