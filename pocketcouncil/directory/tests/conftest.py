import pytest


@pytest.fixture(autouse=True)
def _empty_directory(request):
    """The session's demo data includes demo listings; these tests start from an empty
    directory so counts and orders are the test's own (rolled back after each test)."""
    if "django_db_setup" not in request.fixturenames and not request.node.get_closest_marker(
        "django_db"
    ):
        yield
        return
    request.getfixturevalue("db")
    from pocketcouncil.directory.models import Organization, Service, Taxonomy, TaxonomyTerm

    Service.objects.all().delete()
    Organization.objects.all().delete()
    from pocketcouncil.directory.models import Location

    Location.objects.all().delete()
    TaxonomyTerm.objects.all().delete()
    Taxonomy.objects.all().delete()
    yield
