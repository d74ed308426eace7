"""The national plain-English content for the services residents use most, as data files.

Each ``<topic>.toml`` file in this folder holds the services of one topic (``topic = "bins"``
at the top, then one ``[[service]]`` table per service, with ``[[service.faq]]`` and
``[[service.form]]`` tables under it). ``_form_questions.toml`` holds the form questions many
services share (``use = "where"``). The files are reviewed like code; a council writes its own
version of a service in the staff pages (``CouncilService``), never by editing these files.

``load_services()`` reads and checks every file and returns one dict per service in the shape
``actions.catalogue_content_apply`` writes (the shape the old ``content.py`` produced), so search,
which reads synonyms from the ``Service`` rows, is unaffected. ``SERVICES`` is that list, read once
per process. Apply the files with ``manage.py services_content_load`` (or ``load_demo``).

TOML because Python reads it without a new dependency (``tomllib``), it has no surprising types
(YAML reads ``no`` as false), and multi-line text reads naturally between triple quotes.
"""

from __future__ import annotations

import copy
import functools
import tomllib
from pathlib import Path

from pocketcouncil.councils.models import ServiceTier
from pocketcouncil.services.models import AssuranceLevel, AttributeDatatype, Topic

CONTENT_DIR = Path(__file__).resolve().parent
SHARED_QUESTIONS_FILE = "_form_questions.toml"

SERVICE_KEYS = {
    "lgsl",
    "name",
    "tier",
    "team_name",
    "summary",
    "synonyms",
    "eligibility",
    "how_to",
    "urgent_notice",
    "location_based",
    "minimum_assurance_level",
    "anonymous_allowed",
    "sla_working_days",
    "faq",
    "form",
}
REQUIRED_SERVICE_KEYS = {"lgsl", "name", "tier", "team_name", "summary", "synonyms"}
QUESTION_KEYS = {"use", "code", "label", "help_text", "datatype", "required", "order", "choices"}


class ContentFileError(ValueError):
    """A content file cannot be read or breaks a rule; the message names the file and service."""


def _choices(names: list[str]) -> list[dict]:
    """List answers from their names: the key is the name in lower case with ``_`` for spaces."""
    return [
        {"key": name.lower().replace(" ", "_").replace(",", ""), "name": name} for name in names
    ]


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ContentFileError(f"{path.name}: {error}") from None


def _question(raw: dict, *, shared: dict, where: str) -> dict:
    unknown = set(raw) - QUESTION_KEYS
    if unknown:
        raise ContentFileError(f"{where}: unknown form question keys {sorted(unknown)}")
    if "use" in raw:
        if raw["use"] not in shared:
            raise ContentFileError(
                f"{where}: no shared form question {raw['use']!r} in {SHARED_QUESTIONS_FILE}"
            )
        base = {"code": raw["use"], **shared[raw["use"]]}
    else:
        base = {"help_text": "", "required": False, "order": 0}
    merged = base | {k: v for k, v in raw.items() if k != "use"}
    for key in ("code", "label", "datatype"):
        if not merged.get(key):
            raise ContentFileError(f"{where}: a form question needs {key!r}")
    if merged["datatype"] not in AttributeDatatype.values:
        raise ContentFileError(f"{where}: unknown answer type {merged['datatype']!r}")
    question = {
        "code": merged["code"],
        "label": merged["label"],
        "help_text": merged.get("help_text", ""),
        "datatype": merged["datatype"],
        "required": bool(merged.get("required", False)),
        "order": int(merged.get("order", 0)),
    }
    if merged.get("choices"):
        question["values"] = _choices(list(merged["choices"]))
    return question


def _service(raw: dict, *, topic: str, shared: dict, where: str) -> dict:
    unknown = set(raw) - SERVICE_KEYS
    if unknown:
        raise ContentFileError(f"{where}: unknown keys {sorted(unknown)}")
    missing = REQUIRED_SERVICE_KEYS - set(raw)
    if missing:
        raise ContentFileError(f"{where}: missing {sorted(missing)}")
    if raw["tier"] not in ServiceTier.values:
        raise ContentFileError(f"{where}: tier must be one of {ServiceTier.values}")
    level = raw.get("minimum_assurance_level", 0)
    if level not in AssuranceLevel.values:
        raise ContentFileError(f"{where}: minimum_assurance_level must be 0 to 3")
    synonyms = raw["synonyms"]
    if isinstance(synonyms, str) or not all(isinstance(s, str) for s in synonyms):
        raise ContentFileError(f"{where}: synonyms must be a list of phrases")
    faqs = []
    for number, faq in enumerate(raw.get("faq", []), start=1):
        if set(faq) != {"question", "answer"}:
            raise ContentFileError(f"{where}, FAQ {number}: needs a question and an answer only")
        faqs.append({"question": faq["question"], "answer": faq["answer"]})
    form = [
        _question(q, shared=shared, where=f"{where}, form question {number}")
        for number, q in enumerate(raw.get("form", []), start=1)
    ]
    return {
        "lgsl": raw["lgsl"],
        "name": raw["name"],
        "topic": topic,
        "tier": raw["tier"],
        "team_name": raw["team_name"],
        "summary": raw["summary"],
        "synonyms": "\n".join(s.strip() for s in synonyms if s.strip()),
        "faqs": faqs,
        "attributes": form,
        "how_to": raw.get("how_to", ""),
        "eligibility": raw.get("eligibility", ""),
        "location_based": bool(raw.get("location_based", False)),
        "minimum_assurance_level": level,
        "anonymous_allowed": bool(raw.get("anonymous_allowed", False)),
        "sla_working_days": raw.get("sla_working_days"),
        "urgent_notice": raw.get("urgent_notice", ""),
    }


def load_services(directory: Path = CONTENT_DIR) -> list[dict]:
    """Read and check every content file in ``directory``, in file-name order.

    Raises ContentFileError naming the file and the service when anything is wrong, so a
    mistake in one file never half-applies.
    """
    shared_path = directory / SHARED_QUESTIONS_FILE
    shared = _read(shared_path) if shared_path.exists() else {}
    services: list[dict] = []
    seen: dict[int, str] = {}
    for path in sorted(directory.glob("*.toml")):
        if path.name == SHARED_QUESTIONS_FILE:
            continue
        data = _read(path)
        topic = data.get("topic")
        if topic not in Topic.values:
            raise ContentFileError(f"{path.name}: topic must be one of {Topic.values}")
        unknown = set(data) - {"topic", "service"}
        if unknown:
            raise ContentFileError(f"{path.name}: unknown keys {sorted(unknown)}")
        for number, raw in enumerate(data.get("service", []), start=1):
            where = f"{path.name}, service {raw.get('lgsl', f'number {number}')}"
            entry = _service(raw, topic=topic, shared=shared, where=where)
            if entry["lgsl"] in seen:
                raise ContentFileError(
                    f"{where}: LGSL {entry['lgsl']} is also in {seen[entry['lgsl']]}"
                )
            seen[entry["lgsl"]] = path.name
            services.append(entry)
    return services


@functools.cache
def _services_cached() -> tuple:
    return tuple(load_services())


def __getattr__(name: str):
    # ``content.SERVICES``: read the files on first use, not at import time.
    if name == "SERVICES":
        return copy.deepcopy(list(_services_cached()))
    raise AttributeError(name)
