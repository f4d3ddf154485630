"""Foreign currency through the HTTP API: a USD invoice issued with its exchange rate, paid in dollars at
another rate, exported in euros with its realised exchange difference (756), its FEC with the currency columns,
and its Factur-X with the VAT in euros (BR-FR-CO-12); the rates refused or required with their error codes."""

from __future__ import annotations

from datetime import date

from acompte.adapters.exports.fec import check_fec, read_fec
from tests.api.conftest import eur, line
from tests.exports.validation import fatal_failures

TODAY = date.today()
YEAR = {"date_from": f"{TODAY.year}-01-01", "date_to": TODAY.isoformat()}


def usd(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "USD"}


def customer(api, app) -> dict:  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        uow.companies.update(api.ctx.company_id, vat_number="FR11123456782", address="12 rue des Artisans, 69003 Lyon")
        uow.commit()
    return api.post(  # type: ignore[no-any-return]
        "parties", json={"name": "Acme Corp", "siren": "552100554", "address": "3 place du Marché, 75011 Paris"}
    ).json()


def test_a_dollar_invoice_paid_at_another_rate_is_exported_with_its_exchange_difference(api, app):
    party = customer(api, app)
    draft = api.post(
        "documents",
        json={"kind": "invoice", "party_id": party["id"], "currency": "USD", "lines": [line("1000.00")]},
    ).json()
    assert draft["exchange_rate"] is None
    refused = api.post(f"documents/{draft['id']}/validate")
    assert refused.status_code == 422 and refused.json()["code"] == "exchange-rate-required"
    invoice = api.post(f"documents/{draft['id']}/validate", json={"exchange_rate": "0.921537"})
    assert invoice.status_code == 200, invoice.text
    invoice = invoice.json()
    assert (invoice["number"] is not None, invoice["exchange_rate"]) == (True, "0.921537")

    payment = {
        "party_id": party["id"],
        "amount": usd("1200.00"),
        "method": "transfer",
        "allocations": [{"document_id": invoice["id"], "amount": usd("1200.00")}],
    }
    missing = api.post("payments", json=payment)
    assert missing.status_code == 422 and missing.json()["code"] == "exchange-rate-required"
    paid = api.post("payments", json={**payment, "exchange_rate": "0.95"})
    assert paid.status_code == 201, paid.text
    assert api.get(f"payments/{paid.json()['id']}").json()["exchange_rate"] == "0.95"

    run = api.post("exports", json=YEAR)
    assert run.status_code == 201, run.text
    entries = api.get(f"exports/{run.json()['id']}/entries").json()["entries"]
    booked = [
        (e["journal"], [(x["account"], x["debit"]["amount"], x["credit"]["amount"]) for x in e["lines"]])
        for e in entries
    ]
    assert booked == [
        ("VE", [("411", "1105.84", "0.00"), ("707", "0.00", "921.53"), ("44571", "0.00", "184.31")]),
        ("BQ", [("512", "1140.00", "0.00"), ("411", "0.00", "1140.00")]),
        ("OD", [("411", "34.16", "0.00"), ("756", "0.00", "34.16")]),
    ]
    assert entries[0]["lines"][0]["foreign_amount"] == usd("1200.00")
    assert entries[2]["lines"][0]["foreign_amount"] is None
    assert all(x["letter"] for e in entries for x in e["lines"] if x["account"] == "411")

    fec = api.get(f"exports/{run.json()['id']}/fec")
    assert check_fec(fec.content, date_from=date(TODAY.year, 1, 1), date_to=TODAY) == []
    _, lines = read_fec(fec.content)
    assert [(v.values["Montantdevise"], v.values["Idevise"]) for v in lines] == [
        ("1200,00", "USD"),
        ("1000,00", "USD"),
        ("200,00", "USD"),
        ("1200,00", "USD"),
        ("1200,00", "USD"),
        ("", ""),
        ("", ""),
    ]

    xml = api.get(f"documents/{invoice['id']}/facturx/xml")
    assert xml.status_code == 200, xml.text
    assert b"<ram:TaxCurrencyCode>EUR</ram:TaxCurrencyCode>" in xml.content
    assert b'<ram:TaxTotalAmount currencyID="EUR">184.31</ram:TaxTotalAmount>' in xml.content
    assert all(not failures for failures in fatal_failures(xml.content).values())


def test_rates_are_refused_for_the_company_currency_and_when_not_positive(api, app):
    party = customer(api, app)
    euro = api.post(
        "documents",
        json={"kind": "invoice", "party_id": party["id"], "lines": [line("10.00")], "exchange_rate": "1.1"},
    )
    assert euro.status_code == 422 and euro.json()["code"] == "exchange-rate-for-company-currency"
    zero = api.post(
        "documents",
        json={
            "kind": "invoice",
            "party_id": party["id"],
            "currency": "USD",
            "lines": [line("10.00")],
            "exchange_rate": "0",
        },
    )
    assert zero.status_code == 422 and zero.json()["code"] == "invalid-exchange-rate"
    euro_payment = api.post(
        "payments",
        json={"party_id": party["id"], "amount": eur("10.00"), "method": "transfer", "exchange_rate": "1.0"},
    )
    assert euro_payment.status_code == 422 and euro_payment.json()["code"] == "exchange-rate-for-company-currency"
    created = api.post(
        "documents",
        json={
            "kind": "invoice",
            "party_id": party["id"],
            "currency": "USD",
            "lines": [line("10.00")],
            "exchange_rate": "0.92",
        },
    )
    assert created.status_code == 201 and created.json()["exchange_rate"] == "0.92"
    assert api.get("payments").status_code == 200
