"""JSON API of the front door: ``GET /api/v1/services/search?q=...&council=<slug>``.

Separate input and output schemas; every error is a JSON body with ``detail``.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from pocketcouncil.councils import queries as councils
from pocketcouncil.councils.models import Council
from pocketcouncil.services import queries

router = Router(tags=["services"])


class SearchIn(Schema):
    # The length limit is checked in the view, so that the 422 names it (a schema maxLength
    # would answer with the generic "The request is not valid.").
    q: str = Field(
        ...,
        min_length=1,
        description=(
            "What the resident typed, in English or Welsh: a few words or a description of several "
            "sentences, "
            f"at most {queries.QUERY_MAX_LENGTH:,} characters (more is refused with 422)."
        ),
        json_schema_extra={"maxLength": queries.QUERY_MAX_LENGTH},
    )
    council: str | None = Field(
        None, max_length=60, description="A council's slug: results for its residents."
    )
    postcode: str | None = Field(
        None,
        max_length=10,
        description="A full postcode: each result from the council responsible there.",
    )
    limit: int = Field(10, ge=1, le=20, description="How many results at most.")


class SearchResultOut(Schema):
    lgsl: int = Field(..., description="Local Government Service List code.")
    name: str
    council: str | None = Field(
        ..., description="Slug of the council providing it, or null if not known yet."
    )
    url: str = Field(..., description="The service page (absolute path).")
    score: float = Field(..., description="Relevance; higher is better. Compare within a query.")


class AnswerOut(Schema):
    question: str
    answer: str
    service_lgsl: int


class SearchOut(Schema):
    query: str
    results: list[SearchResultOut]
    answers: list[AnswerOut]
    no_good_match: bool = Field(
        ..., description="True when nothing matched well (results is then empty)."
    )


class ErrorOut(Schema):
    detail: str


@router.get(
    "/search",
    response={200: SearchOut, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Search services in residents' words",
    url_name="services-search",
)
def search(request: HttpRequest, params: Query[SearchIn]):
    """Services best matching the query, best first, and a direct answer when an FAQ fits."""
    if len(params.q) > queries.QUERY_MAX_LENGTH:
        raise HttpError(
            422,
            f"q must be {queries.QUERY_MAX_LENGTH:,} characters or fewer "
            f"(it has {len(params.q):,}).",
        )
    text = params.q.strip()
    if not text:
        raise HttpError(400, "Enter what you are looking for in q.")
    council = None
    if params.council:
        try:
            council = councils.council_get(params.council)
        except Council.DoesNotExist:
            raise HttpError(404, f"No council with the slug {params.council!r}.") from None
    lon = lat = None
    postcode = params.postcode
    if not postcode and council is None:
        # A postcode typed into the question is used as the place ("missed bin OX4 3BD").
        rest, typed = queries.postcode_in_text(text)
        if typed and rest:
            try:
                point = councils.postcode_get(typed)
            except (councils.PostcodeInvalidError, councils.PostcodeNotFoundError):
                pass
            else:
                text, lon, lat = rest, point.longitude, point.latitude
    if postcode:
        try:
            point = councils.postcode_get(postcode)
        except councils.PostcodeInvalidError:
            raise HttpError(400, "postcode is not a full UK postcode, like OX4 3BD.") from None
        except councils.PostcodeNotFoundError:
            raise HttpError(404, "We do not know that postcode.") from None
        lon, lat = point.longitude, point.latitude
    outcome = queries.front_door_search(
        text=text, council=council, lon=lon, lat=lat, limit=params.limit
    )
    return {
        "query": outcome.query,
        "results": [
            {
                "lgsl": r.lgsl,
                "name": r.name,
                "council": r.council.slug if r.council else None,
                "url": r.url,
                "score": r.score,
            }
            for r in outcome.results
        ],
        "answers": [
            {"question": a.question, "answer": a.answer, "service_lgsl": a.service_lgsl}
            for a in outcome.answers
        ],
        "no_good_match": outcome.no_good_match,
    }
