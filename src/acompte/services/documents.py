"""Documents: create, edit drafts, validate (numbering), cancel, delete drafts, convert, read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from acompte.domain import lifecycle
from acompte.domain.accounting.currency import checked_rate
from acompte.domain.dates import DateField, check_optional
from acompte.domain.documents import (
    INVOICE_KINDS,
    Document,
    Flow,
    Kind,
    Line,
    LineInput,
    State,
    line_inputs,
    price_line,
    split_recalls,
    totals_of,
)
from acompte.domain.documents import (
    supplier_reference as domain_supplier_reference,
)
from acompte.domain.errors import (
    DocumentFrozen,
    EmptyDocument,
    InvalidLine,
    NegativeQuantity,
    Reason,
    SupplierReferenceFrozen,
    TotalBelowSettled,
    WrittenOffShortfall,
)
from acompte.domain.events import (
    AllocationRemoved,
    DocumentCancelled,
    DocumentConverted,
    DocumentCreated,
    DocumentDeleted,
    DocumentIssuing,
    DocumentUpdated,
    DocumentValidated,
    DraftDeleting,
    LinesChanging,
    RecallLinesTyped,
)
from acompte.domain.lifecycle import Action
from acompte.domain.money import minor_unit, total
from acompte.domain.numbering import DEFAULT_PREFIXES, format_number, series_key
from acompte.domain.parties import Company
from acompte.domain.vat import Totals, check_rate
from acompte.services import payment_terms, positions, queries, versions
from acompte.services.document_lists import ListFilters as ListFilters  # the lists, read here too
from acompte.services.document_lists import document_list as document_list
from acompte.services.document_lists import document_list_count as document_list_count
from acompte.services.document_lists import document_list_rows as document_list_rows
from acompte.services.document_lists import document_list_totals as document_list_totals
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import (
    DocumentSummary,
    DocumentView,
)


def price_lines(
    uow: UnitOfWork, company: Company, lines: Sequence[LineInput], currency: str, kind: Kind | None = None
) -> tuple[Line, ...]:
    """Check each line against the company (VAT rate configured, item exists) and compute its net. A negative
    quantity is a deposit recall line, allowed on a final invoice only (`NegativeQuantity` elsewhere)."""
    priced = []
    for position, data in enumerate(lines, start=1):
        check_rate(data.vat_rate, company.vat_rates)
        if data.item_id is not None:
            uow.items.get(company.id, data.item_id)
        if data.quantity < 0 and kind is not None and kind is not Kind.INVOICE:
            raise NegativeQuantity(kind=kind)
        priced.append(price_line(position, data, currency, allow_negative=kind is Kind.INVOICE))
    return tuple(priced)


def draft_totals(uow: UnitOfWork, ctx: Ctx, lines: Sequence[LineInput], kind: Kind, currency: str = "") -> Totals:
    """What a draft with these lines would total — priced and summed as create_document and update_document do,
    deposit recall lines set apart — with nothing written: the document form's running totals."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        currency = currency or company.currency
        priced, _recalls = split_recalls(price_lines(uow, company, lines, currency, kind))
        return totals_of(priced, currency, company.vat_rounding)


def _party_for(uow: UnitOfWork, ctx: Ctx, party_id: int, flow: Flow) -> Any:
    party = uow.parties.get(ctx.company_id, party_id)
    party.require_role(customer=flow is Flow.SALE)
    return party


