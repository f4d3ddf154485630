"""The reconciliation page: the account's lines, the selected line's candidates with their reasons in words, the
balances; accepting a candidate, splitting a line by hand, ignoring and undoing, all as plain forms."""

from __future__ import annotations

import re
from datetime import date

from acompte.domain.banking.lines import LineState
from acompte.services import payments
from tests.bank_helpers import bank_line
from tests.helpers import line, validated

FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')


def state_of(app, ctx, line_id):  # type: ignore[no-untyped-def]
    uow = app.uow()
    with uow:
        return uow.bank.line(ctx.company_id, line_id).state


def test_the_page_shows_the_line_its_candidates_and_accepts_the_best(app, web, ctx, customer):
    uow = app.uow()
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    number = invoice.document.number
    quoted = bank_line(uow, ctx, "120.00", booking_date=date.today(), reference=f"Facture {number}", label="VIR DUPONT")
    page = web.get(f"/bank/reconcile?line={quoted.id}")
    assert page.status_code == 200
    assert "Solde selon la banque" in page.text and "Propositions" in page.text
    assert f"Le numéro {number} figure dans le libellé" in page.text
    key = FORM_KEY.search(page.text).group(1)  # type: ignore[union-attr]
    done = web.post(
        f"/bank/lines/{quoted.id}/match",
        {"candidate": "0", "version": str(quoted.version), "form_key": key, "account": str(quoted.account_id)},
        csrf_from="/bank/reconcile",
    )
    assert done.status_code == 303
    assert state_of(app, ctx, quoted.id) is LineState.RECONCILED
    shown = web.get(f"/bank/reconcile?line={quoted.id}&state=reconciled")
    assert "Annuler le rapprochement" in shown.text and "enregistré par le rapprochement" in shown.text


def test_a_line_is_split_across_documents_by_hand(app, web, ctx, customer):
    uow = app.uow()
    first = validated(uow, ctx, customer.id, line("100.00"))
    second = validated(uow, ctx, customer.id, line("50.00"))
    received = bank_line(uow, ctx, "180.00", booking_date=date.today(), label="VIR GROUPE")
    form = {
        "party_id": str(customer.id),
        "doc_0": str(first.id),
        "amount_0": "120,00",
        "doc_1": str(second.id),
        "amount_1": "60,00",
        "excess": "keep",
        "version": str(received.version),
    }
    refused = web.post(f"/bank/lines/{received.id}/match", {**form, "amount_1": "70,00"}, csrf_from="/bank/reconcile")
    assert refused.status_code == 422 and "alert" in refused.text
    assert state_of(app, ctx, received.id) is LineState.OPEN
    done = web.post(f"/bank/lines/{received.id}/match", form, csrf_from="/bank/reconcile")
    assert done.status_code == 303, done.text
    (payment,) = payments.list_payments(uow, ctx, party_id=customer.id)
    assert {a.document_id for a in payments.get_payment(uow, ctx, payment.id).allocations} == {first.id, second.id}


def test_a_line_is_ignored_brought_back_and_a_match_undone(app, web, ctx, customer):
    uow = app.uow()
    fee = bank_line(uow, ctx, "-7.00", label="FRAIS")
    assert web.post(f"/bank/lines/{fee.id}/ignore", {"reason": "frais"}, csrf_from="/bank/reconcile").status_code == 303
    assert state_of(app, ctx, fee.id) is LineState.IGNORED
    assert "Remettre à rapprocher" in web.get(f"/bank/reconcile?line={fee.id}&state=ignored").text
    assert web.post(f"/bank/lines/{fee.id}/unignore", {}, csrf_from="/bank/reconcile").status_code == 303
    assert state_of(app, ctx, fee.id) is LineState.OPEN
    received = bank_line(uow, ctx, "30.00", booking_date=date.today())
    web.post(f"/bank/lines/{received.id}/match", {"party_id": str(customer.id)}, csrf_from="/bank/reconcile")
    with uow:
        match = uow.bank_matches.active_for_lines(ctx.company_id, [received.id])[received.id]
    assert web.post(f"/bank/matches/{match.id}/undo", {}, csrf_from="/bank/reconcile").status_code == 303
    assert state_of(app, ctx, received.id) is LineState.OPEN


def test_the_page_reads_in_english(app, web, ctx):
    bank_line(app.uow(), ctx, "12.00")
    web.post("/language", {"lang": "en", "back": "/"})
    page = web.get("/bank/reconcile")
    assert "Balance as per the bank" in page.text and "Statement lines" in page.text


def test_the_settings_link_to_the_page(web):
    assert "/bank/reconcile?account=" in web.get("/settings").text


def test_the_bank_pages_link_to_the_page(web):
    assert "/bank/reconcile" in web.get("/bank").text
