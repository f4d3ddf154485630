"""The message bus: facts are stored then handled, notices only handled, handlers run in the declared order
inside the publisher's transaction, and a unit of work without the bus refuses to publish."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from acompte import bootstrap
from acompte.domain.documents import Flow, Kind
from acompte.domain.events import (
    DocumentCreated,
    DocumentIssuing,
    DocumentValidated,
    DomainEvent,
    Notice,
    PaymentAllocated,
)
from acompte.domain.money import Money
from acompte.persistence.unit_of_work import SqlUnitOfWork
from acompte.services import documents, history
from acompte.services.messagebus import BusMissing, MessageBus, publish
from acompte.services.ports import Ctx
from tests.helpers import line


class _History:
    def __init__(self) -> None:
        self.stored: list[object] = []

    def add(self, event: object, actor: str) -> None:
        self.stored.append(event)


class _Uow:
    def __init__(self, bus: MessageBus | None) -> None:
        self.bus = bus
        self.events = _History()


def test_a_fact_is_stored_before_its_handlers_run_in_the_declared_order() -> None:
    seen: list[str] = []
    uow = _Uow(None)

    def first(u: _Uow, ctx: Ctx, event: DomainEvent) -> None:
        seen.append(f"first after {len(u.events.stored)} stored")

    def second(u: _Uow, ctx: Ctx, event: DomainEvent) -> None:
        seen.append("second")

    uow.bus = MessageBus({DocumentCreated: [first, second]})
    event = DocumentCreated(
        company_id=1, document_id=7, party_id=3, document_kind=Kind.ORDER, flow=Flow.SALE, gross=Money.of("12", "EUR")
    )
    publish(uow, Ctx(1), event)  # type: ignore[arg-type]  # a stand-in unit of work: only history and bus
    assert seen == ["first after 1 stored", "second"]
    [record] = uow.events.stored
    assert record.kind == "DocumentCreated" and record.document_id == 7  # type: ignore[attr-defined]
    assert record.data == {"kind": "order", "flow": "sale", "gross": "12.00"}  # type: ignore[attr-defined]


def test_a_notice_is_handled_but_never_stored() -> None:
    seen: list[Notice] = []
    uow = _Uow(MessageBus({DocumentIssuing: [lambda u, c, n: seen.append(n)]}))
    notice = DocumentIssuing(company_id=1, document=None, number="FA-2026-00001", on=date(2026, 12, 7))  # type: ignore[arg-type]
    publish(uow, Ctx(1), notice)  # type: ignore[arg-type]
    assert seen == [notice] and uow.events.stored == []


def test_publishing_without_the_bus_is_refused_rather_than_silently_skipping_the_capabilities() -> None:
    with pytest.raises(BusMissing):
        publish(
            _Uow(None),
            Ctx(1),
            DocumentValidated(company_id=1, number="X", gross=Money.of("1", "EUR"), on=date(2026, 1, 1)),
        )  # type: ignore[arg-type]


def test_facts_keep_their_figures_exact_in_the_history() -> None:
    event = PaymentAllocated(
        company_id=1,
        allocation_id=4,
        amount=Money.of("0.10", "EUR"),
        payment_number="RG-2026-00001",
        document_number="FA-2026-00001",
        method="cheque",
        payment_date=date(2026, 12, 7),
        balance_before=Money.of("100.30", "EUR"),
        unallocated_before=Money.of(Decimal("0.30"), "EUR"),
    )
    data = event.record().data
    assert data["document_balance"] == {"before": "100.30", "after": "100.20"}
    assert data["payment_unallocated"] == {"before": "0.30", "after": "0.20"}


def test_bootstrap_declares_who_reacts_to_issuing_and_freezes_the_file_last() -> None:
    routes = bootstrap.message_bus().routes()
    validated = [f"{h.__module__}.{h.__name__}" for h in routes[DocumentValidated]]
    assert validated[-1].endswith("on_document_validated") and "export" in validated[-1]
    assert any("deposit" in name for name in validated[:-1]) and any("credit" in name for name in validated[:-1])


def test_a_refusing_handler_undoes_the_whole_use_case(app: bootstrap.App, ctx: Ctx, customer) -> None:  # type: ignore[no-untyped-def]
    class Refused(Exception):
        pass

    def refuse(uow: object, c: Ctx, event: DocumentValidated) -> None:
        raise Refused

    routes = app.bus.routes()
    refusing = MessageBus({**routes, DocumentValidated: [*routes[DocumentValidated], refuse]})
    uow = SqlUnitOfWork(app.session_factory, renderer=app.renderer, bus=refusing)
    draft = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("100")]
    )
    with pytest.raises(Refused):
        documents.validate_document(uow, ctx, draft.id)
    after = documents.get_document(app.uow(), ctx, draft.id)
    assert after.document.number is None and after.document.state.value == "draft"
    assert [e.kind for e in history.document_history(app.uow(), ctx, draft.id)] == ["DocumentCreated"]