def create_document(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    kind: Kind,
    flow: Flow,
    party_id: int,
    lines: Sequence[LineInput] = (),
    issue_date: date | None = None,
    due_date: date | None = None,
    currency: str | None = None,
    notes: str = "",
    origin_id: int | None = None,
    data: dict[str, Any] | None = None,
    event_data: dict[str, Any] | None = None,
    exchange_rate: Decimal | str | None = None,
    supplier_reference: str = "",
) -> DocumentView:
    """Create a draft document. Nothing is numbered until validation. A document in a currency other than the
    company's may carry its exchange rate at once (company-currency units for one unit of its currency); an
    invoice, a deposit invoice or a credit note must have one when it is issued."""
    with uow:
        document = create_draft(
            uow,
            ctx,
            kind=kind,
            flow=flow,
            party_id=party_id,
            lines=lines,
            issue_date=issue_date,
            due_date=due_date,
            currency=currency,
            notes=notes,
            origin_id=origin_id,
            data=data,
            event_data=event_data,
            exchange_rate=exchange_rate,
            supplier_reference=supplier_reference,
        )
        view = _view(uow, ctx, document.id)
        uow.commit()
        return view


def create_draft(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    kind: Kind,
    flow: Flow,
    party_id: int,
    lines: Sequence[LineInput] = (),
    issue_date: date | None = None,
    due_date: date | None = None,
    currency: str | None = None,
    notes: str = "",
    origin_id: int | None = None,
    data: dict[str, Any] | None = None,
    event_data: dict[str, Any] | None = None,
    exchange_rate: Decimal | str | None = None,
    supplier_reference: str = "",
) -> Document:
    """`create_document` inside the caller's transaction, without its view: the new draft (the caller reads the
    view it returns once it has done its own writes, when it needs one)."""
    check_optional(issue_date, DateField.ISSUE_DATE)
    check_optional(due_date, DateField.DUE_DATE)
    with uow:
        company = uow.companies.get(ctx.company_id)
        _party_for(uow, ctx, party_id, flow)
        currency = currency or company.currency
        minor_unit(currency)
        rate = checked_rate(exchange_rate, currency, company.currency, piece="Le document", required=False)
        if origin_id is not None:
            origin = uow.documents.get(ctx.company_id, origin_id)
            if origin.party_id != party_id:
                raise InvalidLine(reason=Reason.ORIGIN_OTHER_PARTY)
        priced, recalls = split_recalls(price_lines(uow, company, lines, currency, kind))
        totals = totals_of(priced, currency, company.vat_rounding)
        draft = Document(
            id=0,
            company_id=ctx.company_id,
            kind=kind,
            flow=flow,
            state=State.DRAFT,
            party_id=party_id,
            currency=currency,
            issue_date=issue_date or uow.clock.today(),
            due_date=due_date,
            gross=totals.gross,
            net=totals.net,
            origin_id=origin_id,
            exchange_rate=rate,
            supplier_reference=domain_supplier_reference(flow, supplier_reference),
        )
        document_id = uow.documents.add(draft, notes=notes, data=data)
        stored = uow.documents.get(ctx.company_id, document_id)
        uow.documents.replace_lines(stored, priced, totals.net, totals.vat, totals.gross)
        if recalls:
            stored = uow.documents.get(ctx.company_id, document_id)
            publish(uow, ctx, RecallLinesTyped(company_id=ctx.company_id, document=stored, lines=recalls))
        publish(
            uow,
            ctx,
            DocumentCreated(
                company_id=ctx.company_id,
                document_id=document_id,
                party_id=party_id,
                document_kind=kind,
                flow=flow,
                gross=totals.gross,
                extra=event_data or {},
            ),
        )
        return uow.documents.get(ctx.company_id, document_id)


