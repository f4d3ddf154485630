"""Stateful property test: random sequences of ledger operations against a simple reference model.

Invariants (DESIGN §4): a payment's allocations sum to at most its amount; a document's allocations sum to at
most its gross; status is unpaid/partial/paid as derived; allocations link the same party and currency; every
refused operation writes nothing. The real services run on the test database (SQLite or PostgreSQL).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from acompte.domain.documents import Flow, Kind, PaymentStatus
from acompte.domain.errors import DomainError
from acompte.domain.money import Money
from acompte.services import companies, documents, parties, payments
from acompte.services.ports import Ctx
from tests.helpers import line

cents = st.integers(min_value=1, max_value=50_000)


def eur_cents(n: int) -> Money:
    return Money.from_minor(n, "EUR")


class Ledger(RuleBasedStateMachine):
    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.app = app
        self.docs: dict[int, dict] = {}  # id -> {"gross": cents, "party": i, "cancelled": bool, "kind": Kind}
        self.pays: dict[int, dict] = {}  # id -> {"amount": cents, "party": i}
        self.allocs: dict[int, tuple[int, int, int]] = {}  # id -> (payment, document, cents)

    @property
    def uow(self):  # type: ignore[no-untyped-def]
        return self.app.uow()

    @initialize()
    def company(self) -> None:
        company_id = companies.create_company(self.uow, name="Propriété SARL")
        self.ctx = Ctx(company_id, actor="hypothesis")
        self.parties = [parties.create_party(self.uow, self.ctx, name=f"Client {i}").id for i in range(2)]

    @rule(party=st.integers(0, 1), net_cents=cents, kind=st.sampled_from([Kind.INVOICE, Kind.ORDER]))
    def issue_document(self, party: int, net_cents: int, kind: Kind) -> None:
        price = str(Decimal(net_cents) / 100)
        draft = documents.create_document(
            self.uow, self.ctx, kind=kind, flow=Flow.SALE, party_id=self.parties[party], lines=[line(price)]
        )
        view = documents.validate_document(self.uow, self.ctx, draft.id)
        self.docs[view.id] = {
            "gross": view.document.gross.minor_units,
            "party": party,
            "cancelled": False,
            "kind": kind,
        }

    @rule(party=st.integers(0, 1), amount=cents)
    def record_payment(self, party: int, amount: int) -> None:
        view = payments.record_payment(
            self.uow, self.ctx, party_id=self.parties[party], amount=eur_cents(amount), method="transfer"
        )
        self.pays[view.id] = {"amount": amount, "party": party}

    def _allocated(self, payment_id: int) -> int:
        return sum(a for p, _d, a in self.allocs.values() if p == payment_id)

    def _settled(self, document_id: int) -> int:
        return sum(a for _p, d, a in self.allocs.values() if d == document_id)

    @precondition(lambda self: self.docs and self.pays)
    @rule(data=st.data(), amount=cents)
    def allocate(self, data, amount: int) -> None:  # type: ignore[no-untyped-def]
        payment_id = data.draw(st.sampled_from(sorted(self.pays)))
        document_id = data.draw(st.sampled_from(sorted(self.docs)))
        pay, doc = self.pays[payment_id], self.docs[document_id]
        expected_ok = (
            pay["party"] == doc["party"]
            and not doc["cancelled"]
            and amount <= pay["amount"] - self._allocated(payment_id)
            and amount <= doc["gross"] - self._settled(document_id)
        )
        try:
            view = payments.allocate(
                self.uow, self.ctx, payment_id=payment_id, document_id=document_id, amount=eur_cents(amount)
            )
        except DomainError:
            assert not expected_ok
            return
        assert expected_ok
        self.allocs[view.id] = (payment_id, document_id, amount)

    @precondition(lambda self: self.allocs)
    @rule(data=st.data())
    def remove_allocation(self, data) -> None:  # type: ignore[no-untyped-def]
        allocation_id = data.draw(st.sampled_from(sorted(self.allocs)))
        payments.remove_allocation(self.uow, self.ctx, allocation_id)
        del self.allocs[allocation_id]

    @precondition(lambda self: any(d["kind"] is Kind.ORDER and not d["cancelled"] for d in self.docs.values()))
    @rule(data=st.data())
    def cancel_order(self, data) -> None:  # type: ignore[no-untyped-def]
        candidates = sorted(i for i, d in self.docs.items() if d["kind"] is Kind.ORDER and not d["cancelled"])
        document_id = data.draw(st.sampled_from(candidates))
        documents.cancel_document(self.uow, self.ctx, document_id)
        self.docs[document_id]["cancelled"] = True
        self.allocs = {i: a for i, a in self.allocs.items() if a[1] != document_id}

    @invariant()
    def ledger_matches_the_model(self) -> None:
        if not hasattr(self, "ctx"):
            return
        for payment_id, pay in self.pays.items():
            view = payments.get_payment(self.uow, self.ctx, payment_id)
            assert view.allocated.minor_units == self._allocated(payment_id)
            assert view.allocated <= view.payment.amount
            assert view.unallocated.minor_units == pay["amount"] - self._allocated(payment_id)
        for document_id, doc in self.docs.items():
            view = documents.get_document(self.uow, self.ctx, document_id)
            settled = self._settled(document_id)
            assert view.settlement.settled.minor_units == settled
            assert view.settlement.settled <= view.document.gross
            expected = (
                PaymentStatus.CANCELLED
                if doc["cancelled"]
                else PaymentStatus.UNPAID
                if settled == 0
                else PaymentStatus.PAID
                if settled == doc["gross"]
                else PaymentStatus.PARTIAL
            )
            assert view.status is expected
            for allocation in view.allocations:
                source = payments.get_payment(self.uow, self.ctx, allocation.payment_id)
                assert source.payment.party_id == view.document.party_id
                assert source.payment.currency == view.document.currency


def test_random_sequences_of_operations_keep_the_ledger_invariants(app):
    run_state_machine_as_test(
        lambda: Ledger(app),
        settings=settings(
            max_examples=15,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
