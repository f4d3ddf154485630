"""Deposits through the API (routes/deposits.py): deposit payments and requests, deposit invoices from an order or
standalone, their changes and issue, deductions on a draft final invoice, deposit credit notes, settings."""

from __future__ import annotations

import pytest

from tests.api.conftest import eur, line
from tests.helpers import snapshot


@pytest.fixture
def party(api):  # type: ignore[no-untyped-def]
    return api.post("parties", json={"name": "Claire Martin"}).json()


def validated(api, party, kind: str = "order", *lines) -> dict:  # type: ignore[no-untyped-def]
    draft = api.post(
        "documents", json={"kind": kind, "party_id": party["id"], "lines": list(lines) or [line("1000.00")]}
    )
    assert draft.status_code == 201, draft.text
    done = api.post(f"documents/{draft.json()['id']}/validate")
    assert done.status_code == 200, done.text
    return done.json()


def test_a_deposit_payment_on_an_order_defaults_to_all_that_remains_and_shows_in_its_position(api, party):
    order = validated(api, party)
    form = api.get(f"documents/{order['id']}/deposit-form").json()
    assert (form["gross"], form["already_paid"], form["remaining"]) == (eur("1200.00"), eur("0.00"), eur("1200.00"))
    assert {m["code"] for m in form["methods"]} >= {"cheque", "transfer"}

    paid = api.post(f"documents/{order['id']}/deposits", json={"method": "transfer", "amount": eur("300.00")})
    assert paid.status_code == 201, paid.text
    assert paid.headers["Location"] == f"/api/v1/payments/{paid.json()['id']}"
    assert (paid.json()["origin_document_id"], paid.json()["allocated"]) == (order["id"], eur("300.00"))

    position = api.get(f"documents/{order['id']}/deposits").json()
    assert (position["deposit_payments"], position["outstanding"], position["available_for_deposit"]) == (
        eur("300.00"),
        eur("900.00"),
        eur("900.00"),
    )
    assert api.get(f"documents/{order['id']}/deposit-form").json()["remaining"] == eur("900.00")


