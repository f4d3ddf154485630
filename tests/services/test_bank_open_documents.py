"""The open documents the bank matcher reads (`uow.bank_facts.open_documents`, persistence/open_balances.py) are
the documents whose position leaves something to move, each with what it leaves: an invoice's balance due, a
credit note's credit left (SQLite and PostgreSQL).

The reference is `services.positions` (the one position per document). Both reads are checked: every open
document of the company at once (what `proposals` reads) and the few a line narrows to (what `candidates` reads).
"""

from __future__ import annotations

from hypothesis import given

from acompte.domain.banking.facts import Narrowing
from acompte.domain.documents import CREDIT_KINDS, Kind, State
from acompte.domain.money import Money
from acompte.domain.statuses import PositionStatus
from acompte.persistence.bank_facts_repository import MATCHED_KINDS
from acompte.services import companies, parties
from acompte.services.ports import Ctx
from tests.services.test_document_list import DB, STEPS, History, reference

MATCHED = {k.value for k in MATCHED_KINDS}
CREDITS = {k.value for k in CREDIT_KINDS}


def expected_open(uow, ctx) -> dict[int, Money]:  # type: ignore[no-untyped-def]
    """What each validated, uncancelled document the matcher may propose still has to move, by its position."""
    found = {}
    for s in reference(uow, ctx):
        p = s.position
        if s.kind not in MATCHED or s.state != State.VALIDATED.value or p.currency != "EUR":
            continue
        if p.status is PositionStatus.CANCELLED:
            continue
        left = p.credit_left if s.kind in CREDITS else p.balance_due
        if left.is_positive:
            found[s.id] = left
    return found


def read_open(uow, ctx, party_ids: frozenset[int] | None = None) -> dict[int, Money]:  # type: ignore[no-untyped-def]
    """The open documents as the matcher reads them: all at once, or narrowed to the parties' documents (a line
    that recognises every party keeps them all, through the correlated sums)."""
    narrowing = None
    if party_ids is not None:
        narrowing = Narrowing(currency="EUR", amount=Money.of("0.01", "EUR"), received=True, party_ids=party_ids)
    with uow:
        found = uow.bank_facts.open_documents(ctx.company_id, "EUR", narrowing)
    assert [d.id for d in found] == sorted(d.id for d in found)
    return {d.id: d.open for d in found}


def assert_both_reads_are_the_positions(uow, ctx, party_ids: frozenset[int]) -> dict[int, Money]:  # type: ignore[no-untyped-def]
    expected = expected_open(uow, ctx)
    assert read_open(uow, ctx) == expected
    assert read_open(uow, ctx, party_ids) == expected
    return expected


#: A history that leaves every case the figures must agree on: invoices partly paid and paid, an order whose
#: deposit payment and paid deposit invoice move to its final invoice (deducted there), a deposit invoice
#: reversed in full by its deposit credit note, an invoice partly and one fully credited, a credit note fully
#: used on an invoice, one partly refunded, one written off, a shortfall written off.
HISTORY = (
    ("invoice", 0, 50),
    ("invoice", 0, 30),
    ("invoice", 0, 70),
    ("invoice", 0, 20),
    ("invoice", 0, 90),
    ("pay", 0, 40),
    ("pay", 3, 100),
    ("order", 0, 20),
    ("deposit_payment", 0, 30),
    ("paid_deposit_invoice", 0, 30),
    ("final_invoice", 0, 0),
    ("order", 0, 10),
    ("deposit_invoice", 1, 20),
    ("reverse_deposit", 1, 80),
    ("credit_one", 1, 0),
    ("use_credit", 0, 100),
    ("credit_in_full", 4, 0),
    ("gesture", 0, 5),
    ("gesture", 0, 7),
    ("gesture", 0, 9),
    ("use_credit", 2, 50),
    ("refund", 3, 50),
    ("write_off_credit", 4, 0),
    ("write_off_shortfall", 2, 0),
)


def test_the_open_documents_are_those_their_positions_leave_open_after_varied_histories(app):  # type: ignore[no-untyped-def]
    uow = app.uow()
    ctx = Ctx(companies.create_company(uow, name="Banque ouverte SARL"), actor="test")
    history = History(uow, ctx)
    for step in HISTORY:
        history.play(*step)
    other = parties.create_party(uow, ctx, name="Autre client")  # a party with nothing open
    expected = assert_both_reads_are_the_positions(uow, ctx, frozenset({history.party, other.id}))
    summaries = reference(uow, ctx)
    statuses = {(s.kind, s.position.status) for s in summaries}
    # the history reached every case named above (a change of the helpers must not empty it silently)
    assert {
        (Kind.INVOICE.value, PositionStatus.PARTIAL),
        (Kind.INVOICE.value, PositionStatus.PAID),
        (Kind.INVOICE.value, PositionStatus.CANCELLED),
        (Kind.DEPOSIT_INVOICE.value, PositionStatus.CANCELLED),
        (Kind.ORDER.value, PositionStatus.INVOICED),
        (Kind.CREDIT_NOTE.value, PositionStatus.USED),
        (Kind.CREDIT_NOTE.value, PositionStatus.WRITTEN_OFF),
        (Kind.CREDIT_NOTE.value, PositionStatus.PARTIALLY_USED),
    } <= statuses, statuses
    assert any(s.position.deducted.is_positive for s in summaries if s.id in expected)
    assert any(s.position.written_off.is_positive for s in summaries if s.kind == Kind.INVOICE.value)
    partly = [s for s in summaries if s.id in expected and s.kind == Kind.INVOICE.value]
    assert any(expected[s.id] != s.position.total for s in partly)
    assert not any(s.id in expected for s in summaries if s.position.status is PositionStatus.CANCELLED)


def test_another_companys_facts_change_nothing(app):  # type: ignore[no-untyped-def]
    uow = app.uow()
    ours = Ctx(companies.create_company(uow, name="Nous SARL"), actor="test")
    theirs = Ctx(companies.create_company(uow, name="Eux SARL"), actor="test")
    mine, others = History(uow, ours), History(uow, theirs)
    for step in HISTORY[:8]:
        mine.play(*step)
        others.play(*step)
    for step in HISTORY[8:]:
        others.play(*step)
    assert_both_reads_are_the_positions(uow, ours, frozenset({mine.party}))
    assert_both_reads_are_the_positions(uow, theirs, frozenset({others.party}))


@DB
@given(steps=STEPS)
def test_the_open_documents_are_their_positions_after_any_history(app, steps):  # type: ignore[no-untyped-def]
    uow = app.uow()
    ctx = Ctx(companies.create_company(uow, name="Propriété banque SARL"), actor="hypothesis")
    history = History(uow, ctx)
    for step in steps:
        history.play(*step)
    assert_both_reads_are_the_positions(uow, ctx, frozenset({history.party}))
