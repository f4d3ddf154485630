"""The one rule of payment terms: the document's own, else its party's, else (sales) the company's default;
frozen on the invoice when it is issued, with its due date; never on credit notes."""

from __future__ import annotations

from datetime import date

from acompte.domain.accounts import PaymentTerms, describe_terms
from acompte.domain.documents import Flow, Kind
from acompte.services import accounts, companies, credits, documents, payment_terms
from tests.helpers import line, validated

ISSUED = date(2026, 3, 10)


def test_a_draft_follows_its_own_terms_then_its_party_s_then_the_company_s(uow, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    draft = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("1")]
    )
    assert payment_terms.document_terms(uow, ctx, draft.id).source == ""
    companies.set_default_payment_terms(uow, ctx, PaymentTerms.single(45))
    assert payment_terms.document_terms(uow, ctx, draft.id).source == payment_terms.TermsSource.COMPANY
    accounts.set_party_payment_terms(uow, ctx, customer.id, PaymentTerms.single(30))
    applied = payment_terms.document_terms(uow, ctx, draft.id)
    assert (applied.source, applied.terms) == (payment_terms.TermsSource.PARTY, PaymentTerms.single(30))
    accounts.set_payment_terms(uow, ctx, draft.id, PaymentTerms.single(10))
    applied = payment_terms.document_terms(uow, ctx, draft.id)
    assert (applied.source, applied.terms) == (payment_terms.TermsSource.DOCUMENT, PaymentTerms.single(10))
    assert payment_terms.party_terms(uow, ctx, customer.id, Flow.SALE) == PaymentTerms.single(30)


def test_issuing_freezes_the_terms_and_the_due_date_on_the_invoice(uow, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    companies.set_default_payment_terms(uow, ctx, PaymentTerms.single(30, end_of_month=True))
    invoice = validated(uow, ctx, customer.id, today=ISSUED).document
    assert invoice.due_date == date(2026, 4, 30)
    companies.set_default_payment_terms(uow, ctx, None)
    applied = payment_terms.document_terms(uow, ctx, invoice.id)
    assert (applied.terms, applied.due_date) == (PaymentTerms.single(30, end_of_month=True), date(2026, 4, 30))
    assert applied.text == "Paiement à 30 jours fin de mois"
    assert validated(uow, ctx, customer.id, today=ISSUED).document.due_date is None  # default removed


def test_a_credit_note_has_no_due_date_from_terms(uow, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    accounts.set_party_payment_terms(uow, ctx, customer.id, PaymentTerms.single(30))
    invoice = validated(uow, ctx, customer.id, today=ISSUED).document
    assert invoice.due_date == date(2026, 4, 9)
    note = credits.credit_invoice(uow, ctx, invoice.id, today=ISSUED).document
    assert note.due_date is None
    assert payment_terms.document_terms(uow, ctx, note.id).terms is None


def test_terms_in_words() -> None:
    assert describe_terms(PaymentTerms.single()) == "Paiement à réception"
    assert describe_terms(PaymentTerms.single(0, end_of_month=True)) == "Paiement fin de mois"
    split = PaymentTerms.from_data([{"percent": "40.5"}, {"percent": "59.5", "days": 60, "basis": "order"}])
    assert describe_terms(split) == "Paiement en 2 échéances : 40,5 % à réception, 59,5 % à 60 jours date de commande"
