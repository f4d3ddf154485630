"""The standards' published example files uploaded over HTTP: each one's lines as the example has them; and each
malformed file made from them refused with 422, its error code and params (the line, the field, the figures) in
the problem, and nothing written (tests/bank_import_cases.py holds the files and the refusals)."""

from __future__ import annotations

from typing import Any

import pytest

from acompte.services.banking import accounts
from tests.bank_import_cases import (
    FINPETROL_IBAN,
    ISO_CAMT053,
    OFX_SPEC,
    OFX_SPEC_SGML,
    POSTFINANCE_CAMT054,
    POSTFINANCE_IBAN,
    REFUSALS,
    Into,
    Refusal,
    read,
)
from tests.helpers import snapshot


def account(app, api, into: Into) -> tuple[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """An account in the file's currency (of the case's IBAN), and the form naming its bank's CSV mapping if any."""
    created = accounts.create_account(app.uow(), api.ctx, name="Banque", iban=into.iban, currency=into.currency)
    form: dict[str, str] = {}
    if into.mapping:
        mapping = api.post("bank-csv-mappings", json=into.mapping)
        assert mapping.status_code == 201, mapping.text
        form["mapping_id"] = mapping.json()["id"]
    return str(created.id), form


def upload(api, account_id: str, name: str, data: bytes, **form: str):  # type: ignore[no-untyped-def]
    return api.post(f"bank-accounts/{account_id}/imports", files={"file": (name, data)}, data=form)


def lines(api, account_id: str) -> list[tuple[Any, ...]]:  # type: ignore[no-untyped-def]
    items = api.get(f"bank-lines?account_id={account_id}").json()["items"]
    return [
        (
            line["booking_date"],
            line["value_date"],
            line["amount"]["amount"],
            line["amount"]["currency"],
            line["entry_reference"],
            line["reference"],
            line["counterparty_name"],
            line["counterparty_iban"],
            line["transaction_code"],
        )
        for line in items
    ]


def test_the_iso_camt053_business_example_is_uploaded_with_its_balances(app, api):  # type: ignore[no-untyped-def]
    finpetrol, _ = account(app, api, Into("SEK", FINPETROL_IBAN))
    done = upload(api, finpetrol, ISO_CAMT053, read(ISO_CAMT053))
    assert done.status_code == 201, done.text
    assert (done.json()["format"], done.json()["added"], done.json()["opening"], done.json()["closing"]) == (
        "camt.053",
        3,
        {"amount": "500000.00", "currency": "SEK"},
        {"amount": "435678.50", "currency": "SEK"},
    )
    day = "2010-10-18"
    assert lines(api, finpetrol) == [
        (day, day, "105678.50", "SEK", "AAAASESS-FP-CN_98765/01", "", "MUELLER", "", "PAYM-0001-0005"),
        (day, day, "-200000.00", "SEK", "AAAASESS-FP-ACCR-01", "", "", "", "PAYM-0001-0003"),
        (day, day, "30000.00", "SEK", "AAAASESS-FP-CONF-FX", "", "", "", "TREA-0002-0000"),
    ]
    again = upload(api, finpetrol, ISO_CAMT053, read(ISO_CAMT053)).json()
    assert (again["added"], again["skipped"]) == (0, 3)


def test_the_postfinance_camt054_example_is_uploaded_as_one_batch_credit(app, api):  # type: ignore[no-untyped-def]
    postfinance, _ = account(app, api, Into("CHF", POSTFINANCE_IBAN))
    done = upload(api, postfinance, POSTFINANCE_CAMT054, read(POSTFINANCE_CAMT054))
    assert done.status_code == 201, done.text
    assert (done.json()["format"], done.json()["added"], done.json()["closing"]) == ("camt.054", 1, None)
    assert lines(api, postfinance) == [
        (
            "2020-06-18",
            "2020-06-18",
            "1692.22",
            "CHF",
            "1000000000000000",
            "539115429773825311971477453 662437765447746478179744715",
            "Bernasconi Maria",
            "CH5109000000250092291",
            "PMNT-RCDT-VCOM",
        )
    ]


@pytest.mark.parametrize("name", [OFX_SPEC, OFX_SPEC_SGML])
def test_the_ofx_specification_example_is_uploaded_in_either_form(app, api, name):  # type: ignore[no-untyped-def]
    checking, _ = account(app, api, Into("USD"))
    done = upload(api, checking, name, read(name))
    assert done.status_code == 201, done.text
    assert (done.json()["format"], done.json()["added"], done.json()["opening"], done.json()["closing"]) == (
        "ofx",
        2,
        None,
        {"amount": "200.29", "currency": "USD"},
    )
    assert lines(api, checking) == [
        ("2005-10-04", None, "-200.00", "USD", "00002", "1000", "", "", "CHECK"),
        ("2005-10-20", "2005-10-20", "-300.00", "USD", "00003", "", "", "", "ATM"),
    ]


def plain(value: object) -> object:
    """A param as the problem document writes it: numbers as they are, the rest (Money, codes) as text."""
    return value if isinstance(value, int) else str(value)


@pytest.mark.parametrize("case", REFUSALS, ids=lambda case: case.id)
def test_a_malformed_file_is_refused_with_its_code_and_params_and_writes_nothing(app, api, case: Refusal):  # type: ignore[no-untyped-def]
    account_id, form = account(app, api, case.into)
    before = snapshot(app.uow(), api.ctx)
    refused = upload(api, account_id, case.fixture, case.data(), **form)
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["code"] == case.error.code
    assert {key: problem.get(key) for key in case.params} == {key: plain(v) for key, v in case.params.items()}
    assert "Rien n'a été importé" in problem["detail"]
    assert api.get(f"bank-lines?account_id={account_id}").json()["items"] == []
    assert api.get(f"bank-imports?account_id={account_id}").json()["items"] == []
    assert snapshot(app.uow(), api.ctx) == before
