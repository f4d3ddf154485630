"""Ranking a line's candidates: reasons, points, and when a candidate is certain."""

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

from acompte.domain.banking.facts import ExpectedDeposit, HeldCredit, LineFacts, OpenDocument, OpenPayment
from acompte.domain.banking.lines import BankLine, LineState
from acompte.domain.banking.matching import CandidateKind, MatchReason
from acompte.domain.banking.references import NumberKey, numbers_in
from acompte.domain.banking.scoring import Rules, match
from acompte.domain.money import Money
from acompte.domain.numbering import DEFAULT_PREFIXES, format_number

RULES = Rules(prefixes=set(DEFAULT_PREFIXES.values()), rf_is_valid=iso11649.is_valid)
DAY = date(2026, 12, 1)


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def line(amount: str, label: str = "", **fields: str) -> BankLine:
    base = dict(reference="", entry_reference="", counterparty_name="", counterparty_iban="", transaction_code="")
    base.update(fields)
    return BankLine(1, 1, 1, 0, DAY, None, eur(amount), label, state=LineState.OPEN, version=1, **base)  # type: ignore[arg-type]


def doc(id: int, number: str, open: str, *, party: int = 7, flow: str = "sale", kind: str = "invoice", ref: str = ""):
    return OpenDocument(
        id, number, ref, party, flow, kind, DAY - timedelta(days=3), DAY - timedelta(days=30), eur(open)
    )


def reasons(candidate):
    return {b.reason for b in candidate.because}


def test_a_number_in_the_label_with_the_exact_amount_is_certain():
    facts = LineFacts(documents=(doc(1, "FA-2026-00012", "120.00"), doc(2, "FA-2026-00013", "120.00")))
    best, other = match(line("120.00", "VIR fa 2026 00012"), facts, RULES)
    assert best.document_ids == (1,) and best.certain and best.score > other.score
    assert {MatchReason.NUMBER_IN_TEXT, MatchReason.EXACT_AMOUNT} <= reasons(best)
    assert not other.certain  # the same amount alone is never enough


def test_a_number_with_another_amount_is_proposed_but_not_certain():
    facts = LineFacts(documents=(doc(1, "FA-2026-00012", "120.00"),))
    (best,) = match(line("100.00", "FA-2026-00012"), facts, RULES)
    assert not best.certain and best.allocations == ((1, eur("100.00")),)


def test_the_direction_decides_what_a_line_may_pay():
    facts = LineFacts(documents=(doc(1, "FA-2026-00012", "120.00"), doc(2, "FF-2026-00012", "120.00", flow="purchase")))
    assert [c.document_ids for c in match(line("120.00"), facts, RULES)] == [(1,)]
    out = match(line("-120.00"), facts, RULES)
    assert [c.document_ids for c in out] == [(2,)] and MatchReason.DIRECTION in reasons(out[0])


def test_a_bare_number_counts_only_when_it_names_one_thing():
    one = LineFacts(documents=(doc(1, "FA-2026-00012", "120.00"),))
    assert match(line("120.00", "2026-00012"), one, RULES)[0].certain
    two = LineFacts(documents=(doc(1, "FA-2026-00012", "120.00"), doc(2, "FAC-2026-00012", "120.00")))
    assert not any(c.certain for c in match(line("120.00", "2026-00012"), two, RULES))


def test_an_rf_reference_names_the_document_it_carries():
    body = "FA202600012"
    reference = "RF" + mod_97_10.calc_check_digits(body + "RF") + body
    facts = LineFacts(documents=(doc(1, "FA-2026-00012", "120.00"),))
    (best,) = match(line("120.00", reference=reference), facts, RULES)
    assert best.certain and MatchReason.STRUCTURED_REFERENCE in reasons(best)


def test_two_documents_of_one_party_adding_up_are_combined():
    facts = LineFacts(
        documents=(
            doc(1, "FA-2026-00001", "100.00"),
            doc(2, "FA-2026-00002", "50.00"),
            doc(3, "FA-2026-00003", "30.00"),
        ),
        iban_parties=frozenset({7}),
    )
    combined = [
        c for c in match(line("130.00", counterparty_iban="FR76X"), facts, RULES) if c.kind is CandidateKind.DOCUMENTS
    ]
    assert combined[0].document_ids == (1, 3) and not combined[0].certain
    named = match(line("130.00", "FA-2026-00001 FA-2026-00003"), facts, RULES)[0]
    assert named.kind is CandidateKind.DOCUMENTS and named.certain


def test_three_invoices_paid_together_are_found_beyond_the_party_s_oldest():
    # twenty open invoices of 1 000.00 + n cents, due one day apart: the three newest make the line
    documents = tuple(
        replace(doc(n, f"FA-2026-{n:05d}", f"{1000 + n / 100:.2f}"), due_date=DAY - timedelta(days=40 - n))
        for n in range(1, 21)
    )
    facts = LineFacts(documents=documents, iban_parties=frozenset({7}))
    best = match(line("3000.57", "VIR REGLEMENT FACTURES", counterparty_iban="FR76X"), facts, RULES)[0]
    assert best.kind is CandidateKind.DOCUMENTS and set(best.document_ids) == {18, 19, 20} and not best.certain


