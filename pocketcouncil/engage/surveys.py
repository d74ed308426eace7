"""Survey answers: reading them from a form, checking them, deciding which questions are shown,
and grouping free text for reading. Plain Python with no database writes: actions.py stores,
queries.py counts.

Answers are JSON, keyed by the question's id as text:

| kind | answer |
| --- | --- |
| short text, long text | text |
| choose one | the chosen label |
| choose any | a list of labels, in the order offered |
| put in order | every label, most preferred first |
| scale | a whole number from 1 to 5 or 10 |
| number | a number (int, or float with up to 2 decimal places) |
| date | "YYYY-MM-DD" |
| grid | {row label: column label} for every row |
| file | {"file": token, "type": "pdf", "size": bytes} (the file itself is a SurveyFile) |
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pocketcouncil.engage.models import FILE_TYPES, QuestionKind, SurveyQuestion

# ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
_DIGITS = re.compile(r"[0-9]{1,6}")
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000
NUMBER_LIMIT = Decimal("9999999999.99")

# The first bytes of each file type we accept: the name and browser-sent type can lie.
_MAGIC = {"pdf": (b"%PDF-",), "jpg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",)}


class AnswerInvalidError(Exception):
    """An answer that cannot be accepted. ``anchor`` is the id of the input to fix."""

    def __init__(self, message: str, anchor: str, *, whole: bool = False):
        super().__init__(message)
        self.message = message
        self.anchor = anchor
        # The whole answer is wrong (a date that does not exist), not just the part at anchor.
        self.whole = whole


@dataclass(frozen=True)
class Upload:
    """A checked file for a file question: its type ("pdf", "jpg", "png") and the file."""

    extension: str
    file: object
    size: int


# --- Which questions are shown ---


def _matches(answer, value: str) -> bool:
    if answer is None:
        return False
    if isinstance(answer, list):
        return value in answer
    if isinstance(answer, dict):
        return value in answer.values()
    return str(answer) == value


def visible_questions(questions: list[SurveyQuestion], answers: dict) -> list[SurveyQuestion]:
    """The questions shown, in order, given the answers so far. A question with a condition is
    shown only if the question it depends on is shown and its answer is (or includes) the value.
    """
    shown: set[int] = set()
    result = []
    for question in questions:
        condition = question.condition_question_id
        if condition is not None and not (
            condition in shown and _matches(answers.get(str(condition)), question.condition_value)
        ):
            continue
        shown.add(question.pk)
        result.append(question)
    return result


# --- Reading answers from a form ---


def _number_text(value: Decimal) -> str:
    text = f"{value:,.2f}".removesuffix(".00")
    return text


def number_rule(question: SurveyQuestion) -> str:
    low, high = question.number_min, question.number_max
    if low is not None and high is not None:
        return _("Enter a number between %(low)s and %(high)s") % {
            "low": _number_text(low),
            "high": _number_text(high),
        }
    if low is not None:
        return _("Enter a number that is %(low)s or more") % {"low": _number_text(low)}
    if high is not None:
        return _("Enter a number that is %(high)s or less") % {"high": _number_text(high)}
    return _("Enter a number, like 12")


def file_types_text(question: SurveyQuestion) -> str:
    names = [FILE_TYPES[t] for t in (question.file_types or list(FILE_TYPES)) if t in FILE_TYPES]
    if len(names) == 1:
        return names[0]
    return _("%(most)s or %(last)s") % {"most": ", ".join(names[:-1]), "last": names[-1]}


def parse(
    question: SurveyQuestion,
    data,
    files=None,
    *,
    prefix: str = "",
    existing=None,
    partial_grid: bool = False,
):
    """Read one question's answer from submitted form data.

    Returns ``(value, upload)``: ``value`` is the JSON answer or None when not answered (allowed
    only for optional questions); ``upload`` is an ``Upload`` for a new file, else None.
    ``existing`` is the answer saved before (a file question keeps its file if no new one is
    chosen). Raises ``AnswerInvalidError`` with a GOV.UK error message.
    """
    name = f"{prefix}answer"
    kind = question.kind
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        text = (data.get(name) or "").strip()
        limit = SHORT_TEXT_MAX if kind == QuestionKind.SHORT_TEXT else LONG_TEXT_MAX
        if "\x00" in text:
            raise AnswerInvalidError(_("Answer must not include unusual characters"), name)
        if len(text) > limit:
            raise AnswerInvalidError(
                _("Answer must be %(n)s characters or fewer") % {"n": f"{limit:,}"}, name
            )
        return _required(question, text or None, _("Enter your answer"), name), None
    if kind == QuestionKind.SINGLE_CHOICE:
        chosen = data.get(name) or None
        if chosen is not None and chosen not in question.options:
            raise AnswerInvalidError(_("Select one of the answers"), name)
        return _required(question, chosen, _("Select an answer"), name), None
    if kind == QuestionKind.MULTIPLE_CHOICE:
        chosen = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        if isinstance(chosen, str):
            chosen = [chosen]
        if any(c not in question.options for c in chosen):
            raise AnswerInvalidError(_("Select from the answers shown"), name)
        chosen = [o for o in question.options if o in chosen]
        if question.max_choices and len(chosen) > question.max_choices:
            raise AnswerInvalidError(_("Choose up to %(n)s") % {"n": question.max_choices}, name)
        return _required(question, chosen or None, _("Select at least one answer"), name), None
    if kind == QuestionKind.SCALE:
        raw = data.get(name) or ""
        rule = _("Select a number from 1 to %(n)s") % {"n": question.scale_max}
        if not raw:
            return _required(question, None, rule, name), None
        if not _DIGITS.fullmatch(raw) or not 1 <= int(raw) <= question.scale_max:
            raise AnswerInvalidError(rule, name)
        return int(raw), None
    if kind == QuestionKind.NUMBER:
        return _parse_number(question, (data.get(name) or "").strip(), name), None
    if kind == QuestionKind.DATE:
        return _parse_date(question, data, name), None
    if kind == QuestionKind.RANKING:
        return _parse_ranking(question, data, name), None
    if kind == QuestionKind.MATRIX:
        return _parse_matrix(question, data, name, partial=partial_grid), None
    if kind == QuestionKind.FILE:
        upload = (files or {}).get(name)
        if upload is None:
            if existing:
                return existing, None
            return _required(question, None, _("Select a file"), name), None
        checked = check_file(question, upload, name)
        return {"type": checked.extension, "size": checked.size}, checked
    raise AnswerInvalidError(_("This question cannot be answered."), name)


def _required(question: SurveyQuestion, value, message: str, anchor: str):
    if value is None and question.required:
        raise AnswerInvalidError(message, anchor)
    return value


def _parse_number(question: SurveyQuestion, raw: str, name: str):
    if not raw:
        return _required(question, None, number_rule(question), name)
    try:
        value = Decimal(raw.replace(",", "").replace("£", ""))
    except InvalidOperation as error:
        raise AnswerInvalidError(number_rule(question), name) from error
    if not value.is_finite() or abs(value) > NUMBER_LIMIT:
        raise AnswerInvalidError(number_rule(question), name)
    if value != value.quantize(Decimal("0.01")):
        raise AnswerInvalidError(_("Enter a number with up to 2 decimal places"), name)
    low, high = question.number_min, question.number_max
    if (low is not None and value < low) or (high is not None and value > high):
        raise AnswerInvalidError(number_rule(question), name)
    return int(value) if value == value.to_integral_value() else float(value)


def _parse_date(question: SurveyQuestion, data, name: str):
    parts = {p: (data.get(f"{name}-{p}") or "").strip() for p in ("day", "month", "year")}
    if not any(parts.values()):
        return _required(question, None, _("Enter a date"), f"{name}-day")
    missing = [p for p in ("day", "month", "year") if not parts[p]]
    if missing:
        words = {"day": _("a day"), "month": _("a month"), "year": _("a year")}
        raise AnswerInvalidError(
            _("Date must include %(part)s") % {"part": words[missing[0]]}, f"{name}-{missing[0]}"
        )
    if not all(_DIGITS.fullmatch(v) for v in parts.values()):
        raise AnswerInvalidError(_("Date must be a real date"), f"{name}-day", whole=True)
    if len(parts["year"]) != 4:
        raise AnswerInvalidError(_("Year must include 4 numbers"), f"{name}-year")
    try:
        when = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError as error:
        raise AnswerInvalidError(
            _("Date must be a real date"), f"{name}-day", whole=True
        ) from error
    return when.isoformat()


def _parse_ranking(question: SurveyQuestion, data, name: str):
    count = len(question.options)
    raw = [(data.get(f"{name}-{i}") or "").strip() for i in range(count)]
    if not any(raw):
        rule = _("Rank every option from 1 to %(n)s") % {"n": count}
        return _required(question, None, rule, f"{name}-0")
    for i, value in enumerate(raw):
        if not value:
            raise AnswerInvalidError(
                _("Give ‘%(option)s’ a number from 1 to %(n)s")
                % {"option": question.options[i], "n": count},
                f"{name}-{i}",
            )
        if not _DIGITS.fullmatch(value) or not 1 <= int(value) <= count:
            raise AnswerInvalidError(
                _("Rank every option from 1 to %(n)s") % {"n": count}, f"{name}-{i}"
            )
    ranks = [int(v) for v in raw]
    if len(set(ranks)) != count:
        repeated = next(i for i, r in enumerate(ranks) if ranks.count(r) > 1)
        raise AnswerInvalidError(
            _("Use each number from 1 to %(n)s once: %(rank)s is given more than once")
            % {"n": count, "rank": ranks[repeated]},
            f"{name}-{repeated}",
        )
    return [option for _rank, option in sorted(zip(ranks, question.options, strict=True))]


def _parse_matrix(question: SurveyQuestion, data, name: str, *, partial: bool = False):
    chosen = {}
    for i, row in enumerate(question.rows):
        value = data.get(f"{name}-{i}") or None
        if value is not None and value not in question.options:
            raise AnswerInvalidError(
                _("Select an answer for ‘%(row)s’") % {"row": row}, f"{name}-{i}"
            )
        if value is not None:
            chosen[row] = value
    if not chosen:
        return _required(
            question,
            None,
            _("Select an answer for ‘%(row)s’") % {"row": question.rows[0]},
            f"{name}-0",
        )
    missing = next((i for i, row in enumerate(question.rows) if row not in chosen), None)
    if missing is not None and not partial:
        raise AnswerInvalidError(
            _("Select an answer for ‘%(row)s’") % {"row": question.rows[missing]},
            f"{name}-{missing}",
        )
    return chosen


def check_file(question: SurveyQuestion, upload, anchor: str) -> Upload:
    allowed = question.file_types or list(FILE_TYPES)
    limit = question.file_max_mb * 1024 * 1024
    size = getattr(upload, "size", 0) or 0
    if size == 0:
        raise AnswerInvalidError(_("The selected file is empty"), anchor)
    if size > limit:
        raise AnswerInvalidError(
            _("The selected file must be smaller than %(n)sMB") % {"n": question.file_max_mb},
            anchor,
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = next(
        (kind for kind in allowed if any(head.startswith(m) for m in _MAGIC.get(kind, ()))), None
    )
    if found is None:
        raise AnswerInvalidError(
            _("The selected file must be a %(types)s") % {"types": file_types_text(question)},
            anchor,
        )
    return Upload(extension=found, file=upload, size=size)


# --- Checking stored answers (when sending, and for paper responses) ---


def value_valid(question: SurveyQuestion, value) -> bool:
    """Whether a stored answer still fits the question (the question may have changed since a
    draft was saved)."""
    kind = question.kind
    if value is None:
        return True
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        return isinstance(value, str)
    if kind == QuestionKind.SINGLE_CHOICE:
        return value in question.options
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return (
            isinstance(value, list)
            and all(v in question.options for v in value)
            and not (question.max_choices and len(value) > question.max_choices)
        )
    if kind == QuestionKind.RANKING:
        return isinstance(value, list) and sorted(value) == sorted(question.options)
    if kind == QuestionKind.SCALE:
        return isinstance(value, int) and 1 <= value <= question.scale_max
    if kind == QuestionKind.NUMBER:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return False
        number = Decimal(str(value))
        low, high = question.number_min, question.number_max
        return not ((low is not None and number < low) or (high is not None and number > high))
    if kind == QuestionKind.DATE:
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return False
        return True
    if kind == QuestionKind.MATRIX:
        # Every row online; a paper response may leave rows blank.
        return (
            isinstance(value, dict)
            and bool(value)
            and set(value) <= set(question.rows)
            and all(v in question.options for v in value.values())
        )
    if kind == QuestionKind.FILE:
        return isinstance(value, dict) and value.get("type") in FILE_TYPES
    return False


def answer_text(question: SurveyQuestion, value) -> str:
    """An answer as plain text, for "Check your answers" and exports (files as a flag only)."""
    if value is None:
        return ""
    kind = question.kind
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return "; ".join(value)
    if kind == QuestionKind.RANKING:
        return "; ".join(f"{i}. {label}" for i, label in enumerate(value, start=1))
    if kind == QuestionKind.MATRIX:
        return "; ".join(f"{row}: {value.get(row, '')}" for row in question.rows)
    if kind == QuestionKind.DATE:
        return date_format(date.fromisoformat(value), "j F Y")
    if kind == QuestionKind.FILE:
        return _("file attached")
    if kind == QuestionKind.SCALE:
        return f"{value} / {question.scale_max}"
    return str(value)


def form_values(question: SurveyQuestion, value, *, prefix: str = "") -> dict:
    """The form field values that show a stored answer again (for a page's inputs)."""
    name = f"{prefix}answer"
    if value is None:
        return {}
    kind = question.kind
    if kind == QuestionKind.DATE:
        when = date.fromisoformat(value)
        return {
            f"{name}-day": str(when.day),
            f"{name}-month": str(when.month),
            f"{name}-year": str(when.year),
        }
    if kind == QuestionKind.RANKING:
        return {
            f"{name}-{question.options.index(v)}": str(rank)
            for rank, v in enumerate(value, 1)
            if v in question.options
        }
    if kind == QuestionKind.MATRIX:
        return {f"{name}-{i}": value.get(row, "") for i, row in enumerate(question.rows)}
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return {name: list(value)}
    if kind == QuestionKind.FILE:
        return {}
    return {name: str(value)}


def posted_values(question: SurveyQuestion, data, *, prefix: str = "") -> dict:
    """What was sent for one question, to show it again beside an error."""
    name = f"{prefix}answer"
    values = {k: data.get(k) for k in data if k.startswith(name)}
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        chosen = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        values[name] = [chosen] if isinstance(chosen, str) else list(chosen)
    return values


def field_context(question: SurveyQuestion, values: dict, *, prefix: str = "", error=None):
    """Everything a template needs to draw one question's inputs (ids, names, current values
    and the error), so templates need no dictionary look-ups with computed keys."""
    name = f"{prefix}answer"
    current = values.get(name)
    chosen = current if isinstance(current, list) else ([current] if current else [])
    anchor = error.anchor if error is not None else None
    context = {
        "name": name,
        "id": name,
        "value": current if isinstance(current, str) else "",
        "error": error.message if error is not None and question.kind != "matrix" else "",
        "types_text": file_types_text(question),
        # Choice questions with no hint of their own have nothing to add; the others explain
        # how to answer (choose up to, rank, what the scale means, a date's format).
        "has_hint": bool(question.hint) or question.kind != QuestionKind.SINGLE_CHOICE,
        "options": [
            {"id": name if i == 0 else f"{name}-{i}", "label": label, "checked": label in chosen}
            for i, label in enumerate(question.options)
        ],
    }
    if question.kind == QuestionKind.SCALE:
        context["options"] = [
            {"id": name if n == 1 else f"{name}-{n}", "label": str(n), "checked": current == str(n)}
            for n in range(1, question.scale_max + 1)
        ]
    if question.kind == QuestionKind.DATE:
        context["parts"] = [
            {
                "id": f"{name}-{part}",
                "label": label,
                "value": values.get(f"{name}-{part}") or "",
                "width": 4 if part == "year" else 2,
                "error": anchor == f"{name}-{part}" or bool(error is not None and error.whole),
            }
            for part, label in (("day", _("Day")), ("month", _("Month")), ("year", _("Year")))
        ]
    if question.kind == QuestionKind.RANKING:
        context["ranks"] = list(range(1, len(question.options) + 1))
        context["items"] = [
            {
                "id": f"{name}-{i}",
                "label": label,
                "value": values.get(f"{name}-{i}") or "",
                "error": anchor == f"{name}-{i}",
            }
            for i, label in enumerate(question.options)
        ]
    if question.kind == QuestionKind.MATRIX:
        context["rows"] = [
            {
                "id": f"{name}-{i}",
                "label": row,
                "error": error.message if anchor == f"{name}-{i}" else "",
                "columns": [
                    {
                        "id": f"{name}-{i}" if j == 0 else f"{name}-{i}-{j}",
                        "label": column,
                        "checked": values.get(f"{name}-{i}") == column,
                    }
                    for j, column in enumerate(question.options)
                ],
            }
            for i, row in enumerate(question.rows)
        ]
    return context


# --- Free text grouped for reading ---

_STOP_WORDS_TEXT = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few
    for from further get got had has have having he her here hers herself him himself his how
    i if in into is it its itself just like me more most much my myself no nor not now of off
    on once only or other our ours ourselves out over own really same she should so some such
    than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would
    you your yours yourself yourselves think want need needs people please lot lots make made
    one ones thing things way well good better much many even still dont don't im it's cant
    can't won't isnt isn't"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
_WORD = re.compile(r"[a-z][a-z']+")
MAX_GROUPS = 8


def keywords(text: str) -> set[str]:
    """The text's words without stop words, lightly stemmed ("trees" -> "tree")."""
    found = set()
    for word in _WORD.findall(text.lower()):
        word = word.strip("'").removesuffix("'s")
        if len(word) < 3 or word in STOP_WORDS:
            continue
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
            word = word[:-1]
        found.add(word)
    return found


def group_texts(texts: list[str], *, max_groups: int = MAX_GROUPS) -> list[dict]:
    """Free-text answers grouped by a shared key word, for reading.

    Repeatedly take the key word found in the most answers not yet grouped (at least two; ties
    go alphabetically), and make a group of those answers. Whatever is left is "Other answers"
    (keyword None). Deterministic: the same answers always give the same groups.
    """
    remaining = [(i, text, keywords(text)) for i, text in enumerate(texts)]
    groups = []
    while remaining and len(groups) < max_groups:
        counts = Counter(word for _i, _t, words in remaining for word in words)
        if not counts:
            break
        word, count = min(counts.items(), key=lambda item: (-item[1], item[0]))
        if count < 2:
            break
        groups.append(
            {"keyword": word, "answers": [t for _i, t, words in remaining if word in words]}
        )
        remaining = [r for r in remaining if word not in r[2]]
    if remaining:
        groups.append({"keyword": None, "answers": [t for _i, t, _w in remaining]})
    return groups
