import factory

from pocketcouncil.councils.models import Area, AreaKind, Council, CouncilTier, Team


def square(lon: float, lat: float, size: float = 0.01, hole: float | None = None) -> dict:
    """A GeoJSON square with its south-west corner at (lon, lat), optionally with a hole."""
    ring = [
        [lon, lat],
        [lon + size, lat],
        [lon + size, lat + size],
        [lon, lat + size],
        [lon, lat],
    ]
    rings = [ring]
    if hole:
        margin = (size - hole) / 2
        x, y = lon + margin, lat + margin
        rings.append([[x, y], [x, y + hole], [x + hole, y + hole], [x + hole, y], [x, y]])
    return {"type": "Polygon", "coordinates": rings}


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council

    name = factory.Sequence(lambda n: f"Test Borough Council {n}")
    slug = factory.Sequence(lambda n: f"test-borough-{n}")
    tier = CouncilTier.UNITARY
    case_reference_prefix = factory.Sequence(
        lambda n: "T" + "".join(chr(65 + int(d)) for d in f"{n:03d}")
    )
    brand_colour = "#1d4f91"
    phone = "01632 960 100"


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"Area {n}")
    kind = AreaKind.DISTRICT
    # Far from the demo councils (the middle of the North Sea), so lookups never overlap them.
    geometry = factory.LazyFunction(lambda: square(3.0, 55.0, 1.0))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
