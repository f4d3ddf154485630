"""The matching letters of a ledger are read from the links of its own keys' groups (walked from those keys in
fixed-size chunks), not from every allocation and refund of the company: the letters must come out exactly as
all the company's links give them, on a history whose groups span months and chain through several payments,
credit notes and a refund."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from acompte.domain.accounting import match_lines, matched_accounts
from acompte.domain.credits import CreditRef
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.money import Money
from acompte.persistence.rows import AllocationRow, RefundRow
from acompte.services import credits, documents, exports, parties, payments
from acompte.services.exports.facts import accounting_settings
from tests.services.test_bounded_parameters import parameters

D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def invoice(uow, ctx, party_id: int, chairs: str, day: date) -> int:
    draft = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=party_id, issue_date=day,
        lines=[LineInput("Chaise", D(chairs), D("100.00"), D("20"))],
    )  # fmt: skip
    return documents.validate_document(uow, ctx, draft.id, today=day).document.id


def pay(uow, ctx, party_id: int, amount: str, day: date, *allocations: tuple[int, str]) -> int:
    return payments.record_payment(
        uow, ctx, party_id=party_id, amount=eur(amount), method="transfer", payment_date=day,
        allocations=[(doc, eur(part)) for doc, part in allocations],
    ).payment.id  # fmt: skip


def all_links(app, company_id: int) -> list[tuple[str, str]]:
    """Every allocation and refund of the company as pairs of keys: what the ledger read before."""
    with app.engine.connect() as conn:
        allocations = conn.execute(
            select(AllocationRow.payment_id, AllocationRow.credit_document_id, AllocationRow.document_id).where(
                AllocationRow.company_id == company_id
            )
        )
        pairs = [
            (f"pay:{p}" if p is not None else f"doc:{c}", f"doc:{d}") for p, c, d in allocations
        ]  # fmt: skip
        refunds = conn.execute(
            select(RefundRow.payment_id, RefundRow.source_payment_id, RefundRow.source_credit_id).where(
                RefundRow.company_id == company_id
            )
        )
        return pairs + [(f"pay:{p}", f"pay:{s}" if s is not None else f"doc:{c}") for p, s, c in refunds]


def history(app, uow, ctx, customer) -> dict[str, int]:
    """Four months of one customer's (and another's) invoices, payments, credit notes and a refund, each month
    exported at its end. Returns the ids by name."""
    other = parties.create_party(uow, ctx, name="Client Martin").id
    ids: dict[str, int] = {}
    ids["A"] = invoice(uow, ctx, customer.id, "1", date(2026, 1, 5))  # 120.00
    ids["B"] = invoice(uow, ctx, customer.id, "2", date(2026, 1, 5))  # 240.00
    ids["C"] = invoice(uow, ctx, customer.id, "1", date(2026, 1, 6))  # 120.00
    ids["P1"] = pay(uow, ctx, customer.id, "200.00", date(2026, 1, 20), (ids["A"], "120.00"), (ids["B"], "80.00"))
    ids["O"] = invoice(uow, ctx, other, "1", date(2026, 1, 21))
    ids["PO"] = pay(uow, ctx, other, "120.00", date(2026, 1, 28), (ids["O"], "120.00"))
    exports.run_export(uow, ctx, date_from=date(2026, 1, 1), date_to=date(2026, 1, 31), today=date(2026, 2, 1))

    ids["P2"] = pay(uow, ctx, customer.id, "100.00", date(2026, 2, 10), (ids["B"], "100.00"))
    ids["D"] = invoice(uow, ctx, customer.id, "1", date(2026, 2, 12))  # 120.00
    exports.run_export(uow, ctx, date_from=date(2026, 2, 1), date_to=date(2026, 2, 28), today=date(2026, 3, 1))

    # B's last 60.00 settled by a credit note: A, P1, B, P2 and the note make one group over three months
    note = credits.credit_invoice(uow, ctx, ids["B"], lines=[(1, D("0.5"))], today=date(2026, 3, 3))
    ids["N1"] = note.document.id
    ids["P3"] = pay(uow, ctx, customer.id, "150.00", date(2026, 3, 10), (ids["D"], "120.00"))  # 30.00 over
    later = credits.credit_invoice(
        uow, ctx, ids["C"], lines=[(1, D("0.5"))], apply_to_origin=False, today=date(2026, 3, 15)
    )
    ids["N2"] = later.document.id
    exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31), today=date(2026, 4, 1))

    # the overpayment given back, the free credit note used on a new invoice, C paid at last
    ids["R"] = credits.refund(
        uow, ctx, source=CreditRef.payment(ids["P3"]), method="transfer", payment_date=date(2026, 4, 2)
    ).payment_id
    ids["E"] = invoice(uow, ctx, customer.id, "0.5", date(2026, 4, 5))  # 60.00
    credits.use_credit(uow, ctx, credit_id=ids["N2"], document_id=ids["E"])
    ids["P4"] = pay(uow, ctx, customer.id, "60.00", date(2026, 4, 20), (ids["C"], "60.00"))
    exports.run_export(uow, ctx, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30), today=date(2026, 5, 1))
    return ids


def test_the_letters_are_those_all_the_company_s_links_give(app, uow, ctx, other_ctx, customer):
    ids = history(app, uow, ctx, customer)
    # another company's history: never read, never linked
    stranger = parties.create_party(uow, other_ctx, name="Client Durand").id
    pay(uow, other_ctx, stranger, "120.00", date(2026, 2, 1), (invoice(uow, other_ctx, stranger, "1", date(2026, 2, 1)), "120.00"))  # fmt: skip

    with uow:
        accounts = matched_accounts(accounting_settings(uow.companies.get(ctx.company_id)))
    links = all_links(app, ctx.company_id)
    ledgers = [exports.ledger(uow, ctx, run_id=run.id) for run in exports.list_runs(uow, ctx)]
    ledgers.append(exports.ledger(uow, ctx, on=date(2026, 6, 1)))
    for ledger in ledgers:
        expected = match_lines([p.entry for p in ledger.entries], accounts, links)
        assert ledger.matches == expected

    # the year's letters join entries of January, February and March through P1, B, P2 and the credit note
    year = ledgers[-1]
    on_411 = {p.entry.piece_date.month for (i, _), p in ((k, year.entries[k[0]]) for k in year.matches)}
    assert {1, 2, 3, 4} <= on_411
    letters = {m.letter for m in year.matches.values()}
    assert len(letters) >= 3  # the chain of A and B, the other customer's O, D with its overpayment refunded

    # from any one key, the walk reads the whole group of that key (however far its links chain), and nothing else
    for key in {k for pair in links for k in pair}:
        with uow:
            walked = uow.exports.links(ctx.company_id, {key, "wo:1:100", "doc:x"})
        assert set(walked) == {pair for pair in links if component(links, key) & set(pair)}
    with uow:
        walked = set(uow.exports.links(ctx.company_id, {f"doc:{ids['A']}"}))
    assert walked == {
        (f"pay:{ids['P1']}", f"doc:{ids['A']}"),
        (f"pay:{ids['P1']}", f"doc:{ids['B']}"),
        (f"pay:{ids['P2']}", f"doc:{ids['B']}"),
        (f"doc:{ids['N1']}", f"doc:{ids['B']}"),
    }
    with uow:
        refunded = set(uow.exports.links(ctx.company_id, {f"pay:{ids['R']}"}))
    assert refunded == {(f"pay:{ids['R']}", f"pay:{ids['P3']}"), (f"pay:{ids['P3']}", f"doc:{ids['D']}")}


def component(links: list[tuple[str, str]], key: str) -> set[str]:
    """The keys `links` connect to `key`, found by the plainest search."""
    found, todo = {key}, [key]
    while todo:
        current = todo.pop()
        for a, b in links:
            for near in (b,) if a == current else (a,) if b == current else ():
                if near not in found:
                    found.add(near)
                    todo.append(near)
    return found


def test_the_walk_sends_the_same_number_of_parameters_whatever_the_number_of_keys(app, uow, ctx, customer):
    history(app, uow, ctx, customer)
    sizes = []
    for count in (1, 10, 6_000):  # 6 000 ids of a kind: two slices
        keys = {f"doc:{n}" for n in range(1, count + 1)} | {f"pay:{n}" for n in range(1, count + 1)}
        with uow, parameters(app.engine) as seen:
            uow.exports.links(ctx.company_id, keys)
        sizes.append(max(seen))
    assert sizes[0] == sizes[1] == sizes[2] <= 1_000
