"""Credit actions the API needs that services/credits.py does not offer yet (kept apart while that module changes
on another branch; to fold into it once merged).

- `create_correcting_credit_note`: a standalone credit note (commercial gesture) that names the invoices it
  corrects, by its origin and/or a list (`corrected_ids` in the document's data, read by e-invoicing and printing).
- `get_refund`: one refund by id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from acompte.domain import credits as rules
from acompte.domain.documents import Flow, LineInput
from acompte.domain.errors import InvalidSetting
from acompte.services import credits
from acompte.services.credit_views import RefundView
from acompte.services.ports import Ctx, UnitOfWork
from acompte.services.views import DocumentView


def create_correcting_credit_note(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    party_id: int | None,
    lines: Sequence[LineInput],
    flow: Flow | None = None,
    comment: str = "",
    origin_id: int | None = None,
    corrected_ids: Sequence[int] = (),
    currency: str | None = None,
    issue: bool = True,
    apply_to_origin: bool = False,
    today: date | None = None,
) -> DocumentView:
    """A standalone credit note with free lines that names the invoices it corrects: `origin_id` (then it never
    exceeds what remains to credit on that invoice, see `credits.create_credit_note`) and/or `corrected_ids`.
    Every named invoice is an issued invoice of the credit note's party (the party defaults to theirs). A sales
    credit note naming none is refused when it is issued (MissingCorrectedInvoice). One transaction."""
    with uow:
        named = rules.corrected_ids(origin_id, {"corrected_ids": list(corrected_ids)})
        if party_id is None:
            if not named:
                raise InvalidSetting(reason="un avoir nomme son tiers ou la facture qu'il corrige")
            party_id = uow.documents.get(ctx.company_id, named[0]).party_id
        uow.parties.get(ctx.company_id, party_id)
        view = credits.create_credit_note(
            uow,
            ctx,
            party_id=party_id,
            lines=lines,
            flow=flow,
            comment=comment,
            origin_id=origin_id,
            corrected_ids=corrected_ids,
            currency=currency,
            issue=issue,
            apply_to_origin=apply_to_origin,
            today=today,
        )
        uow.commit()
        return view


def get_refund(uow: UnitOfWork, ctx: Ctx, refund_id: int) -> RefundView:
    with uow:
        return uow.credits.get_refund(ctx.company_id, refund_id)  # type: ignore[no-any-return]
