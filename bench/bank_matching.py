"""How often the matcher proposes the right thing first for a year of made-up but realistic bank lines.

A ledger is built (customers and suppliers, sales invoices, orders asking a deposit, purchase invoices with the
supplier's number, payments typed by hand, card payments: in bulk, row for row what the services write, see
bank_ledger.py; or through the services with --through-services), then a statement whose
every line records its TRUE answer: exact payments quoting the invoice, partial payments, one transfer for three
invoices, deposits, overpayments, references with typos or missing (payer known by IBAN or by name), card
settlements net of fees, bank fees, refunds, supplier direct debits. The statement is imported, the proposals
read, and the best candidate of each line compared with the truth; then automatic reconciliation is run (unless
--no-auto) and every line it confirmed checked against the truth.

Card settlements are made as a French merchant's bank makes them: the terminal sends its day's payments once a
day and the acquirer credits one « REMISE CB » per terminal contract and business day, covering every card
payment of the business day before (2–5 here), net of its commission. So there are at most as many of them as
business days (about 250 a year, however long the statement); the rest of their 8 % share goes to the other
kinds of line in their weights. What this does not test: a merchant with two terminals, credited twice the same
day — amounts alone cannot tell which payments went to which remittance.

    uv run python -m bench.bank_matching --lines 10000 --sqlite-url sqlite:////tmp/m.db \\
        --postgresql-url postgresql://postgres@127.0.0.1:5432/bench --no-auto --misses
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Engine
from stdnum.iso7064 import mod_97_10

from acompte.domain.banking.lines import BankLine, NewBankLine
from acompte.domain.banking.matching import Candidate
from acompte.domain.banking.statements import Statement, StatementFormat
from acompte.domain.documents import Flow, Kind
from acompte.domain.money import Money
from acompte.domain.payments import AccountKind
from acompte.services.banking.matching import CandidateView
from acompte.services.ports import Ctx, UnitOfWork
from bench.bank_ledger import BulkLedger, Ledger, ServiceLedger, iban_for

OWN_IBAN = "FR7630006000011234567890189"
FIRST_DAY = date(2026, 1, 5)
#: (kind of line, weight): the share of each in the statement.
MIX = (
    ("exact", 30),
    ("exact-rf", 6),
    ("partial", 6),
    ("three", 2),
    ("deposit", 5),
    ("overpaid", 3),
    ("typo-iban", 6),
    ("missing-name", 5),
    ("card", 8),  # at most one a business day: see above
    ("fee", 4),
    ("refund", 2),
    ("supplier-debit", 12),
    ("supplier-transfer", 5),
    ("typed", 6),
)


@dataclass(frozen=True, slots=True)
class Truth:
    """The right answer of a line: the documents and payments it settles (both empty: nothing in the ledger)."""

    kind: str
    documents: frozenset[int] = frozenset()
    payments: frozenset[int] = frozenset()

    @property
    def has_answer(self) -> bool:
        return bool(self.documents or self.payments)

    def is_(self, candidate: Candidate) -> bool:
        return set(candidate.document_ids) == self.documents and set(candidate.payment_ids) == self.payments


@dataclass
class Result:
    backend: str
    lines: int
    build_seconds: float
    import_seconds: float
    matching_seconds: float
    answerable: int
    right_first: int
    wrong_certain: int
    certain: int
    #: None when automatic reconciliation was not run.
    auto_confirmed: int | None
    auto_wrong: int | None
    misses: Counter[str] = field(default_factory=Counter)
    #: Each line whose best candidate is wrong: its text, its truth, what came first.
    missed: list[str] = field(default_factory=list)
    profile: str = ""

    @property
    def accuracy(self) -> float:
        return self.right_first / self.answerable if self.answerable else 1.0


def _typo(text: str, chance: random.Random) -> str:
    """A reference typed wrong: two characters swapped or one dropped."""
    i = chance.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :] if chance.random() < 0.5 else text[:i] + text[i + 1 :]


def _rf(number: str) -> str:
    body = number.replace("-", "")
    return "RF" + mod_97_10.calc_check_digits(body + "RF") + body


def _pick(chance: random.Random, *, besides: str = "") -> str:
    mix = [(kind, weight) for kind, weight in MIX if kind != besides]
    total = sum(w for _k, w in mix)
    roll = chance.randrange(total)
    for kind, weight in mix:
        if roll < weight:
            return kind
        roll -= weight
    raise AssertionError(roll)


def _lines(ledger: Ledger, lines: int, chance: random.Random) -> list[tuple[NewBankLine, Truth]]:
    """The statement's lines with their truth, each writing in the ledger what it settles."""
    eur = "EUR"
    made: list[tuple[NewBankLine, Truth]] = []
    first = FIRST_DAY
    settled: set[date] = set()  # the days a card settlement is credited on

    def add(day: date, amount: Money, truth: Truth, **fields: str) -> None:
        new = NewBankLine(position=len(made), booking_date=day, value_date=day, amount=amount, **fields)
        made.append((new, truth))

    for n in range(lines):
        day = first + timedelta(days=n * 355 // max(lines, 1))
        before = day - timedelta(days=chance.randrange(5, 40))
        kind = _pick(chance)
        if kind == "card" and (day.weekday() >= 5 or day in settled):
            # one remittance a business day: the card share beyond it goes to the other kinds, in their weights
            kind = _pick(chance, besides="card")
        customer = chance.choice(ledger.customers)
        name = ledger.customer_names[customer].upper()
        iban = ledger.ibans.get(customer, iban_for(100_000 + customer))
        if chance.random() < 0.25:  # an unpaid invoice beside: something the line must not be taken for
            ledger.document(customer, before)
        if kind in ("exact", "exact-rf", "partial", "overpaid", "typo-iban", "missing-name"):
            doc, number, gross = ledger.document(customer, before)
            amount = gross
            if kind == "partial":
                amount = Money(
                    (gross.amount * Decimal(chance.choice(("0.3", "0.5", "0.7")))).quantize(Decimal("0.01")), eur
                )
            elif kind == "overpaid":
                amount = gross + Money.of(chance.choice(("1.00", "5.00", "10.00", "20.00")), eur)
            label = f"VIR SEPA {name} FACTURE {number}"
            reference = ""
            if kind == "exact-rf":
                label, reference = f"VIR SEPA {name}", _rf(number)
            elif kind == "typo-iban":
                label = f"VIR SEPA {name} FACT {_typo(number, chance)}"
            elif kind == "missing-name":
                label = f"VIR SEPA {name}"
                iban = iban_for(200_000 + n)  # an account the company does not know
            add(
                day,
                amount,
                Truth(kind, frozenset({doc})),
                label=label,
                reference=reference,
                counterparty_name=name,
                counterparty_iban=iban,
            )
        elif kind == "three":
            found = [ledger.document(customer, before) for _ in range(3)]
            amount = Money(sum((g.amount for _d, _n, g in found), Decimal("0.00")), eur)
            quoted = chance.random() < 0.5
            label = f"VIR {name} " + (" ".join(number for _d, number, _g in found) if quoted else "REGLEMENT FACTURES")
            add(
                day,
                amount,
                Truth(kind, frozenset(d for d, _n, _g in found)),
                label=label,
                counterparty_name=name,
                counterparty_iban=iban,
            )
        elif kind == "deposit":
            order, number, gross = ledger.document(customer, before, kind=Kind.ORDER)
            percent = chance.choice(("30", "40", "50"))
            ledger.request_deposit(order, percent)
            amount = Money((gross.amount * Decimal(percent) / 100).quantize(Decimal("0.01")), eur)
            add(
                day,
                amount,
                Truth(kind, frozenset({order})),
                label=f"VIR {name} ACOMPTE CDE {number}",
                counterparty_name=name,
                counterparty_iban=iban,
            )
        elif kind == "card":  # the day's remittance of the terminal: every card payment of the business day before
            settled.add(day)
            paid_on = day - timedelta(days=3 if day.weekday() == 0 else 1)
            cards = []
            for _ in range(chance.randrange(2, 6)):
                other = chance.choice(ledger.customers)
                paid = Money(ledger.money(10, 300), eur)
                cards.append((ledger.payment(other, paid, paid_on, "card")[0], paid))
            total = sum((paid.amount for _p, paid in cards), Decimal("0.00"))
            fee = (total * Decimal("0.012")).quantize(Decimal("0.01"))
            add(
                day,
                Money(total - fee, eur),
                Truth(kind, payments=frozenset(p for p, _paid in cards)),
                label=f"REMISE CB {day:%d%m} 0012345",
                transaction_code="PMNT-CCRD-POSD",
            )
        elif kind == "fee":
            add(
                day,
                Money(-ledger.money(1, 40), eur),
                Truth(kind),
                label="FRAIS TENUE DE COMPTE",
                transaction_code="ACMT-MDOP-CHRG",
            )
        elif kind == "refund":
            doc, _number, gross = ledger.document(customer, before)
            extra = Money(ledger.money(5, 80), eur)
            paid, _pn = ledger.payment(customer, gross + extra, before, "cheque", to=((doc, gross),))
            add(
                day,
                -extra,
                Truth(kind, payments=frozenset({paid})),
                label=f"VIR REMBOURSEMENT TROP PERCU {name}",
                counterparty_name=name,
                counterparty_iban=iban,
            )
        elif kind in ("supplier-debit", "supplier-transfer"):
            supplier = chance.choice(ledger.suppliers)
            theirs = f"F{chance.randrange(10, 99)}-{n:06d}"
            doc, _number, gross = ledger.document(supplier, before, flow=Flow.PURCHASE, supplier_reference=theirs)
            sname = ledger.supplier_names[supplier].upper()
            word = "PRLV SEPA" if kind == "supplier-debit" else "VIR SEPA"
            add(
                day,
                -gross,
                Truth(kind, frozenset({doc})),
                label=f"{word} {sname} FACT {theirs}",
                counterparty_name=sname,
                counterparty_iban=ledger.ibans.get(supplier, iban_for(300_000 + supplier)),
            )
        else:  # typed: a transfer the bookkeeper typed by hand before the statement came
            doc, number, gross = ledger.document(customer, before)
            paid, _pn = ledger.payment(customer, gross, day, "transfer", to=((doc, gross),))
            add(
                day,
                gross,
                Truth(kind, payments=frozenset({paid})),
                label=f"VIR SEPA {name} FACTURE {number}",
                counterparty_name=name,
                counterparty_iban=iban,
            )
    return made


def build(
    uow: UnitOfWork,
    ctx: Ctx,
    lines: int,
    seed: int = 15,
    customers: int = 500,
    suppliers: int = 50,
    *,
    engine: Engine | None = None,
) -> tuple[Statement, list[Truth]]:
    """The ledger and a statement of `lines` lines with their truth. With `engine`, the ledger's documents and
    payments are written in bulk on it (`BulkLedger`); without, one by one through the services."""
    chance = random.Random(seed)
    ledger: Ledger
    if engine is None:
        ledger = ServiceLedger(uow, ctx, chance, customers, suppliers)
    else:  # at most four documents (three invoices and one beside) and five payments (a settlement) a line
        ledger = BulkLedger(
            engine, uow, ctx, chance, customers, suppliers, documents=4 * lines + 8, payments=5 * lines + 8
        )
    with ledger:
        made = _lines(ledger, lines, chance)
    eur, first = "EUR", FIRST_DAY
    total = Money(sum((line.amount.amount for line, _t in made), Decimal("0.00")), eur)
    opening = Money(Decimal("50000.00"), eur)
    statement = Statement(
        format=StatementFormat.CAMT053,
        currency=eur,
        lines=tuple(line for line, _t in made),
        account_ibans=(OWN_IBAN,),
        statement_ref=f"BENCH-MATCH-{lines}-{seed}",
        opening=opening,
        closing=opening + total,
        period=(first, first + timedelta(days=360)),
    )
    return statement, [t for _l, t in made]


def _missed(line: BankLine, truth: Truth, best: CandidateView | None) -> str:
    first = "nothing"
    if best is not None:
        numbers = [d.number for d in best.documents] + [p.number for p in best.payments]
        first = f"{best.kind} {' '.join(numbers)} score {best.score} ({', '.join(r.code for r in best.reasons)})"
    return f"{truth.kind}: {line.amount} «{line.label}» {line.counterparty_name} — first: {first}"


def measure(
    url: str,
    backend: str,
    lines: int,
    seed: int = 15,
    customers: int = 500,
    suppliers: int = 50,
    *,
    through_services: bool = False,
    profile: bool = False,
    auto: bool = True,
) -> Result:
    """Build (in bulk, or `through_services`), import, match and auto-reconcile on one database; the figures."""
    from acompte import bootstrap
    from acompte.domain.banking.confirmation import AUTO_RECONCILE_SETTING
    from acompte.services import companies
    from acompte.services.banking import imports, matching, reconciliation

    app = bootstrap.build(url)
    try:
        uow = app.uow()
        ctx = Ctx(companies.create_company(uow, name="Bench rapprochement SARL", currency="EUR"), actor="bench")
        account = companies.add_account(uow, ctx, name="Banque bench", kind=AccountKind.BANK, iban=OWN_IBAN)
        started = time.perf_counter()
        engine = None if through_services else app.engine
        statement, truths = build(uow, ctx, lines, seed, customers, suppliers, engine=engine)
        built, built_cpu = time.perf_counter(), time.process_time()
        summary = imports.import_statement(uow, ctx, account, statement, file_sha256=f"{seed:064d}")
        imported = time.perf_counter()
        profiler = cProfile.Profile() if profile else None
        if profiler is not None:
            profiler.enable()
        proposed = matching.proposals(uow, ctx, account, per_line=1, limit=len(truths) + 1)
        matched, matched_cpu = time.perf_counter(), time.process_time()
        print(
            f"{backend}: {len(truths)} lines — import + matching {matched - built:.2f} s "
            f"(this process's CPU {matched_cpu - built_cpu:.2f} s); auto-reconciliation follows",
            flush=True,
        )
        said = io.StringIO()
        if profiler is not None:
            profiler.disable()
            pstats.Stats(profiler, stream=said).sort_stats("cumulative").print_stats(30)
        assert summary.added == len(truths), summary
        truth_of = {}
        with uow:
            stored = uow.bank.lines(ctx.company_id, account, None, limit=len(truths) + 1)
            truth_of = {line.id: truths[line.position] for line in stored}
        answerable = right = wrong_certain = certain = 0
        misses: Counter[str] = Counter()
        missed: list[str] = []
        for line, views in proposed:
            truth = truth_of[line.id]
            best = views[0].candidate if views else None
            if truth.has_answer:
                answerable += 1
                if best is not None and truth.is_(best):
                    right += 1
                else:
                    misses[truth.kind] += 1
                    missed.append(_missed(line, truth, views[0] if views else None))
            if best is not None and best.certain:
                certain += 1
                if not truth.is_(best):
                    wrong_certain += 1
                    misses[f"{truth.kind} (wrong certain)"] += 1
        print(
            f"{backend}: right first {right}/{answerable}; certain {certain}, wrong certain {wrong_certain}; "
            f"misses {dict(misses.most_common())}",
            flush=True,
        )
        if not auto:
            return Result(
                backend, len(truths), built - started, imported - built, matched - imported, answerable, right,
                wrong_certain, certain, None, None, misses, missed, said.getvalue(),
            )  # fmt: skip
        companies.update_settings(uow, ctx, {AUTO_RECONCILE_SETTING: True})
        auto_started = time.perf_counter()
        done = reconciliation.auto_reconcile(uow, ctx, account)
        print(
            f"{backend}: auto-reconciliation {time.perf_counter() - auto_started:.2f} s, "
            f"{len(done.reconciled)} confirmed, {len(done.refused)} refused",
            flush=True,
        )
        chosen = dict(done.chosen)
        auto_wrong = sum(1 for r in done.reconciled if not truth_of[r.line_id].is_(chosen[r.line_id]))
        return Result(
            backend,
            len(truths),
            built - started,
            imported - built,
            matched - imported,
            answerable,
            right,
            wrong_certain,
            certain,
            len(done.reconciled),
            auto_wrong,
            misses,
            missed,
            said.getvalue(),
        )
    finally:
        app.close()


def main(argv: list[str] | None = None) -> list[Result]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--suppliers", type=int, default=50)
    parser.add_argument("--sqlite-url")
    parser.add_argument("--postgresql-url")
    parser.add_argument(
        "--through-services", action="store_true", help="build the ledger one use case at a time (slow)"
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the proposals' reading")
    parser.add_argument("--misses", action="store_true", help="print every line whose best candidate is wrong")
    parser.add_argument(
        "--no-auto",
        action="store_true",
        help="skip the automatic reconciliation (the proposals read again, then a use case per certain line)",
    )
    args = parser.parse_args(argv)
    results = []
    for backend, url in (("sqlite", args.sqlite_url), ("postgresql", args.postgresql_url)):
        if not url:
            continue
        r = measure(
            url,
            backend,
            args.lines,
            args.seed,
            args.customers,
            args.suppliers,
            through_services=args.through_services,
            profile=args.profile,
            auto=not args.no_auto,
        )
        results.append(r)
        print(
            f"{backend}: {r.lines} lines — ledger built in {r.build_seconds:.1f} s; import {r.import_seconds:.2f} s "
            f"+ matching {r.matching_seconds:.2f} s = {r.import_seconds + r.matching_seconds:.2f} s; "
            f"right first {r.right_first}/{r.answerable} = {r.accuracy:.1%}; certain {r.certain}, wrong certain "
            + (
                f"{r.wrong_certain}; auto-reconciled {r.auto_confirmed}, wrong {r.auto_wrong}"
                if r.auto_confirmed is not None
                else f"{r.wrong_certain}; automatic reconciliation not run"
            )
        )
        print(f"  misses by kind of line: {dict(r.misses.most_common())}")
        if args.misses:
            print("\n".join(f"  {said}" for said in r.missed))
        if r.profile:
            print(r.profile)
    return results


if __name__ == "__main__":
    main()
