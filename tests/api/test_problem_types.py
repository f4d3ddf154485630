"""The one table of problem types covers every domain error, and every type URI serves its page."""

import html
import string

import pytest
from fastapi import Request

from acompte.adapters import problems
from acompte.adapters.api import errors
from acompte.adapters.i18n import gettext, render
from acompte.adapters.i18n.messages import MESSAGES
from acompte.domain import errors as domain_errors
from acompte.domain.errors import DomainError


def all_domain_errors() -> list[type[DomainError]]:
    found, stack = [], [DomainError]
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return [c for c in found if c.__module__ == domain_errors.__name__]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("error", all_domain_errors(), ids=lambda c: c.__name__)
def test_every_domain_error_has_its_problem_type(error):
    assert error in problems.BY_ERROR, f"add a ProblemType for {error.__name__} to adapters/problems.py PROBLEMS"
    problem = problems.BY_ERROR[error]
    assert problem.code == error.code and problem.status == problems.status_of(error)
    assert problem.type_uri == f"/api/v1/errors/{error.code}"
    french = render.template_of(error)
    assert error.code in MESSAGES, f"add the sentence of {error.__name__} to adapters/i18n/messages.py"
    english = gettext("en", french)
    assert english != french, f"translate {french!r} in the English catalogue"
    assert placeholders(english) <= placeholders(french), "English detail uses unknown params"
    assert all(problem.title(lang) and problem.about(lang) for lang in ("fr", "en"))
    assert problem.title("en") != problem.title("fr") or problem.title("fr") == "Document"


def test_codes_are_unique_and_stable_uris():
    codes = [p.code for p in errors.PROBLEMS]
    assert len(codes) == len(set(codes))
    assert all(code == code.lower() and " " not in code for code in codes)


@pytest.mark.parametrize("problem", errors.PROBLEMS, ids=lambda p: p.code)
def test_every_type_uri_serves_a_page_that_describes_it(client, problem):
    page = client.get(problem.type_uri)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert html.escape(problem.title("fr")) in page.text and html.escape(problem.title("en")) in page.text
    described = client.get(problem.type_uri, headers={"Accept": "application/json"}).json()
    assert (described["code"], described["status"]) == (problem.code, problem.status)


def test_the_index_lists_every_type_and_an_unknown_one_is_not_found(client):
    index = client.get("/api/v1/errors")
    assert all(p.type_uri in index.text for p in errors.PROBLEMS)
    assert client.get("/api/v1/errors/no-such-error").status_code == 404


def request_with(language: str) -> Request:
    return Request({"type": "http", "headers": [(b"accept-language", language.encode())], "path": "/"})


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", "fr"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("de, en;q=0.5, fr;q=0.8", "fr"),
        ("de", "fr"),
        ("fr;q=0, en", "en"),
    ],
)
def test_the_language_follows_accept_language(header, expected):
    assert errors.language(request_with(header)) == expected


def test_an_error_class_missing_from_the_table_still_answers_with_its_own_code_and_status():
    class NewError(domain_errors.OverAllocation):
        code = "brand-new"
        status = 409

    response = errors.domain_problem(request_with("en"), NewError(requested="1", available="0", source="X"))
    assert response.status_code == 409
    assert b'"/api/v1/errors/brand-new"' in response.body
