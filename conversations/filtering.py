"""Chatwoot's filter queries (``POST conversations/filter``, ``POST contacts/filter``) as ``Q``.

A query is a list of conditions ``{attribute_key, filter_operator, values, query_operator}``.
Each condition's ``query_operator`` (``AND``/``OR``) joins it to the next one, and AND binds
tighter than OR, as in the single SQL string Chatwoot builds from them: ``a AND b OR c`` is
``(a AND b) OR c``. The attributes and the operators each allows are Chatwoot's
(``lib/filters/filter_keys.yml``); what Chatwoot does not know is refused, naming the condition.

Custom attributes are not filterable: Chatwoot types them by their account's attribute
definitions, which CarbonChat does not have, and an untyped comparison would answer wrongly.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.utils import dateparse, timezone

from .models import Contact, Conversation

MAX_CONDITIONS = 50
MAX_VALUES = 100
MAX_TEXT = 255
MAX_NUMBER = 2**31 - 1

EQUALITY = ("equal_to", "not_equal_to")
PRESENCE = ("is_present", "is_not_present")
CONTAINS = ("contains", "does_not_contain")
DATES = ("is_greater_than", "is_less_than", "days_before")


class FilterError(ValueError):
    """A condition Chatwoot would refuse too: ``message`` says why, ``field`` which one."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Attribute:
    """A filterable attribute: where it lives, how its values read, which operators it takes."""

    path: str
    # text | ci_text | number | date | latest_date | labels | boolean | choice | json | json_ci
    kind: str
    operators: tuple[str, ...]
    choices: tuple[str, ...] = ()


CONVERSATION_ATTRIBUTES: dict[str, Attribute] = {
    "status": Attribute("status", "choice", EQUALITY, tuple(Conversation.Status.values)),
    "assignee_id": Attribute("assignee_id", "number", EQUALITY + PRESENCE),
    "inbox_id": Attribute("inbox_id", "number", EQUALITY + PRESENCE),
    "team_id": Attribute("team_id", "number", EQUALITY + PRESENCE),
    "priority": Attribute("priority", "choice", EQUALITY, tuple(Conversation.Priority.values)),
    "display_id": Attribute("display_id", "number", EQUALITY + CONTAINS),
    "labels": Attribute("labels", "labels", EQUALITY + PRESENCE),
    "browser_language": Attribute("additional_attributes__browser_language", "json", EQUALITY),
    "conversation_language": Attribute(
        "additional_attributes__conversation_language", "json", EQUALITY
    ),
    "referer": Attribute("additional_attributes__referer", "json", EQUALITY + CONTAINS),
    "mail_subject": Attribute("additional_attributes__mail_subject", "json", EQUALITY + CONTAINS),
    "created_at": Attribute("created_at", "date", DATES),
    "last_activity_at": Attribute("last_activity_at", "date", DATES),
}

CONTACT_ATTRIBUTES: dict[str, Attribute] = {
    "name": Attribute("name", "ci_text", EQUALITY + CONTAINS),
    "phone_number": Attribute("phone_number", "text", EQUALITY + CONTAINS + ("starts_with",)),
    "email": Attribute("email", "ci_text", EQUALITY + CONTAINS),
    "identifier": Attribute("identifier", "ci_text", EQUALITY),
    "country_code": Attribute("additional_attributes__country_code", "json_ci", EQUALITY),
    "city": Attribute("additional_attributes__city", "json_ci", EQUALITY + CONTAINS),
    "company": Attribute("additional_attributes__company", "json_ci", EQUALITY + CONTAINS),
    "labels": Attribute("labels", "labels", EQUALITY + PRESENCE),
    "created_at": Attribute("created_at", "date", DATES),
    # Contacts keep no activity time of their own: their latest conversation's activity.
    "last_activity_at": Attribute("conversations__last_activity_at", "latest_date", DATES),
    "blocked": Attribute("blocked", "boolean", EQUALITY),
}


def conversations_filtered(
    conversations: QuerySet[Conversation], conditions: Any
) -> QuerySet[Conversation]:
    return conversations.filter(_query(conditions, CONVERSATION_ATTRIBUTES, Conversation))


def contacts_filtered(contacts: QuerySet[Contact], conditions: Any) -> QuerySet[Contact]:
    # A condition on conversations may join several rows per contact.
    return contacts.filter(_query(conditions, CONTACT_ATTRIBUTES, Contact))


def _query(conditions: Any, attributes: dict[str, Attribute], model: type) -> Q:
    if not isinstance(conditions, list) or not conditions:
        raise FilterError("payload: send a list of conditions.", "payload")
    if len(conditions) > MAX_CONDITIONS:
        raise FilterError(f"payload: at most {MAX_CONDITIONS} conditions.", "payload")
    groups: list[Q] = []
    group = Q()
    for index, condition in enumerate(conditions):
        field = f"payload[{index}]"
        if not isinstance(condition, dict):
            raise FilterError(f"{field}: a condition is an object.", field)
        group &= _condition(condition, attributes, model, field)
        joiner = condition.get("query_operator")
        joiner = joiner.upper() if isinstance(joiner, str) else joiner
        if joiner not in (None, "", "AND", "OR"):
            raise FilterError(
                f"{field}.query_operator: AND or OR, not {joiner!r}.", f"{field}.query_operator"
            )
        if joiner == "OR":
            groups.append(group)
            group = Q()
    groups.append(group)
    query = Q()
    for each in groups:
        query |= each
    return query


