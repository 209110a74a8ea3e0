"""GOV.UK pagination: the same markup on every paginated list, the current page a link
marked aria-current as in govuk-frontend (a page number wrapped in govuk-body text took the
body's near-black on the current item's blue, 3.22:1, and failed colour contrast)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory

from cdop.core.tests.helpers import page_of


def render(query: str, number: int, tag_arguments: str = "") -> str:
    page = Paginator(range(100), 10).page(number)
    request = RequestFactory().get(f"/list/?{query}")
    template = Template("{% load govuk_pagination %}{% pagination page " + tag_arguments + " %}")
    return template.render(Context({"page": page, "request": request}))


def test_the_current_page_is_a_link_marked_as_current_as_govuk_frontend_draws_it():
    html = render("status=new", 5)

    assert (
        '<li class="govuk-pagination__item govuk-pagination__item--current">'
        '<a class="govuk-link govuk-pagination__link" href="?status=new&amp;page=5" '
        'aria-label="Page 5" aria-current="page">5</a></li>'
    ) in html
    assert "govuk-body" not in html
    assert page_of(html) == (5, 10)


def test_the_first_the_last_and_the_pages_next_to_this_one_are_listed_with_gaps_marked():
    html = render("", 5)

    listed = [n for n in range(1, 11) if f'aria-label="Page {n}"' in html]
    assert listed == [1, 4, 5, 6, 10]
    assert html.count("govuk-pagination__item--ellipsis") == 2
    assert 'href="?page=4" rel="prev"' in html
    assert 'href="?page=6" rel="next"' in html


def test_a_second_list_on_the_page_pages_by_its_own_name_and_comes_back_to_its_place():
    html = render("page=3", 1, 'param="clocks_page" fragment="overdue"')

    assert 'href="?page=3&amp;clocks_page=2#overdue" rel="next"' in html
    assert 'rel="prev"' not in html


def test_a_list_of_one_page_has_no_pagination():
    page = Paginator(range(5), 10).page(1)
    template = Template("{% load govuk_pagination %}{% pagination page %}")

    assert "govuk-pagination" not in template.render(Context({"page": page}))
