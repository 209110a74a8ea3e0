"""Pages of the staff API's lists: ?page=N&page_size=M, with the total count and links."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from cdop.api.exceptions import PageNotFoundError
from cdop.api.presenters import PageRows

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Far beyond any list here, and small enough that no database is asked for a silly offset.
MAX_PAGE = 100_000


def _whole_number(request: Request, name: str, *, low: int, high: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise serializers.ValidationError(
            {name: [f"{name} must be a whole number from {low} to {high}, like {low}"]}
        )
    return int(text)


class StaffPagination(PageNumberPagination):  # type: ignore[misc]
    """Page numbers from 1, at most 200 rows a page (50 unless page_size says otherwise).

    Bad values are refused (400) rather than quietly replaced, and a page past the end is a
    404 that says how many pages there are."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        size = _whole_number(request, "page_size", low=1, high=MAX_PAGE_SIZE)
        return size if size is not None else self.page_size

    def paginate_rows(
        self,
        queryset: QuerySet[Any],
        request: Request,
        *,
        rows: PageRows,
        total: int | None = None,
    ) -> list[tuple[Any, ...]]:
        """The page's rows (rows.select's columns), in the list's order.

        The count (unless the caller knows it: `total`), then in one statement the page's
        ids, from the filter and the order alone (no join to what the rows show, which
        would steer the database off the index that gives the order), and those ids'
        columns: the work does not grow with the table, and no row is a model instance."""
        size = self.get_page_size(request)
        number = _whole_number(request, "page", low=1, high=MAX_PAGE) or 1
        paginator = self.django_paginator_class(queryset.values_list("pk", flat=True), size)
        if total is not None:
            paginator.__dict__["count"] = total  # fills the cached property
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            pages = paginator.num_pages
            raise PageNotFoundError(
                f"There is no page {number}: this list has {pages} page{'s' if pages != 1 else ''}"
                f" of up to {size} rows."
            ) from None
        self.request = request
        ids = self.page.object_list
        if ids.query.is_empty() or ids.query.low_mark == ids.query.high_mark:
            return []
        try:
            return rows.fetch(ids, queryset)
        except EmptyResultSet:  # a filter that matches nothing: no statement is sent
            return []
