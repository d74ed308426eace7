import http.server
import json
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pocketcouncil.councils.tests.factories import CouncilFactory
from pocketcouncil.directory import actions, feed
from pocketcouncil.directory.models import (
    Attribute,
    CostOption,
    ListingEvent,
    ListingEventKind,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from pocketcouncil.directory.tests.factories import (
    EXAMPLES_DIR,
    food_term,
    new_id,
    oxford_service,
)

EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"


def _import(council, data, **kwargs):
    tables = feed.Tables()
    feed.add_json(tables, data, where="test")
    return actions.directory_import(council=council, tables=tables, actor=None, **kwargs)


def _write(tmp_path, data, name="feed.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


@pytest.mark.django_db
class TestOfficialExamples:
    @pytest.mark.parametrize(
        "name",
        [
            "service_full.json",
            "service_list.json",
            "organization_full.json",
            "service_at_location_full.json",
        ],
    )
    def test_each_example_imports_without_rejections(self, council, name):
        report = actions.directory_import(
            council=council, tables=feed.read_path(EXAMPLES_DIR / name)
        )
        assert report.rejected == []
        service = Service.objects.get(pk=EXAMPLE_SERVICE)
        assert service.council == council
        assert service.name == "Community Counselling"

    def test_full_service_stores_every_table(self, council):
        actions.directory_import(
            council=council, tables=feed.read_path(EXAMPLES_DIR / "service_full.json")
        )
        service = Service.objects.get(pk=EXAMPLE_SERVICE)
        assert service.organization.name == "Example Organization Inc."
        assert service.schedules.get().byday == "TH,FR"
        assert service.cost_options.get().amount == 35
        assert service.locations_at.get().location.addresses.get().postal_code == "ABC 1234"
        assert Attribute.objects.get(link_id=EXAMPLE_SERVICE).taxonomy_term.name == "name"
        assert service.minimum_age == 12 and service.maximum_age == 100

    def test_example_coordinates_off_the_earth_are_dropped_with_a_warning(self, council):
        report = actions.directory_import(
            council=council, tables=feed.read_path(EXAMPLES_DIR / "service_full.json")
        )
        location = Location.objects.get(pk="3a19ff88-4620-4d17-9830-ac1d859eb5d5")
        assert location.latitude is None
        assert any("not a point on Earth" in w for w in report.warnings)

    def test_csv_datapackage_imports(self, council):
        report = actions.directory_import(
            council=council, tables=feed.read_path(EXAMPLES_DIR / "csv")
        )
        assert report.rejected == []
        assert Service.objects.filter(pk=EXAMPLE_SERVICE, council=council).exists()
        assert Phone.objects.count() == 1
        assert Taxonomy.objects.exists()
        assert any("programs.csv" in note for note in report.notes)

    def test_taxonomy_examples_import(self, council):
        actions.directory_import(
            council=council, tables=feed.read_path(EXAMPLES_DIR / "taxonomy.json")
        )
        actions.directory_import(
            council=council, tables=feed.read_path(EXAMPLES_DIR / "taxonomy_list.json")
        )
        actions.directory_import(
            council=council, tables=feed.read_path(EXAMPLES_DIR / "taxonomy_term.json")
        )
        assert Taxonomy.objects.filter(pk="5c4d79d7-cc55-470e-9f1f-8cad074e4892").exists()
        assert TaxonomyTerm.objects.filter(pk="3f7b145d-84af-42d7-8fae-eaca714b02b2").exists()


@pytest.mark.django_db
class TestIdempotence:
    def test_second_run_changes_nothing_and_writes_no_history(self, council):
        data = oxford_service(term=food_term())
        first = _import(council, data)
        assert first.services_created == [data["id"]]
        assert ListingEvent.objects.filter(kind=ListingEventKind.IMPORTED).count() == 1
        second = _import(council, data)
        assert second.services_created == [] and second.services_updated == []
        assert second.counts["service"].unchanged == 1
        assert ListingEvent.objects.count() == 1
        assert Service.objects.count() == 1

    def test_changed_record_is_updated_with_a_history_row(self, council):
        data = oxford_service()
        _import(council, data)
        data["name"] = "Cowley Larder"
        data["schedules"][0]["closes_at"] = "17:30:00"
        report = _import(council, data)
        assert report.services_updated == [data["id"]]
        service = Service.objects.get(pk=data["id"])
        assert service.name == "Cowley Larder"
        assert service.schedules.get().closes_at.hour == 17
        event = service.events.first()
        assert event.kind == ListingEventKind.UPDATED
        assert event.snapshot["name"] == "Cowley Larder"
        assert "cowley larder" in service.search_text

    def test_children_missing_from_a_full_record_are_removed(self, council):
        data = oxford_service()
        _import(council, data)
        data["cost_options"] = []
        report = _import(council, data)
        assert CostOption.objects.count() == 0
        assert report.counts["cost_option"].deleted == 1

    def test_list_form_keeps_nested_rows(self, council):
        data = oxford_service()
        _import(council, data)
        one_to_one = {k: v for k, v in data.items() if not isinstance(v, list)}
        _import(council, one_to_one)
        assert Schedule.objects.filter(service_id=data["id"]).count() == 1
        assert CostOption.objects.count() == 1


@pytest.mark.django_db
class TestRejections:
    def test_record_without_required_field_is_rejected_with_reason(self, council):
        good = oxford_service()
        bad = oxford_service(name="")
        report = _import(council, {"contents": [good, bad]})
        assert Service.objects.filter(pk=good["id"]).exists()
        assert not Service.objects.filter(pk=bad["id"]).exists()
        reasons = [str(r) for r in report.rejected if r.id == bad["id"]]
        assert reasons and "name is missing" in reasons[0]

    def test_children_of_a_rejected_service_are_rejected_too(self, council):
        bad = oxford_service(status="closed-for-ever")
        report = _import(council, bad)
        assert not Service.objects.exists()
        assert not Schedule.objects.exists()
        tables = {r.table for r in report.rejected}
        assert {"service", "schedule", "cost_option", "service_at_location"} <= tables
        schedule = next(r for r in report.rejected if r.table == "schedule")
        assert "is not a service in this import" in schedule.reason

    @pytest.mark.parametrize(
        ("field", "value", "reason"),
        [
            ("minimum_age", "twelve", "minimum_age is not a whole number"),
            ("assured_date", "31/12/2024", "assured_date is not a date"),
            ("last_modified", "yesterday", "last_modified is not a date and time"),
            ("email", "not-an-email", "email"),
        ],
    )
    def test_bad_values_are_rejected(self, council, field, value, reason):
        data = oxford_service(**{field: value})
        report = _import(council, data)
        service_rejection = next(r for r in report.rejected if r.table == "service")
        assert reason in service_rejection.reason
        assert not Service.objects.exists()

    def test_ages_the_wrong_way_round_are_rejected(self, council):
        report = _import(council, oxford_service(minimum_age=60, maximum_age=18))
        assert "minimum_age 60 is more than maximum_age 18" in report.rejected[0].reason

    def test_bad_opening_time_rejects_only_the_schedule(self, council):
        data = oxford_service()
        data["schedules"][0]["opens_at"] = "ten o'clock"
        report = _import(council, data)
        assert Service.objects.filter(pk=data["id"]).exists()
        assert [r.table for r in report.rejected] == ["schedule"]
        assert "opens_at is not a time" in report.rejected[0].reason

    def test_record_without_id_is_reported(self, council):
        data = oxford_service()
        del data["contacts"][0]["id"]
        report = _import(council, data)
        assert any(r.table == "contact" and "no id" in r.reason for r in report.rejected)

    def test_not_json_is_a_feed_error(self, tmp_path):
        path = tmp_path / "bad.json"
        path.write_text("{not json")
        with pytest.raises(feed.FeedError, match="not valid JSON"):
            feed.read_path(path)


@pytest.mark.django_db
class TestCouncils:
    def test_an_id_listed_by_another_council_is_refused_not_moved(self, council):
        other = CouncilFactory()
        data = oxford_service()
        _import(other, data)
        report = _import(council, data)
        assert Service.objects.get(pk=data["id"]).council == other
        assert any("listed by another council" in r.reason for r in report.rejected)
        assert Organization.objects.get(pk=data["organization"]["id"]).council == other

    def test_another_councils_service_cannot_be_given_children(self, council):
        other = CouncilFactory()
        data = oxford_service()
        _import(other, data)
        cost = {"id": new_id(), "service_id": data["id"], "option": "x", "amount": 1}
        tables = feed.Tables()
        tables.add("cost_option", cost, where="test")
        report = actions.directory_import(council=council, tables=tables)
        assert CostOption.objects.filter(pk=cost["id"]).count() == 0
        assert "not a service in this import" in report.rejected[0].reason


@pytest.mark.django_db
class TestDryRun:
    def test_dry_run_reports_but_saves_nothing(self, council):
        data = oxford_service()
        report = _import(council, data, dry_run=True)
        assert report.services_created == [data["id"]]
        assert not Service.objects.exists()
        assert not ListingEvent.objects.exists()


@pytest.mark.django_db
class TestCommand:
    def test_imports_a_file(self, council, tmp_path):
        path = _write(tmp_path, oxford_service())
        out = StringIO()
        call_command("directory_import_openreferral", str(path), council=council.slug, stdout=out)
        assert "1 new services" in out.getvalue()
        assert Service.objects.count() == 1

    def test_rejections_are_listed_and_exit_non_zero(self, council, tmp_path):
        path = _write(tmp_path, {"contents": [oxford_service(), oxford_service(name="")]})
        err = StringIO()
        with pytest.raises(SystemExit) as exit_info:
            call_command(
                "directory_import_openreferral",
                str(path),
                council=council.slug,
                stdout=StringIO(),
                stderr=err,
            )
        assert exit_info.value.code == 1
        assert "Rejected service" in err.getvalue() and "name is missing" in err.getvalue()
        assert Service.objects.count() == 1

    def test_dry_run_flag(self, council, tmp_path):
        path = _write(tmp_path, oxford_service())
        out = StringIO()
        call_command(
            "directory_import_openreferral",
            str(path),
            council=council.slug,
            dry_run=True,
            stdout=out,
        )
        assert out.getvalue().startswith("Dry run")
        assert not Service.objects.exists()

    def test_unknown_council_and_missing_path(self, council, tmp_path):
        with pytest.raises(CommandError, match="No council"):
            call_command("directory_import_openreferral", "x.json", council="nowhere")
        with pytest.raises(CommandError, match="does not exist"):
            call_command(
                "directory_import_openreferral", str(tmp_path / "x.json"), council=council.slug
            )
        with pytest.raises(CommandError, match="either a PATH or --url"):
            call_command("directory_import_openreferral", council=council.slug)


class _OrukHandler(http.server.BaseHTTPRequestHandler):
    """A tiny remote ORUK API: two pages of one-to-one services and their full records."""

    services: dict = {}

    def do_GET(self):  # noqa: N802
        from urllib.parse import parse_qs, urlsplit

        parts = urlsplit(self.path)
        ids = sorted(self.services)
        if parts.path == "/api/services":
            page = int(parse_qs(parts.query).get("page", ["1"])[0])
            chunk = ids[page - 1 : page]
            body = {
                "total_items": len(ids),
                "total_pages": len(ids),
                "page_number": page,
                "size": 1,
                "first_page": page == 1,
                "last_page": page >= len(ids),
                "empty": not chunk,
                "contents": [
                    {k: v for k, v in self.services[i].items() if not isinstance(v, list)}
                    for i in chunk
                ],
            }
        elif parts.path.startswith("/api/services/"):
            ident = parts.path.rsplit("/", 1)[1]
            if ident not in self.services:
                self.send_response(404)
                self.end_headers()
                return
            body = self.services[ident]
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def oruk_server():
    services = [oxford_service(name=f"Service {n}") for n in range(3)]
    _OrukHandler.services = {s["id"]: s for s in services}
    server = http.server.HTTPServer(("127.0.0.1", 0), _OrukHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/", services
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
class TestRemote:
    def test_url_follows_pages_and_fetches_full_records(self, council, oruk_server):
        url, services = oruk_server
        out = StringIO()
        call_command("directory_import_openreferral", council=council.slug, url=url, stdout=out)
        assert "3 new services" in out.getvalue()
        assert Service.objects.count() == 3
        # The full records were fetched: nested rows are there although the pages lack them.
        assert ServiceAtLocation.objects.count() == 3
        assert Schedule.objects.count() == 3

    def test_url_that_is_not_an_oruk_api_is_an_error(self, council, oruk_server):
        url, _ = oruk_server
        with pytest.raises(CommandError, match="Could not fetch"):
            call_command(
                "directory_import_openreferral", council=council.slug, url=url + "nothing/"
            )