def update_document(
    uow: UnitOfWork,
    ctx: Ctx,
    document_id: int,
    *,
    lines: Sequence[LineInput] | None = None,
    issue_date: date | None = None,
    due_date: date | None = None,
    notes: str | None = None,
    expected_version: int | None = None,
    supplier_reference: str | None = None,
) -> DocumentView:
    """Change a document that may still change (drafts; quotes, orders and delivery notes after validation).
    The supplier's number of an issued purchase invoice was booked with it: it no longer changes."""
    check_optional(issue_date, DateField.ISSUE_DATE)
    check_optional(due_date, DateField.DUE_DATE)
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id, lock=True)
        versions.check_document(document, expected_version)
        if not lifecycle.is_allowed(document.kind, document.state, Action.EDIT):
            if supplier_reference is not None and supplier_reference != document.supplier_reference:
                raise SupplierReferenceFrozen(document=document.label)
            if document.kind in INVOICE_KINDS and document.state is State.VALIDATED:
                raise DocumentFrozen(number=document.label)
            lifecycle.check(document.kind, document.state, Action.EDIT)
        changes: dict[str, Any] = {}
        before_gross = document.gross
        recalls: tuple[Line, ...] = ()
        if lines is not None:
            priced, recalls = split_recalls(price_lines(uow, company, lines, document.currency, document.kind))
            totals = totals_of(priced, document.currency, company.vat_rounding)
            publish(
                uow, ctx, LinesChanging(company_id=ctx.company_id, document=document, lines=priced, gross=totals.gross)
            )
            settled = uow.documents.settlement(document).settled
            if totals.gross < settled:
                raise TotalBelowSettled(document=document.label, gross=str(totals.gross), settled=str(settled))
            uow.documents.replace_lines(document, priced, totals.net, totals.vat, totals.gross)
            changes["gross"] = {"before": str(before_gross.amount), "after": str(totals.gross.amount)}
            if recalls:
                current = uow.documents.get(ctx.company_id, document_id)
                publish(uow, ctx, RecallLinesTyped(company_id=ctx.company_id, document=current, lines=recalls))
        header: dict[str, Any] = {}
        if issue_date is not None and document.state is State.DRAFT:
            header["issue_date"] = issue_date
        if due_date is not None:
            header["due_date"] = due_date
        if notes is not None:
            header["notes"] = notes
        if supplier_reference is not None:
            header["supplier_reference"] = domain_supplier_reference(document.flow, supplier_reference)
        if header:
            uow.documents.update(ctx.company_id, document_id, **header)
            changes.update({k: str(v) for k, v in header.items()})
        publish(
            uow,
            ctx,
            DocumentUpdated(
                company_id=ctx.company_id, document_id=document_id, party_id=document.party_id, changes=changes
            ),
        )
        view = _view(uow, ctx, document_id)
        uow.commit()
        return view


def assign_number(uow: UnitOfWork, company: Company, key: str, year: int) -> str:
    value = uow.series.next_value(company.id, key, year)
    return format_number(company.prefix(key, DEFAULT_PREFIXES[key]), year, value)


def validate_document(
    uow: UnitOfWork, ctx: Ctx, document_id: int, *, today: date | None = None, expected_version: int | None = None
) -> DocumentView:
    """Validate: the document takes the next number of its series. The capabilities built on documents react
    to `DocumentIssuing` (they may refuse: nothing is numbered) and to `DocumentValidated` (deductions,
    settlements, and last the issued file frozen with its SHA-256), in the order bootstrap declares.

    Invoices are dated on their validation day so that numbers and dates go up together (CGI ann. II art. 242
    nonies A, 7°).
    """
    check_optional(today, DateField.ISSUE_DATE)
    today = today or uow.clock.today()
    with uow:
        company = uow.companies.get(ctx.company_id)
        document = uow.documents.get(ctx.company_id, document_id, lock=True)
        versions.check_document(document, expected_version)
        lifecycle.check(document.kind, document.state, Action.VALIDATE)
        if not document.lines:
            raise EmptyDocument(kind=lifecycle.KIND_LABELS[document.kind])
        issue_date = today if document.kind in INVOICE_KINDS else document.issue_date
        number = assign_number(uow, company, series_key(document.kind, document.flow), today.year)
        publish(uow, ctx, DocumentIssuing(company_id=ctx.company_id, document=document, number=number, on=today))
        uow.documents.update(ctx.company_id, document_id, state=State.VALIDATED, number=number, issue_date=issue_date)
        payment_terms.fix_due_date(uow, ctx, document, issue_date)
        publish(
            uow,
            ctx,
            DocumentValidated(
                company_id=ctx.company_id,
                document_id=document_id,
                party_id=document.party_id,
                number=number,
                gross=document.gross,
                on=today,
            ),
        )
        view = _view(uow, ctx, document_id)
        uow.commit()
        return view


