"""Optimistic concurrency as an argument of the use case: a change made on a version the user no longer sees is
refused (StaleVersion, both versions named) and writes nothing."""

import pytest

from acompte.domain.documents import Flow, Kind
from acompte.domain.errors import StaleVersion
from acompte.services import documents, payment_changes, payments
from tests.helpers import line, pay, snapshot, validated


def test_a_stale_document_version_is_refused_and_nothing_changes(uow, ctx, customer):
    draft = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("100.00")]
    )
    seen = draft.document.version
    changed = documents.update_document(uow, ctx, draft.id, lines=[line("50.00")], expected_version=seen)
    before = snapshot(uow, ctx)
    with pytest.raises(StaleVersion) as refused:
        documents.validate_document(uow, ctx, draft.id, expected_version=seen)
    assert (refused.value.params["expected"], refused.value.params["actual"]) == (seen, changed.document.version)
    with pytest.raises(StaleVersion):
        documents.delete_draft(uow, ctx, draft.id, expected_version=seen)
    assert snapshot(uow, ctx) == before
    assert documents.validate_document(uow, ctx, draft.id, expected_version=changed.document.version).document.number


def test_a_stale_payment_version_is_refused_and_nothing_changes(uow, ctx, customer):
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    cheque = pay(uow, ctx, customer.id, "120.00", (invoice.id, "20.00"))
    payment_changes.change_payment(uow, ctx, cheque.id, reference="A")
    before = snapshot(uow, ctx)
    with pytest.raises(StaleVersion) as refused:
        payments.allocate(
            uow, ctx, payment_id=cheque.id, document_id=invoice.id, expected_version=cheque.payment.version
        )
    assert refused.value.params["entity"] == "Le règlement"
    assert snapshot(uow, ctx) == before
