"""How often the matcher proposes the right thing first for a year of made-up but realistic bank lines.

A ledger is built through the services (customers and suppliers, sales invoices, orders asking a deposit,
purchase invoices with the supplier's number, payments typed by hand, card payments), then a statement whose
every line records its TRUE answer: exact payments quoting the invoice, partial payments, one transfer for three
invoices, deposits, overpayments, references with typos or missing (payer known by IBAN or by name), card
settlements net of fees, bank fees, refunds, supplier direct debits. The statement is imported, the proposals
read, and the best candidate of each line compared with the truth; then automatic reconciliation is run and
every line it confirmed checked against the truth:

    uv run python -m bench.bank_matching --lines 2000 --sqlite-url sqlite:////tmp/m.db \\
        --postgresql-url postgresql://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from stdnum.iso7064 import mod_97_10

from acompte.domain.banking.lines import NewBankLine
from acompte.domain.banking.matching import Candidate
from acompte.domain.banking.statements import Statement, StatementFormat
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.money import Money
from acompte.domain.payments import AccountKind, Direction
from acompte.services.ports import Ctx, UnitOfWork

OWN_IBAN = "FR7630006000011234567890189"
_SURNAMES = [
    "Dupont",
    "Durand",
    "Martin",
    "Bernard",
    "Petit",
    "Robert",
    "Richard",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
]
_TRADES = [
    "Menuiserie",
    "Boulangerie",
    "Garage",
    "Plomberie",
    "Pharmacie",
    "Librairie",
    "Fromagerie",
    "Coiffure",
    "Imprimerie",
    "Electricite",
    "Carrosserie",
    "Boucherie",
    "Fleuriste",
    "Opticien",
    "Couverture",
    "Maconnerie",
    "Charpente",
    "Peinture",
    "Serrurerie",
    "Traiteur",
]
_SUPPLY = [
    "Bois",
    "Quincaillerie",
    "Metaux",
    "Peintures",
    "Outillage",
    "Transports",
    "Emballages",
    "Vernis",
    "Visserie",
    "Panneaux",
]
_PLACES = ["Jura", "Vosges", "Alsace", "Savoie", "Bretagne"]
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
    ("card", 8),
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
    auto_confirmed: int
    auto_wrong: int
    misses: Counter[str] = field(default_factory=Counter)

    @property
    def accuracy(self) -> float:
        return self.right_first / self.answerable if self.answerable else 1.0


def iban_for(n: int) -> str:
    bban = f"3000400003{n:011d}01"
    return "FR" + mod_97_10.calc_check_digits(bban + "FR") + bban


def _typo(text: str, chance: random.Random) -> str:
    """A reference typed wrong: two characters swapped or one dropped."""
    i = chance.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :] if chance.random() < 0.5 else text[:i] + text[i + 1 :]


def _rf(number: str) -> str:
    body = number.replace("-", "")
    return "RF" + mod_97_10.calc_check_digits(body + "RF") + body


class Ledger:
    """Builds the company's ledger through the services, one piece per line of the statement."""

    def __init__(
        self, uow: UnitOfWork, ctx: Ctx, chance: random.Random, customers: int = 500, suppliers: int = 50
    ) -> None:
        from acompte.services import parties
        from acompte.services.banking import party_accounts

        self.uow, self.ctx, self.chance = uow, ctx, chance
        names = [f"{t} {s}" for t in _TRADES for s in _SURNAMES][:customers]
        self.customers = [parties.create_party(uow, ctx, name=n).id for n in names]
        self.customer_names = dict(zip(self.customers, names, strict=True))
        supplier_names = [f"{s} du {p}" for s in _SUPPLY for p in _PLACES][:suppliers]
        self.suppliers = [
            parties.create_party(uow, ctx, name=n, customer=False, supplier=True).id for n in supplier_names
        ]
        self.supplier_names = dict(zip(self.suppliers, supplier_names, strict=True))
        self.ibans: dict[int, str] = {}
        for i, party in enumerate(self.customers + self.suppliers):
            if i % 2 == 0:  # half the parties have an IBAN on file
                self.ibans[party] = iban_for(i)
                party_accounts.add_party_account(uow, ctx, party, self.ibans[party])

    def money(self, low: int, high: int) -> Decimal:
        return (Decimal(self.chance.randrange(low * 100, high * 100)) / 100).quantize(Decimal("0.01"))

    def document(
        self, party: int, day: date, *, kind: Kind = Kind.INVOICE, flow: Flow = Flow.SALE, supplier_reference: str = ""
    ) -> tuple[int, str, Money]:
        from acompte.services import documents

        net = self.money(40, 4000)
        draft = documents.create_document(
            self.uow,
            self.ctx,
            kind=kind,
            flow=flow,
            party_id=party,
            lines=[LineInput("Prestation", Decimal(1), net, Decimal(20), Decimal(0))],
            supplier_reference=supplier_reference,
        )
        view = documents.validate_document(self.uow, self.ctx, draft.id, today=day)
        return view.id, view.document.number, view.document.gross

    def payment(
        self,
        party: int,
        amount: Money,
        day: date,
        method: str,
        *,
        to: tuple[tuple[int, Money], ...] = (),
        direction: Direction = Direction.IN,
    ) -> tuple[int, str]:
        from acompte.services import payments

        view = payments.record_payment(
            self.uow,
            self.ctx,
            party_id=party,
            amount=amount,
            method=method,
            payment_date=day,
            allocations=to,
            direction=direction,
        )
        return view.id, view.payment.number