def test_a_card_settlement_covers_card_payments_less_the_fee():
    payments = tuple(
        OpenPayment(i, f"RC-2026-0000{i}", 7, "card", "in", DAY - timedelta(days=1), eur(a))
        for i, a in ((1, "100.00"), (2, "200.00"), (3, "300.00"))
    )
    (best,) = match(line("592.80"), LineFacts(payments=payments), RULES)
    assert best.kind is CandidateKind.PAYMENTS and best.fee == eur("7.20") and best.payment_ids == (1, 2, 3)
    assert not best.certain


def test_a_card_settlement_line_takes_every_card_payment_of_one_day_first_and_is_never_certain():
    payments = tuple(
        OpenPayment(i, f"RC-2026-0000{i}", 7, "card", "in", DAY - timedelta(days=days), eur(a))
        for i, days, a in ((1, 3, "59.50"), (2, 2, "40.00"), (3, 1, "60.00"), (4, 1, "40.00"))
    )
    # 98.80 is the day before (100.00) less 1.2 %, and the two days before it (99.50) less 0.70
    facts = LineFacts(payments=payments, documents=(doc(5, "FA-2026-00005", "98.80", party=8),))
    (settled, *_others) = match(
        line("98.80", "REMISE CB 3011 0012345", transaction_code="PMNT-CCRD-POSD"), facts, RULES
    )
    assert settled.kind is CandidateKind.PAYMENTS and settled.payment_ids == (3, 4) and settled.fee == eur("1.20")
    assert not settled.certain
    transfer = match(line("98.80", "VIR SEPA"), LineFacts(payments=payments), RULES)[0]
    assert transfer.payment_ids == (1, 2) and transfer.fee == eur("0.70")


def test_a_supplier_number_names_a_purchase_invoice():
    facts = LineFacts(documents=(doc(4, "FF-2026-00001", "80.00", flow="purchase", ref="F-118"),))
    (best,) = match(line("-80.00", "PRLV SEPA FOURNISSEUR F118"), facts, RULES)
    assert best.certain and MatchReason.SUPPLIER_REFERENCE in reasons(best)


def test_a_debit_gives_back_a_customers_overpayment():
    credit = HeldCredit(9, "RC-2026-00009", 7, "in", DAY - timedelta(days=5), eur("25.00"))
    (best,) = match(line("-25.00"), LineFacts(credits=(credit,)), RULES)
    assert best.kind is CandidateKind.REFUND and best.payment_ids == (9,) and not best.certain


def test_a_deposit_asked_on_an_order_is_expected():
    deposit = ExpectedDeposit(5, "CO-2026-00003", 7, "sale", eur("300.00"))
    (best,) = match(line("300.00", "acompte CO-2026-00003"), LineFacts(deposits=(deposit,)), RULES)
    assert best.kind is CandidateKind.DEPOSIT and best.certain and MatchReason.EXPECTED_DEPOSIT in reasons(best)


def test_two_certain_candidates_make_none_certain():
    facts = LineFacts(documents=(doc(1, "FA-2026-00012", "120.00"), doc(2, "FA-2026-00013", "120.00", party=8)))
    found = match(line("120.00", "FA-2026-00012 FA-2026-00013"), facts, RULES)
    assert found and not any(c.certain for c in found)


def test_no_fact_no_candidate_and_scores_stay_within_bounds():
    assert match(line("42.00"), LineFacts(), RULES) == []
    facts = LineFacts(
        documents=(doc(1, "FA-2026-00012", "120.00"),), iban_parties=frozenset({7}), named_parties=frozenset({7})
    )
    for candidate in match(replace(line("120.00", "FA-2026-00012"), counterparty_iban="FR76"), facts, RULES):
        assert 0 <= candidate.score <= 100


amounts = st.integers(min_value=1, max_value=100_000).map(lambda cents: Money.from_minor(cents, "EUR"))


@given(
    st.lists(st.tuples(amounts, st.integers(min_value=1, max_value=3), st.booleans()), max_size=12),
    st.lists(st.tuples(amounts, st.sampled_from(["card", "transfer"])), max_size=6),
    amounts,
    st.booleans(),
)
def test_without_a_reference_nothing_is_certain_and_every_candidate_adds_up(docs, pays, amount, received):
    facts = LineFacts(
        documents=tuple(
            OpenDocument(i, f"FA-2026-{i:05d}", "", party, "sale" if sale else "purchase", "invoice", DAY, DAY, a)
            for i, (a, party, sale) in enumerate(docs, start=1)
        ),
        payments=tuple(
            OpenPayment(i, f"RC-2026-{i:05d}", 1, method, "in" if received else "out", DAY, a)
            for i, (a, method) in enumerate(pays, start=1)
        ),
        iban_parties=frozenset({1}),
        named_parties=frozenset({2}),
    )
    signed = amount if received else -amount
    for candidate in match(line(str(signed.amount)), facts, RULES):
        assert not candidate.certain and 0 <= candidate.score <= 100
        assert sum(part.minor_units for _doc, part in candidate.allocations) <= amount.minor_units
        if candidate.kind is CandidateKind.DOCUMENTS:
            assert sum(part.minor_units for _doc, part in candidate.allocations) == amount.minor_units
        if candidate.fee is not None:
            assert candidate.fee.minor_units >= 0


