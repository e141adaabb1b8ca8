"""Page-number pagination as Chatwoot's API does it: ``?page=N``, a fixed page size."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

PAGE_SIZE = 25


def page_of(queryset: QuerySet, page: str | None) -> tuple[list[Any], dict[str, int]]:
    if page in (None, ""):
        number = 1
    elif not page.isdigit() or int(page) < 1:
        raise serializers.ValidationError({"page": ["Must be a positive integer."]})
    else:
        number = int(page)
    count = queryset.count()
    start = (number - 1) * PAGE_SIZE
    return list(queryset[start : start + PAGE_SIZE]), {
        "all_count": count,
        "current_page": number,
        "page_size": PAGE_SIZE,
    }
