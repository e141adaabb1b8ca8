"""Page-number pagination as Chatwoot's API does it: ``?page=N``, a fixed page size."""

from typing import Any

from django.db.models import QuerySet

from .params import query_int

PAGE_SIZE = 25


def page_of(queryset: QuerySet, page: str | None) -> tuple[list[Any], dict[str, int]]:
    number = query_int(page, "page") or 1
    count = queryset.count()
    start = (number - 1) * PAGE_SIZE
    return list(queryset[start : start + PAGE_SIZE]), {
        "all_count": count,
        "current_page": number,
        "page_size": PAGE_SIZE,
    }