def _pick(chance: random.Random) -> str:
    total = sum(w for _k, w in MIX)
    roll = chance.randrange(total)
    for kind, weight in MIX:
        if roll < weight:
            return kind
        roll -= weight
    raise AssertionError(roll)


def build(
    uow: UnitOfWork, ctx: Ctx, lines: int, seed: int = 15, customers: int = 500, suppliers: int = 50
) -> tuple[Statement, list[Truth]]:
    """The ledger (written through the services) and a statement of about `lines` lines with their truth."""
    from acompte.services import deposits

    chance = random.Random(seed)
    ledger = Ledger(uow, ctx, chance, customers, suppliers)
    eur = "EUR"
    made: list[tuple[NewBankLine, Truth]] = []
    first = date(2026, 1, 5)

    def add(day: date, amount: Money, truth: Truth, **fields: str) -> None:
        new = NewBankLine(position=len(made), booking_date=day, value_date=day, amount=amount, **fields)
        made.append((new, truth))

    for n in range(lines):
        day = first + timedelta(days=n * 355 // max(lines, 1))
        before = day - timedelta(days=chance.randrange(5, 40))
        kind = _pick(chance)
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
            deposits.request_deposit(uow, ctx, order, percent=percent)
            amount = Money((gross.amount * Decimal(percent) / 100).quantize(Decimal("0.01")), eur)
            add(
                day,
                amount,
                Truth(kind, frozenset({order})),
                label=f"VIR {name} ACOMPTE CDE {number}",
                counterparty_name=name,
                counterparty_iban=iban,
            )
        elif kind == "card":
            cards = []
            for _ in range(chance.randrange(2, 6)):
                other = chance.choice(ledger.customers)
                cards.append(ledger.payment(other, Money(ledger.money(10, 300), eur), day - timedelta(days=1), "card"))
            total = Decimal("0.00")
            with uow:
                for payment_id, _number in cards:
                    total += uow.payments.get(ctx.company_id, payment_id).amount.amount
            fee = (total * Decimal("0.012")).quantize(Decimal("0.01"))
            add(
                day,
                Money(total - fee, eur),
                Truth(kind, payments=frozenset(p for p, _n in cards)),
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


def measure(url: str, backend: str, lines: int, seed: int = 15, customers: int = 500, suppliers: int = 50) -> Result:
    """Build, import, match and auto-reconcile on one database; the figures."""
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
        statement, truths = build(uow, ctx, lines, seed, customers, suppliers)
        built = time.perf_counter()
        summary = imports.import_statement(uow, ctx, account, statement, file_sha256=f"{seed:064d}")
        imported = time.perf_counter()
        proposed = matching.proposals(uow, ctx, account, per_line=1, limit=len(truths) + 1)
        matched = time.perf_counter()
        assert summary.added == len(truths), summary
        truth_of = {}
        with uow:
            stored = uow.bank.lines(ctx.company_id, account, None, limit=len(truths) + 1)
            truth_of = {line.id: truths[line.position] for line in stored}
        answerable = right = wrong_certain = certain = 0
        misses: Counter[str] = Counter()
        for line, views in proposed:
            truth = truth_of[line.id]
            best = views[0].candidate if views else None
            if truth.has_answer:
                answerable += 1
                if best is not None and truth.is_(best):
                    right += 1
                else:
                    misses[truth.kind] += 1
            if best is not None and best.certain:
                certain += 1
                if not truth.is_(best):
                    wrong_certain += 1
                    misses[f"{truth.kind} (wrong certain)"] += 1
        companies.update_settings(uow, ctx, {AUTO_RECONCILE_SETTING: True})
        chosen: dict[int, Candidate] = {}

        def source(uow: UnitOfWork, ctx: Ctx, line_id: int) -> list[Candidate]:
            found = [v.candidate for v in matching.candidates(uow, ctx, line_id, limit=2)]
            if found:
                chosen[line_id] = found[0]
            return found

        done = reconciliation.auto_reconcile(uow, ctx, account, candidates=source)
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
    args = parser.parse_args(argv)
    results = []
    for backend, url in (("sqlite", args.sqlite_url), ("postgresql", args.postgresql_url)):
        if not url:
            continue
        r = measure(url, backend, args.lines, args.seed, args.customers, args.suppliers)
        results.append(r)
        print(
            f"{backend}: {r.lines} lines — ledger built in {r.build_seconds:.1f} s; import {r.import_seconds:.2f} s "
            f"+ matching {r.matching_seconds:.2f} s = {r.import_seconds + r.matching_seconds:.2f} s; "
            f"right first {r.right_first}/{r.answerable} = {r.accuracy:.1%}; certain {r.certain}, wrong certain "
            f"{r.wrong_certain}; auto-reconciled {r.auto_confirmed}, wrong {r.auto_wrong}"
        )
        print(f"  misses by kind of line: {dict(r.misses.most_common())}")
    return results


if __name__ == "__main__":
    main()
