"""docs/scenarios/credits.md, run as a test: each step of the story is played here, then every line of that
step's `expect` block in the document is checked against the ledger. The amounts in the prose are the ones the
code produces."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from acompte.domain.accounts import AgeBucket
from acompte.domain.credits import CreditRef, Excess
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.money import Money
from acompte.services import accounts, credits, documents, parties, payments
from acompte.services.accounts import NewPayment
from acompte.services.ports import Ctx, UnitOfWork

SCENARIO = Path(__file__).resolve().parents[2] / "docs" / "scenarios" / "credits.md"
D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def expectations(text: str) -> dict[int, list[str]]:
    """{step number: expect lines}, read from '## Step N' headings and ```expect blocks."""
    result: dict[int, list[str]] = {}
    step = 0
    in_block = False
    for raw in text.splitlines():
        heading = re.match(r"^## Step (\d+)", raw)
        if heading:
            step = int(heading.group(1))
        elif raw.strip() == "```expect":
            in_block = True
        elif raw.strip() == "```" and in_block:
            in_block = False
        elif in_block and raw.strip():
            result.setdefault(step, []).append(raw.strip())
    return result


class Story:
    def __init__(self, uow: UnitOfWork, ctx: Ctx) -> None:
        self.uow, self.ctx = uow, ctx
        self.bistro = parties.create_party(uow, ctx, name="Bistrot du Parc SARL", siren="552100554").id
        self.ids: dict[str, tuple[str, int]] = {}  # number -> ("document" | "payment", id)

    def invoice(self, day: date, *lines: LineInput) -> int:
        draft = documents.create_document(
            self.uow, self.ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=self.bistro, lines=list(lines)
        )
        view = documents.validate_document(self.uow, self.ctx, draft.id, today=day)
        self.ids[view.document.number] = ("document", view.id)
        return view.id

    def remember_payment(self, payment_id: int) -> int:
        number = payments.get_payment(self.uow, self.ctx, payment_id).payment.number
        self.ids[number] = ("payment", payment_id)
        return payment_id

    def remember_document(self, document_id: int) -> int:
        number = documents.get_document(self.uow, self.ctx, document_id).document.number
        self.ids[number] = ("document", document_id)
        return document_id

    # -- the steps of docs/scenarios/credits.md ----------------------------------------------------------------
    def step1(self) -> None:
        uow, ctx = self.uow, self.ctx
        self.fa1 = self.invoice(date(2026, 3, 2), LineInput("Chaise paillée", D("12"), D("85.50"), D("20")))
        paid = payments.record_payment(
            uow, ctx, party_id=self.bistro, amount=eur("1231.20"), method="transfer",
            payment_date=date(2026, 3, 5), allocations=[(self.fa1, eur("1231.20"))],
        )  # fmt: skip
        self.remember_payment(paid.id)

    def step2(self) -> None:
        note = credits.credit_invoice(
            self.uow, self.ctx, self.fa1, lines=[(1, D("2"))], comment="Retour de 2 chaises", today=date(2026, 3, 10)
        )
        self.av1 = self.remember_document(note.id)

    def step3(self) -> None:
        self.fa2 = self.invoice(date(2026, 3, 16), LineInput("Coussin de chaise", D("4"), D("12.50"), D("20")))
        self.fa3 = self.invoice(date(2026, 3, 16), LineInput("Table bistrot", D("1"), D("150.00"), D("20")))
        credits.use_credit(self.uow, self.ctx, credit_id=self.av1, document_id=self.fa2)
        credits.use_credit(self.uow, self.ctx, credit_id=self.av1, document_id=self.fa3)

    def step4(self) -> None:
        self.fa4 = self.invoice(date(2026, 3, 20), LineInput("Réparation de chaise", D("1"), D("37.50"), D("20")))
        result = credits.receive_payment(
            self.uow, self.ctx, party_id=self.bistro, amount=eur("50.00"), method="cheque",
            reference="Chèque n° 4521901", payment_date=date(2026, 3, 20),
            allocations=[(self.fa4, eur("45.00"))], excess=Excess.KEEP,
        )  # fmt: skip
        self.cheque = self.remember_payment(result.payment_id)

    def step5(self) -> None:
        self.fa5 = self.invoice(date(2026, 3, 25), LineInput("Coussin de chaise", D("2"), D("12.50"), D("20")))
        payments.allocate(self.uow, self.ctx, payment_id=self.cheque, document_id=self.fa5)

    def step6(self) -> None:
        result = accounts.settle(
            self.uow, self.ctx, self.bistro, documents=[self.fa3, self.fa5],
            new_payment=NewPayment(eur("70.00"), "transfer", payment_date=date(2026, 3, 31), reference="VIR BISTROT"),
            excess=Excess.REFUND,
        )  # fmt: skip
        assert result.payment_id is not None and result.refund is not None
        self.transfer = self.remember_payment(result.payment_id)
        self.refund = result.refund.id
        self.remember_payment(result.refund.payment_id)

    def step7(self) -> None:
        credits.unwind_refund(self.uow, self.ctx, self.refund, reason="le client garde l'avoir")

    def step8(self) -> None:
        gesture = credits.create_credit_note(
            self.uow, self.ctx, party_id=self.bistro,
            lines=[LineInput("Geste commercial", D("1"), D("10.00"), D("20"))],
            comment="Rayure sur la table livrée", origin_id=self.fa3, today=date(2026, 4, 2),
        )  # fmt: skip
        self.av2 = self.remember_document(gesture.id)
        credits.write_off_credit(self.uow, self.ctx, self.av2, reason="avoir non réclamé", today=date(2026, 4, 30))

    # -- reading a fact named in the document --------------------------------------------------------------------
    def fact(self, subject: str, field: str) -> str:
        uow, ctx = self.uow, self.ctx
        if subject == "account":
            account = accounts.party_account(uow, ctx, self.bistro)
            value = {"due": account.due_total, "in_hand": account.credit_total, "balance": account.balance}[field]
            return str(value.amount)
        if subject.startswith("statement:"):
            _, start, end = subject.split(":")
            s = accounts.statement(
                uow, ctx, self.bistro, date_from=date.fromisoformat(start), date_to=date.fromisoformat(end)
            ).statement
            return str(
                {"opening": s.opening, "debit": s.total_debit, "credit": s.total_credit, "closing": s.closing}[
                    field
                ].amount
            )
        if subject.startswith("aged:"):
            aged = accounts.aged_balance(uow, ctx, party_id=self.bistro, as_of=date.fromisoformat(subject[5:]))
            if field == "unapplied":
                return str(aged.unapplied_credits.amount)
            if field == "total":
                return str(aged.totals.total.amount)
            return str(aged.totals[AgeBucket(field)].amount)
        if subject == "ledger":
            return str(accounts.ledger_balance(uow, ctx, self.bistro).amount)
        kind, id_ = self.ids[subject]
        if kind == "payment":
            view = payments.get_payment(uow, ctx, id_)
            return {
                "amount": str(view.payment.amount.amount),
                "remaining": str(view.unallocated.amount) if view.payment.state.value == "active" else "0.00",
                "state": view.payment.state.value,
                "direction": view.payment.direction.value,
            }[field]
        document = documents.get_document(uow, ctx, id_)
        if document.document.kind is Kind.CREDIT_NOTE:
            note = credits.get_credit_note(uow, ctx, id_)
            return {
                "gross": str(note.gross.amount),
                "remaining": str(note.remaining.amount),
                "status": note.status.value,
                "written_off": str(note.use.written_off.amount),
            }[field]
        return {
            "gross": str(document.settlement.gross.amount),
            "balance_due": str(document.balance_due.amount),
            "status": document.status.value,
        }[field]


def test_the_credits_scenario_gives_the_amounts_its_document_states(uow, ctx):
    expected = expectations(SCENARIO.read_text(encoding="utf-8"))
    story = Story(uow, ctx)
    steps = sorted(n for n in (int(m[4:]) for m in dir(story) if re.fullmatch(r"step\d+", m)))
    assert sorted(expected) == steps, "every step of the story has an expect block, and nothing else has one"
    checked = 0
    for number in steps:
        getattr(story, f"step{number}")()
        for line in expected[number]:
            subject, *pairs = line.split()
            assert len(pairs) % 2 == 0, line
            for field, value in zip(pairs[::2], pairs[1::2], strict=True):
                assert story.fact(subject, field) == value, f"step {number}: {subject} {field}"
                checked += 1
    assert checked >= 40
    assert CreditRef  # the scenario's refund and credit uses go through the same services as the app
