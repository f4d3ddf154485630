"""Real problem+json answers read in one language: English words for Accept-Language: en, French otherwise."""

from __future__ import annotations

import pytest

from tests.api.conftest import eur, line
from tests.i18n.test_languages import leaks

ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
FRENCH = {"Accept-Language": "fr"}


def assert_one_language(response, lang: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    problem = response.json()
    assert response.headers["content-language"] == lang
    for member in ("title", "detail"):
        assert not leaks(problem[member], lang), f"{lang} {member}: {problem[member]!r}"
    for field_error in problem.get("errors", []):
        assert not leaks(field_error["message"], lang), field_error
    return problem  # type: ignore[no-any-return]


@pytest.mark.parametrize(("headers", "lang"), [(ENGLISH, "en"), (FRENCH, "fr")])
def test_refusals_read_in_the_asked_language(api, customer, headers, lang):
    unknown_method = api.post(
        "payments",
        json={"party_id": str(customer.id), "amount": eur("10.00"), "method": "bitcoin"},
        headers=headers,
    )
    assert unknown_method.status_code == 422
    detail = assert_one_language(unknown_method, lang)["detail"]
    assert "bitcoin" in detail

    payment = api.post("payments", json={"party_id": str(customer.id), "amount": eur("30.00"), "method": "cheque"})
    doc = api.post(
        "documents",
        json={"kind": "invoice", "flow": "sale", "party_id": str(customer.id), "lines": [line("100.00")]},
    ).json()
    api.post(f"documents/{doc['id']}/validate")
    over = api.post(
        f"payments/{payment.json()['id']}/allocations",
        json={"document_id": str(doc["id"]), "amount": eur("40.00")},
        headers=headers,
    )
    assert over.status_code == 422
    detail = assert_one_language(over, lang)["detail"]
    assert ("€40.00" if lang == "en" else "40,00\u00a0€") in detail and "EUR" not in detail

    frozen = api.patch(f"documents/{doc['id']}", json={"lines": [line("1.00")]}, headers=headers)
    assert frozen.status_code == 409
    assert_one_language(frozen, lang)

    invalid = api.post("payments", json={"party_id": 1, "amount": {"amount": 3}, "surprise": 1}, headers=headers)
    assert invalid.status_code == 422
    assert_one_language(invalid, lang)

    missing = api.get("documents/999999999", headers=headers)
    assert missing.status_code == 404
    assert_one_language(missing, lang)
