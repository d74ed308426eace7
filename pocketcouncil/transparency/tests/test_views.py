"""The public pages over HTTP: the spending explorer, council tax, open data downloads.

The demo loader has imported Manchester's real December 2019 file and Oxford's October to
December 2017 file, and demo council tax figures for 2026/27.
"""

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse

from pocketcouncil.transparency.models import SpendingTotal
from pocketcouncil.transparency.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def test_spending_overview(client, demo, django_assert_max_num_queries):
    url = reverse("spending-overview", args=["manchester"])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "From April 2019 to March 2020, Manchester City Council (demo) published 3,839" in page
    assert "adding up to £79,132,671" in page
    # Each chart has a table, and each table row links to the payments behind it.
    assert "<caption" in page and "govuk-table" in page
    assert "/councils/manchester/spending/payments/?year=2019&amp;dimension=supplier" in page
    assert "/councils/manchester/spending/payments/?year=2019&amp;month=2019-12" in page
    assert "The largest service area was" in page


def test_a_council_without_spending_says_so(client, demo):
    response = client.get(reverse("spending-overview", args=["oxfordshire"]))
    assert response.status_code == 200
    assert "has not published its spending here yet" in response.content.decode()


def test_breakdown_by_supplier_and_search(client, demo):
    url = reverse("spending-breakdown", args=["manchester", "supplier"])
    response = client.get(url, {"year": 2019, "q": "gazprom"})
    assert response.status_code == 200
    assert response.context["totals"][0].value == "Gazprom Energy"
    assert response.context["totals"][0].payments == 133
    assert client.get(reverse("spending-breakdown", args=["manchester", "nope"])).status_code == 404


def test_payments_behind_a_figure_are_paged(client, demo, django_assert_max_num_queries):
    url = reverse("spending-payments", args=["manchester"])
    params = {"year": 2019, "dimension": "supplier", "value": "Gazprom Energy"}
    with django_assert_max_num_queries(8):
        response = client.get(url, params)
    assert len(response.context["payments"]) == 50
    assert response.context["has_next"]
    assert all(p.supplier == "Gazprom Energy" for p in response.context["payments"])
    last = client.get(url, {**params, "page": 3})
    assert len(last.context["payments"]) == 33
    assert not last.context["has_next"]


def test_payment_search_matches_supplier_or_purpose(client, demo):
    response = client.get(
        reverse("spending-payments", args=["manchester"]), {"year": 2019, "q": "redgate"}
    )
    suppliers = {p.supplier for p in response.context["payments"]}
    assert suppliers == {"Redgate Holdings Ltd"}


def test_csv_download_with_licence_and_validators(client, demo):
    url = reverse("spending-breakdown", args=["manchester", "service_area"])
    response = client.get(url, {"year": 2019, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "open-government-licence" in response["Link"]
    assert response["ETag"] and response["Last-Modified"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0].keys() == {"service_area", "amount_gbp", "payments"}
    assert sum(int(r["payments"]) for r in rows) == 3839
    # Asked again with the ETag or the date: 304, no body.
    again = client.get(url, {"year": 2019, "format": "csv"}, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    since = client.get(
        url, {"year": 2019, "format": "csv"}, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]
    )
    assert since.status_code == 304
    # Another address (the JSON) has another ETag.
    other = client.get(url, {"year": 2019, "format": "json"}, HTTP_IF_NONE_MATCH=response["ETag"])
    assert other.status_code == 200


def test_json_download_of_payments(client, demo):
    url = reverse("spending-payments", args=["oxford"])
    response = client.get(url, {"year": 2017, "q": "wolseley", "format": "json"})
    body = json.loads(response.content)
    assert body["licence"]["name"] == "Open Government Licence v3.0"
    assert "Oxford City Council (demo)" in body["attribution"]
    assert len(body["rows"]) == 320
    first = body["rows"][0]
    assert first["source_file"] == "oxford_city_council_2017_q4_oct_dec.csv"
    assert first["source_line"] > 1
    total = sum(float(r["amount_gbp"]) for r in body["rows"])
    assert total > 0


def test_council_tax_by_postcode(client, demo):
    response = client.get(reverse("council-tax"), {"postcode": "ox4 4dq", "band": "D"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "£2,724.08" in page  # with the Littlemore parish precept
    assert "Littlemore Parish Council (demo)" in page
    assert "Demo figures for 2026/27" in page
    elsewhere = client.get(reverse("council-tax"), {"postcode": "OX4 3BD", "band": "D"})
    assert "£2,629.58" in elsewhere.content.decode()


def test_council_tax_errors_are_specific(client, demo):
    response = client.get(reverse("council-tax"), {"postcode": "nonsense", "band": "D"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert "Enter a full postcode, like OX4 3BD." in page
    unknown = client.get(reverse("council-tax"), {"postcode": "OX1 9ZZ", "band": "D"})
    assert "We do not know that postcode" in unknown.content.decode()
    bad_band = client.get(reverse("council-tax"), {"postcode": "OX4 3BD", "band": "Z"})
    assert "govuk-error-message" in bad_band.content.decode()


def test_council_tax_page_and_download(client, demo):
    url = reverse("council-tax-council", args=["manchester"])
    page = client.get(url, {"band": "B"}).content.decode()
    # 1904.55, 291.35 and 125.95 x 7/9, each rounded to the penny: 1481.32 + 226.61 + 97.96.
    assert "£1,805.89" in page
    body = json.loads(client.get(url, {"band": "B", "format": "json"}).content)
    assert body["total_yearly_gbp"] == "1805.89"
    assert body["rows"][0]["service"] == ""
    assert any(r["service"] == "Adult social care" for r in body["rows"])


def test_open_data_page_lists_stable_addresses(client, demo):
    page = client.get(reverse("open-data")).content.decode()
    assert "Open Government Licence v3.0" in page
    assert "/councils/manchester/spending/payments/?year=2019&amp;format=csv" in page
    assert "/councils/oxford/council-tax/?year=2026&amp;band=D&amp;format=json" in page


def test_one_council_never_sees_another_councils_payments(client, demo):
    other = PaymentFactory(
        supplier="Only In Other Council Ltd", paid_on=dt.date(2019, 12, 5), amount_pence=99900
    )
    for dimension, value in [("supplier", other.supplier), ("service_area", "Highways")]:
        SpendingTotal.objects.create(
            council=other.council,
            spending_import=other.spending_import,
            month=dt.date(2019, 12, 1),
            dimension=dimension,
            value=value,
            total_pence=99900,
            payments=1,
        )
    payments = client.get(
        reverse("spending-payments", args=["manchester"]), {"year": 2019, "q": "Only In Other"}
    )
    assert payments.context["payments"] == []
    totals = client.get(
        reverse("spending-breakdown", args=["manchester", "supplier"]),
        {"year": 2019, "q": "Only In Other", "format": "json"},
    )
    assert json.loads(totals.content)["rows"] == []
    # ... while the other council's own pages show it.
    own = client.get(
        reverse("spending-payments", args=[other.council.slug]), {"q": "Only In Other"}
    )
    assert [p.pk for p in own.context["payments"]] == [other.pk]


def test_the_downloads_are_in_the_openapi_document(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/councils/{slug}/spending/payments/" in schema["paths"]
    assert "/councils/{slug}/council-tax/" in schema["paths"]
    assert "TransparencyTotals" in schema["components"]["schemas"]
