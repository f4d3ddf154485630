"""The bank reconciliation operations: confirm a line (candidate or typed), undo, ignore, auto-reconcile, and an
account's balance; refusals as problems, nothing written; Idempotency-Key honoured."""

from __future__ import annotations

from datetime import date

from tests.api.conftest import eur
from tests.bank_helpers import bank_account, bank_line
from tests.helpers import line, validated


def test_a_line_is_confirmed_typed_by_hand_then_undone(api, app, customer):
    uow = app.uow()
    invoice = validated(uow, api.ctx, customer.id, line("100.00"))
    received = bank_line(uow, api.ctx, "120.00", booking_date=date.today())
    body = {
        "party_id": str(customer.id),
        "allocations": [{"document_id": str(invoice.id), "amount": eur("120.00")}],
    }
    answer = api.post(f"bank-lines/{received.id}/match", json=body, headers={"If-Match": f'"{received.version}"'})
    assert answer.status_code == 201, answer.text
    done = answer.json()
    assert len(done["recorded"]) == 1 and done["linked"] == [] and done["fee"] is None
    assert answer.headers["location"] == f"/api/v1/bank-matches/{done['match_id']}"
    assert api.get(f"documents/{invoice.id}").json()["balance_due"]["amount"] == "0.00"
    again = api.post(f"bank-lines/{received.id}/match", json=body)
    assert again.status_code == 409 and again.json()["type"].endswith("/bank-line-not-open")
    undone = api.delete(f"bank-matches/{done['match_id']}")
    assert undone.status_code == 200 and undone.json()["undone"] is True
    assert api.delete(f"bank-matches/{done['match_id']}").status_code == 404
    assert api.get(f"payments/{done['recorded'][0]}").json()["state"] == "cancelled"


def test_a_candidate_is_confirmed_by_its_index(api, app, customer):
    uow = app.uow()
    invoice = validated(uow, api.ctx, customer.id, line("100.00"))
    received = bank_line(
        uow, api.ctx, "120.00", booking_date=date.today(), reference=f"Facture {invoice.document.number}"
    )
    assert api.post(f"bank-lines/{received.id}/match", json={"candidate": 7}).status_code == 404
    answer = api.post(f"bank-lines/{received.id}/match", json={"candidate": 0})
    assert answer.status_code == 201, answer.text
    match = api.get(f"bank-matches/{answer.json()['match_id']}").json()
    assert match["score"] > 0 and match["reasons"] and match["origin"] == "user"
    assert api.get(f"documents/{invoice.id}").json()["balance_due"]["amount"] == "0.00"


def test_refusals_write_nothing_and_say_why(api, app, customer):
    uow = app.uow()
    invoice = validated(uow, api.ctx, customer.id, line("100.00"))
    received = bank_line(uow, api.ctx, "50.00", booking_date=date.today())
    over = {"party_id": str(customer.id), "allocations": [{"document_id": str(invoice.id), "amount": eur("60.00")}]}
    refused = api.post(f"bank-lines/{received.id}/match", json=over)
    assert refused.status_code == 422 and refused.json()["type"].endswith("/over-allocation")
    stale = api.post(
        f"bank-lines/{received.id}/match", json={"party_id": str(customer.id)}, headers={"If-Match": '"9"'}
    )
    assert stale.status_code == 412
    mixed = api.post(f"bank-lines/{received.id}/match", json={"candidate": 0, "party_id": str(customer.id)})
    assert mixed.status_code == 422 and mixed.json()["type"].endswith("/bank-confirmation-incomplete")
    assert api.get("payments").json()["items"] == []


def test_a_confirmation_retried_with_its_key_is_made_once(api, app, customer):
    received = bank_line(app.uow(), api.ctx, "42.00", booking_date=date.today())
    key = {"Idempotency-Key": "bank-confirm-0001"}
    first = api.post(f"bank-lines/{received.id}/match", json={"party_id": str(customer.id)}, headers=key)
    retry = api.post(f"bank-lines/{received.id}/match", json={"party_id": str(customer.id)}, headers=key)
    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content and retry.headers["idempotent-replayed"] == "true"
    assert len(api.get("payments").json()["items"]) == 1


def test_a_line_is_ignored_and_brought_back(api, app):
    fee = bank_line(app.uow(), api.ctx, "-9.00", label="FRAIS")
    ignored = api.post(f"bank-lines/{fee.id}/ignore", json={"reason": "déjà comptabilisé"})
    assert ignored.status_code == 200 and ignored.json()["state"] == "ignored"
    assert api.post(f"bank-lines/{fee.id}/ignore", json={}).status_code == 409
    back = api.post(f"bank-lines/{fee.id}/unignore")
    assert back.status_code == 200 and back.json()["state"] == "open"


def test_auto_reconcile_follows_the_company_setting(api, app, customer):
    uow = app.uow()
    invoice = validated(uow, api.ctx, customer.id, line("100.00"))
    received = bank_line(
        uow, api.ctx, "120.00", booking_date=date.today(), reference=f"Facture {invoice.document.number}"
    )
    off = api.post(f"bank-accounts/{received.account_id}/auto-reconcile").json()
    assert off["enabled"] is False and off["reconciled"] == []
    assert api.patch("company", json={"bank_auto_reconcile": True}).status_code == 200
    assert api.get("company").json()["bank_auto_reconcile"] is True
    on = api.post(f"bank-accounts/{received.account_id}/auto-reconcile").json()
    assert on["enabled"] is True and [r["line_id"] for r in on["reconciled"]] == [str(received.id)]


def test_the_balance_explains_the_difference(api, app, customer):
    uow = app.uow()
    account = bank_account(uow, api.ctx)
    bank_line(uow, api.ctx, "45.00")
    found = api.get(f"bank-accounts/{account}/balance")
    assert found.status_code == 200
    body = found.json()
    assert body["bank"]["amount"] == "45.00" and body["books"]["amount"] == "0.00"
    assert body["difference"]["amount"] == "45.00" and body["unexplained"]["amount"] == "0.00"
    assert body["open_count"] == 1


def test_another_company_s_line_is_not_found(api, intruder, app, customer):
    received = bank_line(app.uow(), api.ctx, "10.00")
    assert intruder.post(f"bank-lines/{received.id}/match", json={"party_id": str(customer.id)}).status_code == 404
    assert intruder.get(f"bank-accounts/{received.account_id}/balance").status_code == 404


def test_a_reader_cannot_confirm(reader, app, customer):
    received = bank_line(app.uow(), reader.ctx, "10.00")
    assert reader.post(f"bank-lines/{received.id}/match", json={"party_id": str(customer.id)}).status_code == 403
