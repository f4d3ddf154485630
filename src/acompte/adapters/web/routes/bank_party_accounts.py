"""The « Comptes bancaires » section of a contact's page: the IBANs the party holds, added and removed by the users
who may change the contact (writers and administrators)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from acompte.adapters.web import security
from acompte.adapters.web.errors import error_text
from acompte.adapters.web.routes.contacts import contact_page_response
from acompte.adapters.web.templating import redirect, translate
from acompte.domain.errors import DomainError
from acompte.services.banking import party_accounts

router = APIRouter()
FIELDS = ("iban", "bic", "label")


@router.post("/contacts/{party_id}/bank-accounts")
def add_party_bank_account(request: Request, party_id: int, ctx: security.PageWrite) -> Response:
    form = security.posted_form(request)
    typed = {f"bank_{name}": str(form.get(f"bank_{name}") or "").strip()[:100] for name in FIELDS}
    try:
        party_accounts.add_party_account(
            security.uow_of(request),
            ctx,
            party_id,
            typed["bank_iban"],
            bic=typed["bank_bic"],
            label=typed["bank_label"],
        )
    except DomainError as exc:
        named = exc.params.get("field")
        field = f"bank_{named}" if named in FIELDS else "bank_iban"
        if exc.code == "not-found":
            raise
        return contact_page_response(
            request, ctx, party_id, typed=typed, errors={field: error_text(request, exc)}, status=422
        )
    flash = translate(request, "IBAN ajouté.")
    return redirect(request, f"/contacts/{party_id}#bank-accounts", flash=flash)


@router.post("/contacts/{party_id}/bank-accounts/{bank_account_id}/remove")
def remove_party_bank_account(
    request: Request, party_id: int, bank_account_id: int, ctx: security.PageWrite
) -> Response:
    party_accounts.remove_party_account(security.uow_of(request), ctx, party_id, bank_account_id)
    return redirect(request, f"/contacts/{party_id}#bank-accounts", flash=translate(request, "IBAN retiré."))