@given(
    st.sampled_from(sorted(set(DEFAULT_PREFIXES.values()))),
    st.integers(min_value=1900, max_value=2099),
    st.integers(min_value=1, max_value=99_999),
    st.sampled_from([" ", "-", "/", ".", "", " - "]),
    st.booleans(),
)
def test_every_number_the_series_write_is_read_back_however_separated(prefix, year, value, sep, lower):
    written = f"{prefix}{sep}{year}{sep}{value:05d}"
    text = f"VIR {written.lower() if lower else written} MERCI"
    assert NumberKey(prefix, year, value) in numbers_in(text, RULES.prefixes)
    assert NumberKey(prefix, year, value).matches(format_number(prefix, year, value))


def test_a_number_typed_with_a_slip_names_a_document_of_the_party_the_line_recognises():
    ours, theirs = doc(1, "FA-2026-00437", "120.00", party=7), doc(2, "FA-2026-00473", "95.00", party=8)
    facts = LineFacts(documents=(ours, theirs), named_parties=frozenset({7}))
    # the slip (3 and 7 swapped) writes exactly the number of another party's invoice, with another amount
    best, other = match(line("120.00", "VIR SEPA FACT FA-2026-00473", counterparty_name="DUPONT"), facts, RULES)
    assert best.document_ids == (1,) and not best.certain
    assert {MatchReason.NUMBER_MISTYPED, MatchReason.PARTY_NAME, MatchReason.EXACT_AMOUNT} <= reasons(best)
    mistyped = next(b for b in best.because if b.reason is MatchReason.NUMBER_MISTYPED)
    assert mistyped.params == {"number": "FA-2026-00437", "written": "FA202600473"}
    assert other.document_ids == (2,) and MatchReason.NUMBER_IN_TEXT in reasons(other)


def test_a_slip_counts_only_for_a_party_the_line_recognises_and_never_makes_a_candidate_certain():
    facts = LineFacts(documents=(doc(1, "FA-2026-00437", "120.00", party=7),))
    (alone,) = match(line("120.00", "FACT FA-2026-00347"), facts, RULES)
    assert MatchReason.NUMBER_MISTYPED not in reasons(alone) and not alone.certain
    known = replace(facts, iban_parties=frozenset({7}))
    (best,) = match(line("120.00", "FACT FA-2026-00347", counterparty_iban="FR7630006000011234567890189"), known, RULES)
    assert MatchReason.NUMBER_MISTYPED in reasons(best) and not best.certain


@given(
    st.lists(
        st.tuples(amounts, st.integers(min_value=1, max_value=4), st.integers(min_value=0, max_value=60)),
        max_size=25,
    ),
    st.lists(st.integers(min_value=1, max_value=25), max_size=3),
    st.sampled_from(["named", "slipped", "amount"]),
    st.booleans(),
    st.integers(min_value=0, max_value=6),
)
def test_the_first_candidates_asked_are_the_first_of_all(docs, named, how, received, limit):
    """`match(..., limit=n)` builds fewer candidates, never other ones: the same n first as the whole ranking."""
    documents = tuple(
        OpenDocument(
            i, f"FA-2026-{i:05d}", "", party, "sale" if received else "purchase", "invoice",
            DAY - timedelta(days=days), DAY - timedelta(days=40), a,
        )
        for i, (a, party, days) in enumerate(docs, start=1)
    )  # fmt: skip
    words = []
    for i in named:
        number = f"FA-2026-{i:05d}"
        words.append(number[:-2] + number[-1] + number[-2] if how == "slipped" else number)
    amount = documents[named[0] % len(documents)].open if documents and named else eur("100.00")
    facts = LineFacts(
        documents=documents,
        payments=(OpenPayment(1, "RC-2026-00001", 1, "transfer", "in" if received else "out", DAY, amount),),
        iban_parties=frozenset({1}),
        named_parties=frozenset({2, 3}),
    )
    label = "VIR " + (" ".join(words) if how != "amount" else "")
    signed = amount if received else -amount
    bank_line = replace(line(str(signed.amount), label), counterparty_iban="FR7630006000011234567890189")
    assert match(bank_line, facts, RULES, limit=limit) == match(bank_line, facts, RULES)[:limit]