def test_a_deposit_above_what_remains_on_the_order_is_refused_and_nothing_is_written(api, party, uow):
    order = validated(api, party)
    before = snapshot(uow, api.ctx)
    refused = api.post(
        f"documents/{order['id']}/deposits",
        json={"method": "cheque", "amount": eur("1200.01")},
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 422
    problem = refused.json()
    assert (problem["code"], problem["requested"], problem["available"]) == (
        "deposit-exceeds-order",
        "1200.01 EUR",
        "1200.00 EUR",
    )
    assert (
        problem["detail"]
        == "A deposit of €1,200.01 is not possible: €1,200.00 is left to cover on the order CO-2026-00001."
    )
    assert snapshot(uow, api.ctx) == before


def test_a_recorded_payment_is_attached_as_a_deposit(api, party):
    order = validated(api, party)
    payment = api.post("payments", json={"party_id": party["id"], "amount": eur("500.00"), "method": "cheque"}).json()
    attached = api.post(f"documents/{order['id']}/deposit-payments", json={"payment_id": payment["id"]})
    assert attached.status_code == 201, attached.text
    assert (attached.json()["document_id"], attached.json()["amount"]) == (order["id"], eur("500.00"))
    assert api.get(f"documents/{order['id']}/deposits").json()["deposit_payments"] == eur("500.00")


def test_a_deposit_noted_on_a_quote_changes_its_net_to_pay_until_it_is_removed(api, party):
    quote = validated(api, party, "quote")
    noted = api.put(f"documents/{quote['id']}/deposit-request", json={"percent": "30"})
    assert noted.status_code == 200, noted.text
    assert (noted.json()["requested"], noted.json()["requested_percent"], noted.json()["net_to_pay"]) == (
        eur("360.00"),
        "30",
        eur("840.00"),
    )
    both = api.put(f"documents/{quote['id']}/deposit-request", json={"percent": "30", "amount": eur("1.00")})
    assert both.status_code == 422 and both.json()["code"] == "validation-error"
    cleared = api.delete(f"documents/{quote['id']}/deposit-request").json()
    assert (cleared["requested"], cleared["net_to_pay"]) == (None, eur("1200.00"))


def test_a_per_line_deposit_invoice_is_changed_while_draft_then_issued_with_a_due_date(api, party):
    order = validated(
        api, party, "order", line("1000.00", designation="Table"), line("100.00", rate="10", designation="Pose")
    )
    draft = api.post(
        f"documents/{order['id']}/deposit-invoices",
        json={"lines": [{"position": 1, "percent": "50"}, {"position": 2, "amount": eur("110.00")}]},
    )
    assert draft.status_code == 201, draft.text
    body = draft.json()
    assert (body["basis"], body["document"]["gross"]) == ("lines", eur("710.00"))
    assert [(entry["position"], entry["amount"]) for entry in body["lines"]] == [(1, eur("600.00")), (2, eur("110.00"))]
    assert [b["rate"] for b in body["breakdown"]] == ["20", "10"]
    deposit_id = body["document"]["id"]

    stale = api.patch(f"deposit-invoices/{deposit_id}", json={"percent": "10"}, headers={"If-Match": '"99"'})
    assert stale.status_code == 412 and stale.json()["code"] == "stale-version"
    changed = api.patch(
        f"deposit-invoices/{deposit_id}", json={"percent": "10"}, headers={"If-Match": draft.headers["ETag"]}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["basis"], changed.json()["document"]["gross"]) == ("percent", eur("131.00"))

    issued = api.post(
        f"deposit-invoices/{deposit_id}/issue", json={"generate_payment": False, "due_date": "2031-01-31"}
    )
    assert issued.status_code == 200, issued.text
    assert issued.json()["payment"] is None
    assert (issued.json()["deposit_invoice"]["state"], issued.json()["deposit_invoice"]["due_date"]) == (
        "validated",
        "2031-01-31",
    )
    again = api.patch(f"deposit-invoices/{deposit_id}", json={"percent": "20"})
    assert again.status_code == 409 and again.json()["code"] == "document-frozen"
    shown = api.get(f"deposit-invoices/{deposit_id}").json()
    assert shown["summary"]["available"] == eur("131.00") and shown["origin_number"] == order["number"]


def test_validating_a_deposit_invoice_issues_it_as_the_deposits_capability_does(api, party, app):
    settings = api.patch("company/deposit-settings", json={"generate_payment_sale": True, "payment_method": "transfer"})
    assert settings.status_code == 200, settings.text
    assert settings.json()["generate_payment_sale"] is True
    order = validated(api, party)
    draft = api.post(f"documents/{order['id']}/deposit-invoices", json={"amount": eur("240.00")}).json()
    issued = api.post(f"documents/{draft['document']['id']}/validate").json()
    assert (issued["payment_status"], issued["settled"]) == ("paid", eur("240.00"))
    payment = api.get("payments", params={"party_id": party["id"]}).json()["items"][0]
    assert (payment["method"], payment["amount"]) == ("transfer", eur("240.00"))


def test_a_standalone_deposit_invoice_is_attached_to_an_order_and_deducted_by_hand_then_removed(api, party):
    api.patch("company/deposit-settings", json={"deduct_all": False})
    standalone = api.post("deposit-invoices", json={"party_id": party["id"], "amount": eur("120.00"), "vat_rate": "20"})
    assert standalone.status_code == 201, standalone.text
    deposit_id = standalone.json()["document"]["id"]
    api.post(f"deposit-invoices/{deposit_id}/issue", json={"generate_payment": False})
    order = validated(api, party)
    attached = api.post(f"deposit-invoices/{deposit_id}/attach", json={"document_id": order["id"]})
    assert attached.status_code == 200, attached.text

    draft = api.post(f"documents/{order['id']}/final-invoices", json={}).json()
    invoice_id = draft["invoice_id"]
    assert draft["automatic_mode"] is False and draft["rows"][0]["maximum"] == eur("120.00")
    deducted = api.post(f"documents/{invoice_id}/deductions", json={"deposit_invoice_id": deposit_id, "percent": "50"})
    assert deducted.status_code == 200, deducted.text
    assert (deducted.json()["deducted"], deducted.json()["net_to_pay"]) == (eur("60.00"), eur("1140.00"))
    too_much = api.post(
        f"documents/{invoice_id}/deductions", json={"deposit_invoice_id": deposit_id, "amount": eur("120.01")}
    )
    assert too_much.status_code == 422 and too_much.json()["code"] == "deduction-exceeds-deposit"
    removed = api.delete(f"documents/{invoice_id}/deductions/{deposit_id}")
    assert removed.status_code == 200, removed.text
    assert removed.json()["deducted"] == eur("0.00")


def test_a_deposit_credit_note_reverses_part_of_an_issued_deposit_invoice(api, party):
    order = validated(api, party)
    draft = api.post(f"documents/{order['id']}/deposit-invoices", json={"percent": "30"}).json()
    deposit_id = draft["document"]["id"]
    api.post(f"deposit-invoices/{deposit_id}/issue", json={"generate_payment": False})
    reversed_ = api.post(f"documents/{deposit_id}/deposit-credit-notes", json={"amount": eur("60.00")})
    assert reversed_.status_code == 201, reversed_.text
    credit = reversed_.json()
    assert (credit["document"]["kind"], credit["document"]["state"], credit["document"]["gross"]) == (
        "deposit_credit_note",
        "validated",
        eur("60.00"),
    )
    shown = api.get(f"deposit-invoices/{deposit_id}").json()["summary"]
    assert (shown["reversed"], shown["available"]) == (eur("60.00"), eur("300.00"))
    over = api.post(f"documents/{deposit_id}/deposit-credit-notes", json={"amount": eur("300.01")})
    assert over.status_code == 422 and over.json()["code"] == "reversal-exceeds-deposit"


def test_default_deposit_percentages_of_a_party_and_an_item_and_their_refusals(api, clerk, party):
    item = api.post("items", json={"name": "Table", "unit_price": "1000.00", "vat_rate": "20"}).json()
    assert api.put(f"items/{item['id']}/deposit-percent", json={"percent": "40"}).status_code == 204
    assert api.put(f"parties/{party['id']}/deposit-percent", json={"percent": "25"}).status_code == 204
    order = validated(api, party, "order", {**line("1000.00"), "item_id": item["id"]})
    draft = api.post(f"documents/{order['id']}/deposit-invoices", json={})
    assert draft.status_code == 201, draft.text
    assert draft.json()["document"]["gross"] == eur("480.00")  # the item's percentage wins over the party's

    assert api.put(f"parties/{party['id']}/deposit-percent", json={"percent": "101"}).status_code == 422
    assert clerk.patch("company/deposit-settings", json={"deduct_all": False}).status_code == 403
    assert api.get("company/deposit-settings").json()["deduct_all"] is True


def test_a_deposit_of_another_party_comes_back_as_a_french_message_and_a_structured_warning(app, ctx, api, party):
    other = api.post("parties", json={"name": "Société Tierce"}).json()
    stray = api.post("deposit-invoices", json={"party_id": other["id"], "amount": eur("100.00"), "vat_rate": "20"})
    stray_id = stray.json()["document"]["id"]
    issued = api.post(f"deposit-invoices/{stray_id}/issue", json={"generate_payment": False})
    number = issued.json()["deposit_invoice"]["number"]
    order = validated(api, party)
    uow = app.uow()
    with uow:  # linked to the order by mistake (the API refuses it; older data may hold it)
        uow.documents.update(ctx.company_id, int(stray_id), origin_id=int(order["id"]))
        uow.commit()

    draft = api.post(f"documents/{order['id']}/final-invoices", json={}).json()
    invoice_id = draft["invoice_id"]
    message = (
        f"La facture d'acompte {number} a été émise pour Société Tierce, pas pour Claire Martin : "
        f"elle n'est pas déduite de brouillon n° {invoice_id}."
    )
    assert draft["warnings"] == [message]  # as before: French sentences
    assert draft["warning_details"] == [
        {
            "code": "deposit_of_another_party",
            "message": message,
            "params": {
                "deposit_id": stray_id,
                "deposit_number": number,
                "deposit_party": "Société Tierce",
                "invoice_id": invoice_id,
                "invoice_number": None,
                "invoice_party": "Claire Martin",
            },
        }
    ]


# -- final invoices deduct every available deposit by default, never silently twice --------------------------------


def _order_with_a_30_percent_deposit(api, party, *, paid: bool) -> tuple[dict, str]:  # type: ignore[no-untyped-def]
    order = validated(api, party)
    draft = api.post(f"documents/{order['id']}/deposit-invoices", json={"percent": "30"}).json()
    body = {"generate_payment": True, "method": "transfer"} if paid else {"generate_payment": False}
    issued = api.post(f"deposit-invoices/{draft['document']['id']}/issue", json=body)
    assert issued.status_code == 200, issued.text
    return order, draft["document"]["id"]


@pytest.mark.parametrize("paid", [True, False], ids=["paid deposit", "unpaid deposit"])
def test_a_final_invoice_from_an_order_with_a_deposit_invoice_deducts_it_already_on_the_draft(api, party, paid):
    """The report: « a final invoice made from an order with deposit invoices deducts nothing unless the user
    types 100; validating it at once invoices the deposit twice, with no warning »."""
    order, deposit_id = _order_with_a_30_percent_deposit(api, party, paid=paid)
    draft = api.post(f"documents/{order['id']}/convert", json={"target": "invoice"})
    assert draft.status_code == 201, draft.text
    invoice_id = draft.json()["id"]
    # the draft shows what it will be issued with: 1 200.00 − 360.00 deducted = 840.00 to pay
    assert (draft.json()["gross"], draft.json()["balance_due"]) == (eur("1200.00"), eur("840.00"))
    view = api.get(f"documents/{invoice_id}/deductions").json()
    assert (view["deducted"], view["net_to_pay"], view["warning_details"]) == (eur("360.00"), eur("840.00"), [])
    assert [(r["deposit"]["id"], r["deducted"], r["automatic"]) for r in view["rows"]] == [
        (deposit_id, eur("360.00"), True)
    ]

    issued = api.post(f"documents/{invoice_id}/validate")
    assert issued.status_code == 200, issued.text
    assert (issued.json()["state"], issued.json()["balance_due"]) == ("validated", eur("840.00"))
    assert (issued.json()["warnings"], issued.json()["warning_details"]) == ([], [])
    view = api.get(f"documents/{invoice_id}/deductions").json()
    assert (view["deducted"], view["net_to_pay"]) == (eur("360.00"), eur("840.00"))
    position = api.get(f"documents/{order['id']}/deposits").json()
    assert (position["invoiced"], position["outstanding"]) == (eur("1200.00"), eur("0.00"))  # not 1 560.00


def test_in_manual_mode_validating_without_deductions_answers_a_deposit_not_deducted_warning(api, party):
    api.patch("company/deposit-settings", json={"deduct_all": False})
    order, deposit_id = _order_with_a_30_percent_deposit(api, party, paid=False)
    deposit_number = api.get(f"documents/{deposit_id}").json()["number"]
    draft = api.post(f"documents/{order['id']}/final-invoices", json={}).json()
    invoice_id = draft["invoice_id"]
    assert draft["deducted"] == eur("0.00")
    # the draft already says what validating it now would leave undeducted
    assert [w["code"] for w in draft["warning_details"]] == ["deposit_not_deducted"]

    issued = api.post(f"documents/{invoice_id}/validate", headers={"Accept-Language": "en"})
    assert issued.status_code == 200, issued.text
    body = issued.json()
    assert body["balance_due"] == eur("1200.00")  # nothing deducted: the user chose manual deduction
    [warning] = body["warning_details"]
    assert warning["code"] == "deposit_not_deducted"
    params = warning["params"]
    assert (params["deposit_id"], params["deposit_number"], params["invoice_number"]) == (
        deposit_id,
        deposit_number,
        body["number"],
    )
    assert (params["expected"], params["deducted"], params["missing"], params["available"]) == (
        eur("360.00"),
        eur("0.00"),
        eur("360.00"),
        eur("360.00"),
    )
    assert body["warnings"] == [warning["message"]]
    assert deposit_number in warning["message"] and "360.00" in warning["message"]
    history = api.get(f"documents/{invoice_id}/history").json()["items"]
    assert "DepositNotDeducted" in [e["kind"] for e in history]


def test_a_deduction_removed_on_the_draft_stays_removed_and_validating_warns(api, party):
    order, deposit_id = _order_with_a_30_percent_deposit(api, party, paid=True)
    invoice_id = api.post(f"documents/{order['id']}/final-invoices", json={}).json()["invoice_id"]
    removed = api.delete(f"documents/{invoice_id}/deductions/{deposit_id}")
    assert removed.status_code == 200, removed.text
    assert removed.json()["deducted"] == eur("0.00")
    assert [w["params"]["missing"] for w in removed.json()["warning_details"]] == [eur("360.00")]
    issued = api.post(f"documents/{invoice_id}/validate").json()
    assert issued["balance_due"] == eur("1200.00")  # the user's choice stands: not deducted again at issue
    assert [w["code"] for w in issued["warning_details"]] == ["deposit_not_deducted"]


def test_a_smaller_deduction_than_available_warns_with_what_is_missing(api, party):
    order, deposit_id = _order_with_a_30_percent_deposit(api, party, paid=True)
    invoice_id = api.post(f"documents/{order['id']}/final-invoices", json={}).json()["invoice_id"]
    api.post(f"documents/{invoice_id}/deductions", json={"deposit_invoice_id": deposit_id, "amount": eur("100.00")})
    issued = api.post(f"documents/{invoice_id}/validate").json()
    assert issued["balance_due"] == eur("1100.00")
    [warning] = issued["warning_details"]
    assert (warning["params"]["deducted"], warning["params"]["missing"], warning["params"]["available"]) == (
        eur("100.00"),
        eur("260.00"),
        eur("260.00"),
    )
