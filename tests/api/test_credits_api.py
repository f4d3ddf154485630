"""Credits and the party account through the API (routes/credits.py, routes/accounts.py): credit notes and their
use, write-offs, overpayments and refunds, payment changes and cancellations, settling an account, payment terms,
the statement of account and the aged balance."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from acompte.services import companies
from tests.api.conftest import eur, line
from tests.helpers import snapshot


@pytest.fixture
def party(api):  # type: ignore[no-untyped-def]
    return api.post("parties", json={"name": "Claire Martin", "siren": "552100554"}).json()


def invoice(api, party, price: str = "100.00", kind: str = "invoice") -> dict:  # type: ignore[no-untyped-def]
    draft = api.post("documents", json={"kind": kind, "party_id": party["id"], "lines": [line(price, qty="2")]})
    done = api.post(f"documents/{draft.json()['id']}/validate")
    assert done.status_code == 200, done.text
    return done.json()


def pay(api, party, amount: str, *to: tuple[str, str], method: str = "cheque") -> dict:  # type: ignore[no-untyped-def]
    body = {
        "party_id": party["id"],
        "amount": eur(amount),
        "method": method,
        "allocations": [{"document_id": d, "amount": eur(a)} for d, a in to],
    }
    response = api.post("payments", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_credit_note_on_an_unpaid_invoice_settles_it_and_an_over_credit_is_refused(api, party, uow):
    inv = invoice(api, party)  # 240.00
    credit = api.post(f"documents/{inv['id']}/credit-notes", json={"lines": [{"position": 1, "quantity": "1"}]})
    assert credit.status_code == 201, credit.text
    assert credit.headers["Location"] == f"/api/v1/documents/{credit.json()['id']}"
    assert credit.json()["number"].startswith("AV")
    assert api.get(f"documents/{inv['id']}").json()["balance_due"] == eur("120.00")
    assert api.get(f"credits/{credit.json()['id']}").json()["status"] == "settled"

    before = snapshot(uow, api.ctx)
    over = api.post(f"documents/{inv['id']}/credit-notes", json={"lines": [{"position": 1, "quantity": "1.5"}]})
    assert over.status_code == 422 and over.json()["code"] == "over-credit-quantity"
    unknown = api.post(f"documents/{inv['id']}/credit-notes", json={"lines": [{"position": 2, "quantity": "1"}]})
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown-invoice-line"
    assert snapshot(uow, api.ctx) == before

    rest = api.post(f"documents/{inv['id']}/credit-notes", json={})
    assert rest.status_code == 201 and rest.json()["gross"] == eur("120.00")
    credits = api.get(f"documents/{inv['id']}/credits").json()
    assert (credits["credited"], credits["fully_credited"]) == (eur("240.00"), True)


def test_a_commercial_gesture_names_the_invoice_it_corrects(api, party, uow):
    inv = invoice(api, party)
    gesture = {"lines": [line("10.00", designation="Geste commercial")], "comment": "Retard"}
    before = snapshot(uow, api.ctx)
    nameless = api.post("credit-notes", json={**gesture, "party_id": party["id"]}, headers={"Accept-Language": "en"})
    assert nameless.status_code == 422 and nameless.json()["code"] == "missing-corrected-invoice"
    assert snapshot(uow, api.ctx) == before
    no_party = api.post("credit-notes", json=gesture)
    assert no_party.status_code == 422 and no_party.json()["code"] == "validation-error"

    named = api.post("credit-notes", json={**gesture, "corrected_invoice_ids": [inv["id"]]})
    assert named.status_code == 201, named.text
    assert (named.json()["party_id"], named.json()["gross"], named.json()["state"]) == (
        party["id"],
        eur("12.00"),
        "validated",
    )
    credit = api.get(f"credits/{named.json()['id']}").json()
    assert (credit["status"], credit["remaining"]) == ("unused", eur("12.00"))

    on_origin = api.post("credit-notes", json={**gesture, "origin_id": inv["id"], "apply_to_origin": True})
    assert on_origin.status_code == 201, on_origin.text
    assert api.get(f"documents/{inv['id']}").json()["balance_due"] == eur("228.00")
    listed = api.get("credits", params={"party_id": party["id"], "status": "unused"}).json()["items"]
    assert [c["id"] for c in listed] == [named.json()["id"]]


def test_a_credit_is_used_on_an_invoice_the_use_is_undone_and_the_rest_written_off_by_an_accountant(api, clerk, party):
    first, second = invoice(api, party), invoice(api, party, "50.00")
    credit = api.post(
        f"documents/{first['id']}/credit-notes",
        json={"lines": [{"position": 1, "quantity": "1"}], "apply_to_origin": False},
    ).json()
    used = api.post(f"credits/{credit['id']}/uses", json={"document_id": second["id"]})
    assert used.status_code == 201, used.text
    assert (used.json()["amount"], used.json()["credit_document_id"]) == (eur("120.00"), credit["id"])
    assert api.get(f"credits/{credit['id']}").json()["remaining"] == eur("0.00")
    over = api.post(f"credits/{credit['id']}/uses", json={"document_id": first["id"], "amount": eur("0.01")})
    assert over.status_code in {409, 422} and over.json()["code"] in {"over-credit-use", "credit-fully-used"}

    undone = api.delete(f"allocations/{used.json()['id']}")
    assert undone.status_code == 200, undone.text
    assert api.get(f"credits/{credit['id']}").json()["remaining"] == eur("120.00")

    assert clerk.post(f"credits/{credit['id']}/write-off", json={"reason": "Client parti"}).status_code == 403
    written = api.post(f"credits/{credit['id']}/write-off", json={"reason": "Client parti"})
    assert written.status_code == 200, written.text
    assert (written.json()["kind"], written.json()["amount"]) == ("credit_note", eur("120.00"))
    again = api.post(f"credits/{credit['id']}/write-off", json={})
    assert again.status_code == 409 and again.json()["code"] == "credit-already-written-off"


def test_an_overpayment_is_listed_refunded_and_the_refund_unwound(api, party):
    inv = invoice(api, party)
    payment = pay(api, party, "250.00", (inv["id"], "240.00"))
    listed = api.get("overpayments", params={"party_id": party["id"]}).json()["items"]
    assert [(o["payment_id"], o["remaining"], o["is_overpayment"]) for o in listed] == [
        (payment["id"], eur("10.00"), True)
    ]
    refunded = api.post(f"payments/{payment['id']}/excess", json={"choice": "refund", "refund_method": "transfer"})
    assert refunded.status_code == 200, refunded.text
    refund = refunded.json()["refund"]
    assert (refunded.json()["excess"], refund["amount"]) == (eur("10.00"), eur("10.00"))
    assert api.get("overpayments", params={"party_id": party["id"]}).json()["items"] == []
    assert api.get(f"refunds/{refund['id']}").json() == refund
    assert [r["id"] for r in api.get("refunds", params={"party_id": party["id"]}).json()["items"]] == [refund["id"]]

    cancel = api.post(f"payments/{payment['id']}/cancel", json={})
    assert cancel.status_code == 409 and cancel.json()["code"] == "refund-exists"
    unwound = api.post(f"refunds/{refund['id']}/unwind", json={"reason": "Erreur"})
    assert unwound.status_code == 200, unwound.text
    assert api.get(f"payments/{refund['payment_id']}").json()["state"] == "cancelled"
    assert api.get("overpayments", params={"party_id": party["id"]}).json()["items"][0]["remaining"] == eur("10.00")


def test_small_differences_are_written_off_within_the_threshold_by_an_accountant(api, app, clerk, party):
    companies.update_settings(app.uow(), api.ctx, {"write_off_threshold": "1.00"})
    inv = invoice(api, party)
    payment = pay(api, party, "240.50", (inv["id"], "240.00"))
    assert clerk.post(f"payments/{payment['id']}/excess", json={"choice": "write_off"}).status_code == 403
    assert clerk.post(f"payments/{payment['id']}/write-off", json={}).status_code == 403
    written = api.post(f"payments/{payment['id']}/write-off", json={"reason": "Arrondi"})
    assert written.status_code == 200, written.text
    assert (written.json()["kind"], written.json()["amount"]) == ("overpayment", eur("0.50"))

    short = invoice(api, party)
    pay(api, party, "238.98", (short["id"], "238.98"))
    above = api.post(f"documents/{short['id']}/write-off", json={})
    assert above.status_code == 422 and above.json()["code"] == "above-write-off-threshold"
    pay(api, party, "1.00", (short["id"], "1.00"))
    closed = api.post(f"documents/{short['id']}/write-off", json={})
    assert closed.status_code == 200 and closed.json()["amount"] == eur("0.02")
    assert api.get(f"documents/{short['id']}").json()["payment_status"] == "paid"


def test_a_payment_is_changed_with_if_match_and_cancelled_from_its_document(api, party):
    inv = invoice(api, party)
    payment = pay(api, party, "100.00", (inv["id"], "100.00"))
    editable = api.get(f"payments/{payment['id']}/editable").json()
    assert set(editable["editable"]) >= {"amount", "comment"} and editable["can_cancel"] is True

    stale = api.patch(f"payments/{payment['id']}", json={"comment": "x"}, headers={"If-Match": '"7"'})
    assert stale.status_code == 412
    changed = api.patch(
        f"payments/{payment['id']}",
        json={"amount": eur("150.00"), "reference": "CHQ 42"},
        headers={"If-Match": f'"{payment["version"]}"'},
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["amount"], changed.json()["reference"], changed.json()["unallocated"]) == (
        eur("150.00"),
        "CHQ 42",
        eur("50.00"),
    )
    assert changed.headers["ETag"] == f'"{changed.json()["version"]}"'
    below = api.patch(f"payments/{payment['id']}", json={"amount": eur("99.00")})
    assert below.status_code == 409 and below.json()["code"] == "amount-below-allocated"

    other = invoice(api, party)
    wrong = api.post(f"payments/{payment['id']}/cancel", json={"document_id": other["id"]})
    assert wrong.status_code == 422 and wrong.json()["code"] == "payment-not-on-document"
    cancelled = api.post(f"payments/{payment['id']}/cancel", json={"reason": "Chèque impayé", "document_id": inv["id"]})
    assert cancelled.status_code == 200, cancelled.text
    assert (cancelled.json()["state"], cancelled.json()["allocations"]) == ("cancelled", [])
    assert api.get(f"documents/{inv['id']}").json()["balance_due"] == eur("240.00")


def test_an_account_is_settled_with_a_credit_and_a_new_payment_in_one_action(api, party):
    first, second = invoice(api, party), invoice(api, party, "50.00")  # 240.00 and 120.00
    held = pay(api, party, "100.00")
    account = api.get(f"parties/{party['id']}/account").json()
    assert (account["due_total"], account["credit_total"], account["flow"]) == (eur("360.00"), eur("100.00"), "sale")
    assert [d["document_id"] for d in account["due"]] == [first["id"], second["id"]]
    assert [c["source"] for c in account["credits"]] == [{"kind": "payment", "id": held["id"]}]

    suggestion = api.get(f"parties/{party['id']}/settlement-suggestion").json()
    assert suggestion["documents"] == [{"document_id": first["id"], "amount": eur("100.00")}]

    settled = api.post(
        f"parties/{party['id']}/settle",
        json={
            "documents": [{"document_id": first["id"]}, {"document_id": second["id"]}],
            "credits": [{"payment_id": held["id"]}],
            "new_payment": {"amount": eur("300.00"), "method": "transfer"},
        },
    )
    assert settled.status_code == 200, settled.text
    assert [a["amount"] for a in settled.json()["allocations"]] == [eur("100.00"), eur("140.00"), eur("120.00")]
    assert settled.json()["excess"] == eur("40.00")
    after = api.get(f"parties/{party['id']}/account").json()
    assert (after["due_total"], after["credit_total"], after["balance"]) == (eur("0.00"), eur("40.00"), eur("-40.00"))


def test_payment_terms_split_a_draft_into_instalments_and_the_aged_balance_and_statement_follow(api, party):
    today = date.today()
    terms = api.put(
        f"parties/{party['id']}/payment-terms", json={"terms": [{"percent": "30"}, {"percent": "70", "days": 30}]}
    )
    assert terms.status_code == 200, terms.text
    draft = api.post("documents", json={"kind": "invoice", "party_id": party["id"], "lines": [line("100.00", qty="2")]})
    instalments = api.put(f"documents/{draft.json()['id']}/payment-terms", json={"terms": None})
    assert instalments.status_code == 200, instalments.text
    assert [(i["due_date"], i["amount"]) for i in instalments.json()["instalments"]] == [
        (today.isoformat(), eur("72.00")),
        ((today + timedelta(days=30)).isoformat(), eur("168.00")),
    ]
    bad = api.put(f"documents/{draft.json()['id']}/payment-terms", json={"terms": [{"percent": "50"}]})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid-payment-terms"
    issued = api.post(f"documents/{draft.json()['id']}/validate").json()
    pay(api, party, "72.00", (issued["id"], "72.00"))
    shown = api.get(f"documents/{issued['id']}/instalments").json()["instalments"]
    assert [i["remaining"] for i in shown] == [eur("0.00"), eur("168.00")]

    later = (today + timedelta(days=45)).isoformat()
    aged = api.get("aged-balance", params={"as_of": later}).json()
    row = next(r for r in aged["rows"] if r["party_id"] == party["id"])
    assert (row["aged"]["days_1_30"], row["aged"]["total"]) == (eur("168.00"), eur("168.00"))
    assert api.get(f"parties/{party['id']}/aged-balance", params={"as_of": later}).json()["rows"] == [row]

    period = {"from": today.isoformat(), "to": today.isoformat()}
    statement = api.get(f"parties/{party['id']}/statement", params=period)
    assert statement.status_code == 200, statement.text
    assert (statement.json()["opening"], statement.json()["total_debit"], statement.json()["closing"]) == (
        eur("0.00"),
        eur("240.00"),
        eur("168.00"),
    )
    assert [line_["kind"] for line_ in statement.json()["lines"]] == ["invoice", "payment"]
    unknown = api.get(f"parties/{party['id']}/statement", params={"since": today.isoformat()})
    assert unknown.status_code == 422
    listed = api.get("statements", params=period).json()["items"]
    assert [s["party_id"] for s in listed] == [party["id"]]