def release_allocations(uow: UnitOfWork, ctx: Ctx, document: Document, reason: str) -> list[dict[str, Any]]:
    """Remove every allocation on a document; the money stays on its payments (or credits) as unallocated."""
    released = []
    for allocation in uow.allocations.for_document(ctx.company_id, document.id):
        uow.allocations.delete(ctx.company_id, allocation.id)
        item = {
            "allocation_id": allocation.id,
            "payment_id": allocation.payment_id,
            "payment_number": allocation.payment_number,
            "amount": str(allocation.amount.amount),
        }
        released.append(item)
        publish(
            uow,
            ctx,
            AllocationRemoved(
                company_id=ctx.company_id,
                document_id=document.id,
                payment_id=allocation.payment_id,
                party_id=document.party_id,
                allocation_id=allocation.id,
                payment_number=allocation.payment_number,
                amount=allocation.amount,
                reason=reason,
                document_number=document.number,
                credit_document_id=allocation.credit_document_id,
            ),
        )
    return released


def cancel_document(
    uow: UnitOfWork, ctx: Ctx, document_id: int, *, expected_version: int | None = None
) -> DocumentView:
    """Cancel a quote, order or delivery note. Money allocated to it stays with the party as credit."""
    with uow:
        document = uow.documents.get(ctx.company_id, document_id, lock=True)
        versions.check_document(document, expected_version)
        lifecycle.check(document.kind, document.state, Action.CANCEL)
        written_off = uow.credits.write_offs(ctx.company_id, document_id=document.id)
        if written_off:
            raise WrittenOffShortfall(
                document=document.label, amount=str(total((w.amount for w in written_off), document.currency))
            )
        released = release_allocations(uow, ctx, document, "document cancelled")
        uow.documents.update(ctx.company_id, document_id, state=State.CANCELLED)
        publish(
            uow,
            ctx,
            DocumentCancelled(
                company_id=ctx.company_id,
                document_id=document_id,
                party_id=document.party_id,
                state_before=document.state.value,
                released=tuple(released),
            ),
        )
        view = _view(uow, ctx, document_id)
        uow.commit()
        return view


def delete_draft(uow: UnitOfWork, ctx: Ctx, document_id: int, *, expected_version: int | None = None) -> None:
    """Delete a draft (it has no number, so no gap). Its allocations are released first."""
    with uow:
        document = uow.documents.get(ctx.company_id, document_id, lock=True)
        versions.check_document(document, expected_version)
        lifecycle.check(document.kind, document.state, Action.DELETE)
        publish(uow, ctx, DraftDeleting(company_id=ctx.company_id, document=document))
        released = release_allocations(uow, ctx, document, "draft deleted")
        for child in uow.documents.children(ctx.company_id, document_id):
            uow.documents.update(ctx.company_id, child.id, origin_id=None)
        uow.documents.delete(ctx.company_id, document_id)
        publish(
            uow,
            ctx,
            DocumentDeleted(
                company_id=ctx.company_id,
                document_id=document_id,
                party_id=document.party_id,
                document_kind=document.kind,
                gross=document.gross,
                released=tuple(released),
            ),
        )
        uow.commit()


