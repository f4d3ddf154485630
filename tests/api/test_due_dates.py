"""Every issued invoice has its due date, from one rule: the invoice's own terms, else its customer's, else the
company's default. The document, the aged balance, the statement, the PDF and the Factur-X (BT-9, BT-20) show the
same date (C. com. L441-9)."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from pypdf import PdfReader

from acompte.adapters.api import create_app
from acompte.domain.accounts import PaymentTerms
from acompte.domain.users import Role
from acompte.services import companies, parties
from acompte.services.ports import FixedClock
from tests.api.conftest import Api, api_for, line

ISSUED = date(2026, 3, 10)
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"


def api_on(app, people, ctx, day: date = ISSUED) -> Api:  # type: ignore[no-untyped-def]
    with app.uow() as uow:  # what a Factur-X needs of the seller
        uow.companies.update(ctx.company_id, vat_number="FR44123456782", address="12 rue des Artisans, 69003 Lyon")
        uow.commit()
    fixed = dataclasses.replace(app, clock=FixedClock.on(day))
    return api_for(fixed, TestClient(create_app(fixed)), people, ctx, Role.ADMIN)


@pytest.fixture
def customer(app, ctx):  # type: ignore[no-untyped-def]
    """A customer a Factur-X can name (SIREN)."""
    return parties.create_party(app.uow(), ctx, name="Bistrot du Parc SARL", siren="552100554")


def party_terms(api: Api, party_id: int, days: int, *, end_of_month: bool = False) -> None:
    body = {"terms": [{"percent": "100", "days": days, "end_of_month": end_of_month}]}
    response = api.put(f"parties/{party_id}/payment-terms", json=body)
    assert response.status_code == 200, response.text


def issue(api: Api, party_id: int, **extra: object) -> dict:  # type: ignore[type-arg]
    body = {"kind": "invoice", "flow": "sale", "party_id": str(party_id), "lines": [line("1000.00")], **extra}
    created = api.post("documents", json=body)
    assert created.status_code == 201, created.text
    validated = api.post(f"documents/{created.json()['id']}/validate")
    assert validated.status_code == 200, validated.text
    return validated.json()  # type: ignore[no-any-return]


def xml_terms(api: Api, document_id: str) -> tuple[str, str]:
    response = api.get(f"documents/{document_id}/facturx/xml")
    assert response.status_code == 200, response.text
    terms = etree.fromstring(response.content).find(f".//{{{RAM}}}SpecifiedTradePaymentTerms")
    assert terms is not None
    return (
        terms.findtext(f"{{{RAM}}}Description") or "",
        "".join(terms.find(f"{{{RAM}}}DueDateDateTime").itertext()).strip(),  # type: ignore[union-attr]
    )


def pdf_text(api: Api, document_id: str) -> str:
    response = api.get(f"documents/{document_id}/pdf")
    assert response.status_code == 200, response.text
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join((p.extract_text() or "").split()) for p in pages).replace("\xa0", " ")


def test_a_customer_with_30_days_terms_is_invoiced_due_30_days_later_everywhere(app, people, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    api = api_on(app, people, ctx)
    party_terms(api, customer.id, 30)
    invoice = issue(api, customer.id)
    assert (invoice["issue_date"], invoice["due_date"]) == ("2026-03-10", "2026-04-09")
    assert api.get(f"documents/{invoice['id']}").json()["due_date"] == "2026-04-09"

    instalments = api.get(f"documents/{invoice['id']}/instalments").json()["instalments"]
    assert [i["due_date"] for i in instalments] == ["2026-04-09"]
    assert xml_terms(api, invoice["id"]) == ("Paiement à 30 jours", "20260409")
    text = pdf_text(api, invoice["id"])
    assert "Échéance : 09/04/2026" in text
    assert "Paiement à 30 jours" in text


def test_an_issued_invoice_keeps_its_terms_when_the_customer_s_change(app, people, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    api = api_on(app, people, ctx)
    party_terms(api, customer.id, 30)
    invoice = issue(api, customer.id)
    party_terms(api, customer.id, 60)
    assert api.get(f"documents/{invoice['id']}").json()["due_date"] == "2026-04-09"
    instalments = api.get(f"documents/{invoice['id']}/instalments").json()["instalments"]
    assert [i["due_date"] for i in instalments] == ["2026-04-09"]
    assert issue(api, customer.id)["due_date"] == "2026-05-09"


def test_without_customer_terms_the_company_default_applies(app, people, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    api = api_on(app, people, ctx)
    assert issue(api, customer.id)["due_date"] is None  # no terms anywhere: payable on receipt, as before
    companies.set_default_payment_terms(app.uow(), ctx, PaymentTerms.single(45, end_of_month=True))
    invoice = issue(api, customer.id)
    assert invoice["due_date"] == "2026-04-30"  # 10/03 + 45 days = 24/04, end of month
    assert xml_terms(api, invoice["id"]) == ("Paiement à 45 jours fin de mois", "20260430")
    party_terms(api, customer.id, 30)
    assert issue(api, customer.id)["due_date"] == "2026-04-09"  # the customer's terms come before the default


def test_a_typed_due_date_wins_over_the_terms(app, people, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    api = api_on(app, people, ctx)
    party_terms(api, customer.id, 30)
    invoice = issue(api, customer.id, due_date="2026-03-25")
    assert invoice["due_date"] == "2026-03-25"
    assert xml_terms(api, invoice["id"])[1] == "20260325"


def test_the_aged_balance_shows_a_2_day_old_invoice_on_30_days_as_not_yet_due(app, people, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    api = api_on(app, people, ctx)
    party_terms(api, customer.id, 30)
    issue(api, customer.id)
    aged = api.get("aged-balance", params={"as_of": "2026-03-12"}).json()["totals"]
    assert (aged["not_due"]["amount"], aged["overdue"]["amount"]) == ("1200.00", "0.00")
    later = api.get("aged-balance", params={"as_of": "2026-04-20"}).json()["totals"]
    assert (later["days_1_30"]["amount"], later["not_due"]["amount"]) == ("1200.00", "0.00")
    account = api.get(f"parties/{customer.id}/account", params={"as_of": "2026-03-12"})
    assert account.status_code == 200, account.text
    assert [(d["next_due_date"], d["overdue"]["amount"]) for d in account.json()["due"]] == [("2026-04-09", "0.00")]
    statement = api.get(f"parties/{customer.id}/statement").json()  # the year to the clock's day
    assert [(m["kind"], m["due_date"]) for m in statement["lines"]] == [("invoice", "2026-04-09")]
    printed = api.get(f"parties/{customer.id}/statement/pdf")
    assert printed.status_code == 200, printed.text
    assert "09/04/2026" in " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(printed.content)).pages)


def test_instalments_from_the_company_default_keep_their_own_dates(app, people, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    api = api_on(app, people, ctx)
    terms = PaymentTerms.from_data([{"percent": "30"}, {"percent": "70", "days": 30, "end_of_month": True}])
    companies.set_default_payment_terms(app.uow(), ctx, terms)
    invoice = issue(api, customer.id)
    assert invoice["due_date"] == "2026-04-30"  # the whole is due on the last instalment
    instalments = api.get(f"documents/{invoice['id']}/instalments").json()["instalments"]
    assert [(i["due_date"], i["amount"]["amount"]) for i in instalments] == [
        ("2026-03-10", "360.00"),
        ("2026-04-30", "840.00"),
    ]
    description, due = xml_terms(api, invoice["id"])
    assert due == "20260430"
    assert description == (
        "Paiement en 2 échéances : 30 % à réception (10/03/2026), 70 % à 30 jours fin de mois (30/04/2026)"
    )
    aged = api.get("aged-balance", params={"as_of": "2026-03-12"}).json()["totals"]
    assert (aged["days_1_30"]["amount"], aged["not_due"]["amount"]) == ("360.00", "840.00")


def test_a_purchase_invoice_follows_the_supplier_terms_not_the_company_default(app, people, ctx, supplier) -> None:  # type: ignore[no-untyped-def]
    api = api_on(app, people, ctx)
    companies.set_default_payment_terms(app.uow(), ctx, PaymentTerms.single(45))
    body = {"kind": "invoice", "flow": "purchase", "party_id": str(supplier.id), "lines": [line("100.00")]}
    created = api.post("documents", json=body).json()
    assert api.post(f"documents/{created['id']}/validate").json()["due_date"] is None
    party_terms(api, supplier.id, 60)
    created = api.post("documents", json=body).json()
    assert api.post(f"documents/{created['id']}/validate").json()["due_date"] == "2026-05-09"


def order_of(api: Api, party_id: int, **extra: object) -> str:
    body = {"kind": "order", "flow": "sale", "party_id": str(party_id), "lines": [line("1000.00")], **extra}
    order = api.post("documents", json=body).json()
    assert api.post(f"documents/{order['id']}/validate").status_code == 200
    return str(order["id"])


def test_a_final_invoice_takes_a_typed_due_date_or_else_the_terms(app, people, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    api = api_on(app, people, ctx)
    party_terms(api, customer.id, 30)
    typed = api.post(f"documents/{order_of(api, customer.id)}/final-invoices", json={"due_date": "2026-03-31"})
    assert typed.status_code == 201, typed.text
    issued = api.post(f"documents/{typed.json()['invoice_id']}/validate").json()
    assert issued["due_date"] == "2026-03-31"

    by_terms = api.post(f"documents/{order_of(api, customer.id)}/final-invoices", json={}).json()
    issued = api.post(f"documents/{by_terms['invoice_id']}/validate").json()
    assert issued["due_date"] == "2026-04-09"


def test_a_final_invoice_follows_the_terms_put_on_its_order(app, people, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    api = api_on(app, people, ctx)
    party_terms(api, customer.id, 30)
    order = api.post(
        "documents", json={"kind": "order", "flow": "sale", "party_id": str(customer.id), "lines": [line("1000.00")]}
    ).json()
    terms = {"terms": [{"percent": "100", "days": 10}]}
    assert api.put(f"documents/{order['id']}/payment-terms", json=terms).status_code == 200
    assert api.post(f"documents/{order['id']}/validate").status_code == 200
    final = api.post(f"documents/{order['id']}/final-invoices", json={}).json()
    assert api.post(f"documents/{final['invoice_id']}/validate").json()["due_date"] == "2026-03-20"


def test_a_deposit_invoice_waiting_for_its_payment_is_due_by_the_terms(app, people, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    api = api_on(app, people, ctx)
    party_terms(api, customer.id, 15)
    order = order_of(api, customer.id)
    draft = api.post(f"documents/{order}/deposit-invoices", json={"percent": "30"})
    assert draft.status_code == 201, draft.text
    issued = api.post(f"deposit-invoices/{draft.json()['document']['id']}/issue", json={"generate_payment": False})
    assert issued.status_code == 200, issued.text
    assert issued.json()["deposit_invoice"]["due_date"] == "2026-03-25"

    other = api.post(f"documents/{order}/deposit-invoices", json={"percent": "10"}).json()
    typed = api.post(
        f"deposit-invoices/{other['document']['id']}/issue", json={"generate_payment": False, "due_date": "2026-03-12"}
    )
    assert typed.json()["deposit_invoice"]["due_date"] == "2026-03-12"


def test_the_company_default_terms_are_set_read_and_removed_through_patch_company(app, people, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    api = api_on(app, people, ctx)
    assert api.get("company").json()["default_payment_terms"] is None
    version = api.get("company").json()["version"]
    changed = api.patch(
        "company", json={"default_payment_terms": [{"percent": "100", "days": 45, "end_of_month": True}]}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == version + 1
    assert changed.json()["default_payment_terms"] == [
        {"percent": "100", "days": 45, "end_of_month": True, "basis": "invoice"}
    ]
    assert issue(api, customer.id)["due_date"] == "2026-04-30"
    assert api.get("company/history").json()["items"][-1]["kind"] == "SettingsChanged"

    refused = api.patch("company", json={"name": "Autre", "default_payment_terms": [{"percent": "60"}]})
    assert refused.status_code == 422  # the instalments must make 100 %
    assert refused.json()["field"] == "default_payment_terms"
    assert api.get("company").json()["name"] != "Autre"

    assert api.patch("company", json={"default_payment_terms": None}).json()["default_payment_terms"] is None
    assert issue(api, customer.id)["due_date"] is None