def _condition(condition: dict[str, Any], attributes: dict[str, Attribute], model: type, field):
    key = condition.get("attribute_key")
    attribute = attributes.get(key) if isinstance(key, str) else None
    if attribute is None:
        raise FilterError(
            f"{field}.attribute_key: {key!r} is not filterable; use one of "
            f"{', '.join(attributes)}.",
            f"{field}.attribute_key",
        )
    operator = condition.get("filter_operator")
    if operator not in attribute.operators:
        raise FilterError(
            f"{field}.filter_operator: {key} takes {', '.join(attribute.operators)}.",
            f"{field}.filter_operator",
        )
    if operator in PRESENCE:
        return _presence(attribute, model, operator == "is_present")
    values = condition.get("values")
    if not isinstance(values, list):
        values = [values] if values not in (None, "") else []
    if not values or len(values) > MAX_VALUES:
        raise FilterError(
            f"{field}.values: {key} {operator} needs from 1 to {MAX_VALUES} values.",
            f"{field}.values",
        )
    read = _reader(attribute, f"{field}.values")
    if operator in DATES:
        return _dates(attribute, model, operator, values[0], f"{field}.values")
    if operator in CONTAINS:
        return _contains(attribute, [read(v) for v in values], operator == "contains")
    if operator == "starts_with":
        return Q(**{f"{attribute.path}__istartswith": read(values[0])})
    return _equality(attribute, model, [read(v) for v in values], operator == "equal_to")


def _reader(attribute: Attribute, field: str) -> Callable[[Any], Any]:
    def text(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise FilterError(f"{field}: {value!r} is not a text.", field)
        value = str(value).strip()
        if not value or len(value) > MAX_TEXT:
            raise FilterError(f"{field}: texts of 1 to {MAX_TEXT} characters.", field)
        return value

    def number(value: Any) -> int:
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_NUMBER:
            raise FilterError(f"{field}: {value!r} is not a whole number.", field)
        return value

    def choice(value: Any) -> str:
        if value not in (*attribute.choices, "all"):
            raise FilterError(f"{field}: {value!r} is not one of {attribute.choices}.", field)
        return value

    def boolean(value: Any) -> bool:
        if value in (True, "true", "True", 1, "1"):
            return True
        if value in (False, "false", "False", 0, "0"):
            return False
        raise FilterError(f"{field}: {value!r} is not true or false.", field)

    def lowered(value: Any) -> str:
        return text(value).lower()

    return {
        "number": number,
        "choice": choice,
        "boolean": boolean,
        "ci_text": lowered,
        "json_ci": lowered,
        "labels": lowered,
    }.get(attribute.kind, text)


def _annotated(attribute: Attribute, model: type, condition: Callable[[str], Q]) -> Q:
    """``condition`` on the attribute; an aggregate one (a contact's latest activity) through
    an annotated primary-key subquery."""
    if attribute.kind != "latest_date":
        return condition(attribute.path)
    rows = model.objects.annotate(_latest=Max(attribute.path)).filter(condition("_latest"))
    return Q(pk__in=rows.values("pk"))


def _equality(attribute: Attribute, model: type, values: list[Any], equal: bool) -> Q:
    if attribute.kind == "labels":
        tagged = model.labels.through.objects.filter(label__title__in=values)
        owner = f"{model._meta.model_name}_id"
        query = Q(pk__in=tagged.values(owner))
    elif attribute.kind == "choice" and "all" in values:
        query = Q()  # Chatwoot: status "all" is every status
    elif attribute.kind in ("ci_text", "json_ci"):
        query = Q()
        for value in values:
            query |= Q(**{f"{attribute.path}__iexact": value})
    else:
        query = Q(**{f"{attribute.path}__in": values})
    return query if equal else ~query


def _contains(attribute: Attribute, values: list[Any], contains: bool) -> Q:
    # A number's digits are matched as text (display_id contains 12: 12, 112, 120…).
    lookup = "contains" if attribute.kind == "number" else "icontains"
    any_match = Q()
    for value in values:
        any_match |= Q(**{f"{attribute.path}__{lookup}": str(value)})
    return any_match if contains else ~any_match


def _presence(attribute: Attribute, model: type, present: bool) -> Q:
    if attribute.kind == "labels":
        query = Q(labels__isnull=False)
        owners = model.objects.filter(query).values("pk")
        return Q(pk__in=owners) if present else ~Q(pk__in=owners)
    query = Q(**{f"{attribute.path}__isnull": False})
    return query if present else ~query


def _dates(attribute: Attribute, model: type, operator: str, value: Any, field: str) -> Q:
    if operator == "days_before":
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 36500:
            raise FilterError(f"{field}: days_before takes a number of days.", field)
        moment = _start_of(timezone.localdate() - timedelta(days=value))
        lookup = "lt"
    else:
        moment, whole_day = _moment(value, field)
        lookup = "gt" if operator == "is_greater_than" else "lt"
        if whole_day and lookup == "gt":
            # Chatwoot compares dates: after a day is from the next day's start.
            moment, lookup = moment + timedelta(days=1), "gte"
    return _annotated(attribute, model, lambda target: Q(**{f"{target}__{lookup}": moment}))


def _moment(value: Any, field: str) -> tuple[datetime, bool]:
    """The time ``value`` names, and whether it named a whole day."""
    parsed: datetime | date | None = None
    if isinstance(value, str) and len(value) <= 40:
        try:
            parsed = dateparse.parse_datetime(value) or dateparse.parse_date(value)
        except ValueError:
            parsed = None
    if parsed is None:
        raise FilterError(f"{field}: {value!r} is not a date (YYYY-MM-DD).", field)
    if not isinstance(parsed, datetime):
        return _start_of(parsed), True
    return (parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)), False


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