def convert_document(
    uow: UnitOfWork,
    ctx: Ctx,
    document_id: int,
    target: Kind,
    *,
    lines: Sequence[LineInput] | None = None,
    issue_date: date | None = None,
    due_date: date | None = None,
    expected_version: int | None = None,
) -> DocumentView:
    """Turn a validated quote, order or delivery note into the next document, linked to its origin.

    `lines` lets the user convert part of it (a partial delivery or invoice); by default all lines are copied.
    The payment terms put on the origin go with it; `due_date`, when given, is the new document's.
    """
    check_optional(issue_date, DateField.ISSUE_DATE)
    check_optional(due_date, DateField.DUE_DATE)
    with uow:
        source = uow.documents.get(ctx.company_id, document_id, lock=True)
        versions.check_document(source, expected_version)
        lifecycle.check_conversion(source.kind, source.state, target)
        created = create_draft(
            uow,
            ctx,
            kind=target,
            flow=source.flow,
            party_id=source.party_id,
            lines=lines if lines is not None else line_inputs(source.lines),
            issue_date=issue_date,
            due_date=due_date,
            currency=source.currency,
            origin_id=source.id,
            data=payment_terms.carried_terms(uow, ctx, source),
            event_data={"origin_number": source.number},
        )
        publish(
            uow,
            ctx,
            DocumentConverted(
                company_id=ctx.company_id,
                document_id=source.id,
                party_id=source.party_id,
                target_id=created.id,
                target_kind=target,
            ),
        )
        view = _view(uow, ctx, created.id)
        uow.commit()
        return view


def _view(uow: UnitOfWork, ctx: Ctx, document_id: int) -> DocumentView:
    document = uow.documents.get(ctx.company_id, document_id)
    party = uow.parties.get(ctx.company_id, document.party_id)
    return DocumentView(
        document=document,
        party_name=party.name,
        settlement=uow.documents.settlement(document),
        position=positions.position(uow, ctx, document),
        allocations=tuple(uow.allocations.for_document(ctx.company_id, document_id)),
    )


def get_document(uow: UnitOfWork, ctx: Ctx, document_id: int) -> DocumentView:
    with uow:
        return _view(uow, ctx, document_id)


def children(uow: UnitOfWork, ctx: Ctx, document_id: int) -> list[Document]:
    """The documents made from this one (conversions, deposit invoices attached to it), oldest first.

    Company-scoped: a document of another company raises NotFound."""
    with uow:
        uow.documents.get(ctx.company_id, document_id)
        return list(uow.documents.children(ctx.company_id, document_id))


def list_documents(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    kind: Kind | None = None,
    flow: Flow | None = None,
    party_id: int | None = None,
    state: State | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    search: str | None = None,
    open_only: bool = False,
    limit: int = 50,
    after_id: int | None = None,
    amounts: tuple[Decimal | None, Decimal | None, Decimal | None] = (None, None, None),
    to_settle: bool = False,
) -> list[DocumentSummary]:
    """Documents by id, each with its position. `open_only` keeps those whose position still owes something (an
    order wholly carried by its invoices is not open, whatever its allocations); `to_settle` those with something
    still to settle (a credit note with credit left too: Position.to_settle). `amounts`: the total incl. VAT
    exactly, at least, at most."""
    check_optional(date_from, DateField.DATE_FROM)
    check_optional(date_to, DateField.DATE_TO)
    with uow:
        result: list[DocumentSummary] = []
        after = after_id
        while len(result) < limit:
            batch = uow.documents.summaries(
                ctx.company_id,
                kind=kind.value if kind else None,
                flow=flow.value if flow else None,
                party_id=party_id,
                state=state.value if state else None,
                date_from=date_from,
                date_to=date_to,
                search=search,
                open_only=open_only,
                limit=limit,
                after_id=after,
                amounts=amounts,
                states=[State.VALIDATED.value] if to_settle else None,
            )
            if not batch:
                break
            after = batch[-1].id
            placed = queries.with_positions(uow, ctx, batch)
            result += [
                s
                for s in placed
                if (not open_only or (s.position is not None and s.position.is_open))
                and (not to_settle or (s.position is not None and s.position.to_settle))
            ]
            if len(batch) < limit:
                break
        return result[:limit]
