"""Settings (UI.md screen 10): company identity and legal mentions, VAT rates, number series, deposit options,
payment methods, treasury accounts, accounting (chart of accounts, VAT on debits, write-off threshold), users and
roles, API tokens.

Everyone may read `/settings`; only an administrator may change it. Each section is its own form, POSTed to
`/settings/<section>`: on success a redirect back with a message; a refused value is shown next to its field with
what was typed kept, and nothing is written.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from acompte.adapters.web import errors, i18n, security
from acompte.adapters.web.routes import bank_accounts
from acompte.adapters.web.templating import redirect, render, translate
from acompte.domain.accounting import DEFAULT_ACCOUNTS, AccountMapping, Journal
from acompte.domain.accounting import ROLE_LABELS as ACCOUNT_ROLE_LABELS
from acompte.domain.accounts import PaymentTerms
from acompte.domain.addresses import ADDRESS_FIELDS
from acompte.domain.banking.confirmation import AUTO_RECONCILE_SETTING
from acompte.domain.credits import WRITE_OFF_THRESHOLD_SETTING
from acompte.domain.deposits import DepositSettings
from acompte.domain.einvoicing import DEFAULT_LEGAL_NOTES
from acompte.domain.errors import DomainError, InvalidIdentifier, InvalidSetting
from acompte.domain.numbering import DEFAULT_PREFIXES
from acompte.domain.parties import Company
from acompte.domain.payments import AccountKind, Method
from acompte.domain.users import ROLE_LABELS, Role
from acompte.services import companies, deposits, identifiers, login_guard, users
from acompte.services.banking import accounts as treasury
from acompte.services.payment_terms import DEFAULT_PAYMENT_TERMS_KEY
from acompte.services.ports import Ctx, UnitOfWork

router = APIRouter()

#: The number series, in the order of the menus, with their French label (translated in settings.po).
SERIES_LABELS: dict[str, str] = {
    "quote/sale": "Devis (ventes)",
    "order/sale": "Commandes (ventes)",
    "delivery/sale": "Bons de livraison (ventes)",
    "invoice/sale": "Factures (ventes)",
    "deposit_invoice/sale": "Factures d'acompte (ventes)",
    "credit_note/sale": "Avoirs (ventes)",
    "deposit_credit_note/sale": "Avoirs d'acompte (ventes)",
    "quote/purchase": "Devis (achats)",
    "order/purchase": "Commandes (achats)",
    "delivery/purchase": "Bons de réception (achats)",
    "invoice/purchase": "Factures (achats)",
    "deposit_invoice/purchase": "Factures d'acompte (achats)",
    "credit_note/purchase": "Avoirs (achats)",
    "deposit_credit_note/purchase": "Avoirs d'acompte (achats)",
    "payment/in": "Règlements reçus",
    "payment/out": "Règlements versés",
}
#: Legal mentions printed on invoices and quotes (company settings key `legal`).
LEGAL_LABELS: dict[str, str] = {
    "PMT": "Indemnité forfaitaire de recouvrement",
    "PMD": "Pénalités de retard",
    "AAB": "Escompte pour paiement anticipé",
    "payment_terms": "Conditions de paiement",
    "quote_validity": "Validité des devis",
}
DEPOSIT_FLAGS = ("generate_payment_sale", "generate_payment_purchase", "deduct_all", "block_delivery")
MAX_NAME = 200
#: The fields of the form adding a treasury account (`account_<name>`).
NEW_ACCOUNT_FIELDS = ("name", "kind", "iban", "bic", "ledger_account", "currency", "opening_balance", "opening_date")


# -- reading ----------------------------------------------------------------------------------------------------


def _rate_text(rate: Decimal, lang: str) -> str:
    text = f"{rate.normalize():f}"
    return text.replace(".", ",") if lang == "fr" else text


def _values(company: Company, lang: str) -> dict[str, Any]:
    """The form fields as stored (field name → value)."""
    settings = company.settings
    legal = {**DEFAULT_LEGAL_NOTES, **dict(settings.get("legal") or {})}
    accounting = dict(settings.get("accounting") or {})
    mapping = {**DEFAULT_ACCOUNTS, **{k: v for k, v in dict(accounting.get("accounts") or {}).items() if k != "labels"}}
    deposit = DepositSettings.from_settings(settings)
    values: dict[str, Any] = {
        "name": company.name,
        "siren": company.siren or "",
        "vat_number": company.vat_number or "",
        **company.address.fields(),
        "vat_rates": " ; ".join(_rate_text(r, lang) for r in company.vat_rates),
        "payment_method": deposit.payment_method,
        "default_percent": "" if deposit.default_percent is None else _rate_text(deposit.default_percent, lang),
        "write_off_threshold": i18n.amount(Decimal(str(settings.get(WRITE_OFF_THRESHOLD_SETTING, "0"))), lang),
        "vat_on_debits": bool(accounting.get("vat_on_debits", False)),
        "bank_auto_reconcile": bool(settings.get(AUTO_RECONCILE_SETTING, False)),
        "imputation_journal": str(accounting.get("imputation_journal", Journal.MISC.value)),
        **{f"account_{name}": "" for name in NEW_ACCOUNT_FIELDS},
        "account_kind": AccountKind.BANK.value,
        "method_code": "",
        "method_label": "",
        "method_digital": False,
    }
    for flag in DEPOSIT_FLAGS:
        values[flag] = getattr(deposit, flag)
    terms = settings.get(DEFAULT_PAYMENT_TERMS_KEY) or []
    single = terms[0] if len(terms) == 1 else None  # several instalments are set through the services, not here
    values["term_days"] = str(single["days"]) if single else ""
    values["term_end_of_month"] = bool(single and single.get("end_of_month"))
    for key in LEGAL_LABELS:
        values[f"legal_{key}"] = str(legal.get(key, ""))
    for key, default in DEFAULT_PREFIXES.items():
        values[f"prefix_{key}"] = company.prefix(key, default)
    for role in DEFAULT_ACCOUNTS:
        values[f"account_{role}"] = str(mapping.get(role) or "")
    return values


def _page(
    request: Request,
    ctx: Ctx,
    *,
    typed: dict[str, Any] | None = None,
    errors_: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    uow = security.uow_of(request)
    company = companies.get_company(uow, ctx)
    lang = i18n.language(request)
    values = {**_values(company, lang), **(typed or {})}
    context = {
        "company": company,
        "values": values,
        "errors": errors_ or {},
        "methods": companies.payment_methods(uow, ctx, include_inactive=True),
        "accounts": treasury.list_accounts(uow, ctx, kind=None, include_inactive=True),
        "series": SERIES_LABELS,
        "legal_labels": LEGAL_LABELS,
        "account_roles": ACCOUNT_ROLE_LABELS,
        "countries": list(identifiers.countries().items()),
        "journals": [(j.value, translate(request, j.label)) for j in (Journal.MISC, Journal.SALES)],
        "can_edit": _is_admin(request),
    }
    return render(request, "settings/index.html", context, status)


def _is_admin(request: Request) -> bool:
    principal = security.optional_principal(request)
    return principal is not None and principal.role is Role.ADMIN


@router.get("/settings")
def settings_page(request: Request, ctx: security.PageRead) -> Response:
    return _page(request, ctx)


# -- changing -----------------------------------------------------------------------------------------------------


class Refused(Exception):
    """A field the page itself refuses (before any service runs): field name → message already translated."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _text(form: FormData, name: str, limit: int = 2000) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _flag(form: FormData, name: str) -> bool:
    return form.get(name) in ("on", "1", "true", "yes")


def _save(
    request: Request,
    ctx: Ctx,
    typed: dict[str, Any],
    field: str,
    action: Any,
    flash: str,
) -> Response:
    """Run `action(uow)` in one transaction (the services' own commits join it); a refusal re-renders the page
    (422) with `typed` kept and the message at `field`, and nothing of the section is written."""
    uow = security.uow_of(request)
    try:
        with uow:
            action(uow)
            uow.commit()
    except Refused as refused:
        return _page(request, ctx, typed=typed, errors_={refused.field: refused.message}, status=422)
    except DomainError as exc:
        at = _form_field(exc, field)
        return _page(request, ctx, typed=typed, errors_={at: errors.error_text(request, exc)}, status=422)
    return redirect(request, "/settings", flash=translate(request, flash))


#: The form field of a setting the service names (`prefixes.invoice/sale` → `prefix_invoice/sale`).
FORM_FIELDS = (
    ("prefixes.", "prefix_"),
    ("accounting.accounts.", "account_"),
    ("accounting.", ""),
    ("deposits.", ""),
    ("legal.", "legal_"),
)


def _form_field(exc: DomainError, default: str) -> str:
    """Where the page shows a refusal: the field the service names, else the section's `default`."""
    named = exc.params.get("field")
    if not isinstance(named, str) or named in ("prefixes", "accounting", "deposits", "legal", "einvoicing"):
        return default
    for prefix, form_prefix in FORM_FIELDS:
        if named.startswith(prefix):
            return form_prefix + named.removeprefix(prefix)
    return named


@router.post("/settings/identity")
def save_identity(request: Request, ctx: security.PageAdmin) -> Response:
    form = security.posted_form(request)
    typed = {k: _text(form, k) for k in ("name", "siren", "vat_number", *ADDRESS_FIELDS)}
    typed.update({f"legal_{k}": _text(form, f"legal_{k}") for k in LEGAL_LABELS})

    def action(uow: UnitOfWork) -> None:
        try:
            companies.update_identity(
                uow,
                ctx,
                name=typed["name"][:MAX_NAME],
                siren=typed["siren"],
                vat_number=typed["vat_number"],
                address={k: typed[k] for k in ADDRESS_FIELDS},
                legal={k: typed[f"legal_{k}"] for k in LEGAL_LABELS},
            )
        except InvalidIdentifier as exc:
            raise Refused(exc.params["field"], errors.error_text(request, exc)) from exc

    return _save(request, ctx, typed, "name", action, "Identité de la société enregistrée")


def _parse_rates(request: Request, text: str) -> list[Decimal]:
    rates = []
    for part in text.replace(";", " ").split():
        try:
            rates.append(i18n.parse_amount(part))
        except (ValueError, InvalidOperation):
            raise Refused("vat_rates", translate(request, "Taux de TVA invalide : {value}", value=part)) from None
    return rates


@router.post("/settings/vat")
def save_vat(request: Request, ctx: security.PageAdmin) -> Response:
    form = security.posted_form(request)
    typed = {"vat_rates": _text(form, "vat_rates")}

    def action(uow: UnitOfWork) -> None:
        companies.set_vat_rates(uow, ctx, _parse_rates(request, typed["vat_rates"]))

    return _save(request, ctx, typed, "vat_rates", action, "Taux de TVA enregistrés")


@router.post("/settings/prefixes")
def save_prefixes(request: Request, ctx: security.PageAdmin) -> Response:
    form = security.posted_form(request)
    typed = {f"prefix_{key}": _text(form, f"prefix_{key}", 40) for key in DEFAULT_PREFIXES}

    def action(uow: UnitOfWork) -> None:
        changes = {}
        for key in DEFAULT_PREFIXES:
            prefix = typed[f"prefix_{key}"]
            if not prefix or len(prefix) > 12 or any(c.isspace() for c in prefix):
                raise Refused(f"prefix_{key}", translate(request, "Un préfixe a 1 à 12 caractères, sans espace."))
            changes[key] = prefix
        companies.change_settings(uow, ctx, {"prefixes": changes})

    return _save(request, ctx, typed, "__all__", action, "Séries de numérotation enregistrées")


@router.post("/settings/deposits")
def save_deposits(request: Request, ctx: security.PageAdmin) -> Response:
    form = security.posted_form(request)
    typed: dict[str, Any] = {flag: _flag(form, flag) for flag in DEPOSIT_FLAGS}
    typed["payment_method"] = _text(form, "payment_method", 40)
    typed["default_percent"] = _text(form, "default_percent", 40)

    def action(uow: UnitOfWork) -> None:
        percent: str | None = typed["default_percent"].replace("%", "").strip() or None
        if percent is not None:
            try:
                percent = str(i18n.parse_amount(percent))
            except ValueError:
                raise Refused("default_percent", translate(request, "Pourcentage invalide.")) from None
        try:
            deposits.configure_deposits(
                uow,
                ctx,
                **{flag: typed[flag] for flag in DEPOSIT_FLAGS},
                payment_method=typed["payment_method"],
                default_percent=percent,
            )
        except InvalidSetting as exc:
            field = "payment_method" if errors.about_payment_method(exc) else "__all__"
            raise Refused(field, errors.error_text(request, exc)) from None
        except DomainError as exc:
            raise Refused("default_percent", errors.error_text(request, exc)) from None

    return _save(request, ctx, typed, "__all__", action, "Options d'acompte enregistrées")


@router.post("/settings/payment-terms")
def save_payment_terms(request: Request, ctx: security.PageAdmin) -> Response:
    """The company's default payment terms (one instalment: days, end of month); empty: payable on receipt."""
    form = security.posted_form(request)
    typed: dict[str, Any] = {
        "term_days": _text(form, "term_days", 10),
        "term_end_of_month": _flag(form, "term_end_of_month"),
    }
    before = _values(companies.get_company(security.uow_of(request), ctx), i18n.language(request))

    def action(uow: UnitOfWork) -> None:
        if (typed["term_days"], typed["term_end_of_month"]) == (before["term_days"], before["term_end_of_month"]):
            return  # unchanged: terms of several instalments, which this form does not show, are kept
        days = typed["term_days"]
        if not days:
            companies.set_default_payment_terms(uow, ctx, None)
            return
        if not days.isdigit() or int(days) > 365:
            raise Refused("term_days", translate(request, "Un nombre de jours entre 0 et 365."))
        terms = PaymentTerms.single(int(days), end_of_month=typed["term_end_of_month"])
        companies.set_default_payment_terms(uow, ctx, terms)

    return _save(request, ctx, typed, "term_days", action, "Conditions de règlement enregistrées")


@router.post("/settings/methods")
def save_methods(request: Request, ctx: security.PageAdmin) -> Response:
    """Turn methods on or off, rename them, and add one (code, label, digital or not)."""
    form = security.posted_form(request)
    known = companies.payment_methods(security.uow_of(request), ctx, include_inactive=True)
    typed: dict[str, Any] = {
        "method_code": _text(form, "method_code", 40),
        "method_label": _text(form, "method_label", 100),
        "method_digital": _flag(form, "method_digital"),
    }

    def action(uow: UnitOfWork) -> None:
        if bool(typed["method_code"]) != bool(typed["method_label"]):
            field = "method_label" if typed["method_code"] else "method_code"
            raise Refused(field, translate(request, "Un mode de règlement a un code et un libellé."))
        code = typed["method_code"]
        if code and (not code.replace("_", "").isalnum() or any(m.code == code for m in known)):
            raise Refused("method_code", translate(request, "Code déjà utilisé ou invalide : {code}", code=code))
        for method in known:
            label = _text(form, f"label_{method.code}", 100) or method.label
            active = _flag(form, f"active_{method.code}")
            digital = _flag(form, f"digital_{method.code}")
            if (label, active, digital) != (method.label, method.active, method.digital):
                companies.set_payment_method(uow, ctx, Method(method.code, label, digital), active=active)
        if code:
            companies.set_payment_method(uow, ctx, Method(code, typed["method_label"], typed["method_digital"]))

    return _save(request, ctx, typed, "method_code", action, "Modes de règlement enregistrés")


@router.post("/settings/accounts")
def add_treasury_account(request: Request, ctx: security.PageAdmin) -> Response:
    """A new bank account or till, with its bank details, ledger account and opening balance (bank_accounts.py)."""
    form = security.posted_form(request)
    typed = {f"account_{name}": _text(form, f"account_{name}", 100) for name in NEW_ACCOUNT_FIELDS}

    def action(uow: UnitOfWork) -> None:
        if typed["account_kind"] not in {k.value for k in AccountKind}:
            raise Refused("account_kind", translate(request, "Choisissez banque ou caisse."))
        try:
            bank_accounts.create_from_form(request, ctx, typed, AccountKind(typed["account_kind"]))
        except bank_accounts.FormInvalid as invalid:
            raise Refused(invalid.field, invalid.message) from None

    return _save(request, ctx, typed, "account_name", action, "Compte de trésorerie ajouté")


@router.post("/settings/accounting")
def save_accounting(request: Request, ctx: security.PageAdmin) -> Response:
    """Chart-of-accounts mapping, VAT on debits, journal of deposit deductions, write-off threshold, automatic
    bank reconciliation."""
    form = security.posted_form(request)
    typed: dict[str, Any] = {f"account_{role}": _text(form, f"account_{role}", 20) for role in DEFAULT_ACCOUNTS}
    typed["vat_on_debits"] = _flag(form, "vat_on_debits")
    typed["imputation_journal"] = _text(form, "imputation_journal", 4)
    typed["write_off_threshold"] = _text(form, "write_off_threshold", 40)
    typed["bank_auto_reconcile"] = _flag(form, "bank_auto_reconcile")

    def action(uow: UnitOfWork) -> None:
        try:
            threshold = i18n.parse_amount(typed["write_off_threshold"] or "0")
        except ValueError:
            threshold = Decimal(-1)
        if threshold < 0:
            raise Refused("write_off_threshold", translate(request, "Montant invalide."))
        mapping = {role: typed[f"account_{role}"] for role in DEFAULT_ACCOUNTS}
        for role, number in mapping.items():
            try:
                AccountMapping.from_settings({role: number})
            except InvalidSetting:
                raise Refused(f"account_{role}", translate(request, "Numéro de compte invalide.")) from None
        if typed["imputation_journal"] not in {Journal.MISC.value, Journal.SALES.value}:
            raise Refused("imputation_journal", translate(request, "Journal invalide."))
        accounting = {
            "accounts": mapping,  # the labels of the accounts, not on this form, are kept
            "vat_on_debits": typed["vat_on_debits"],
            "imputation_journal": typed["imputation_journal"],
        }
        changes = {
            "accounting": accounting,
            WRITE_OFF_THRESHOLD_SETTING: str(threshold),
            AUTO_RECONCILE_SETTING: typed["bank_auto_reconcile"],
        }
        companies.change_settings(uow, ctx, changes)

    return _save(request, ctx, typed, "__all__", action, "Paramètres comptables enregistrés")


# -- users and roles ---------------------------------------------------------------------------------------------

ROLE_ORDER = (Role.ADMIN, Role.ACCOUNTANT, Role.CLERK, Role.READ_ONLY)


def _role_options(request: Request) -> list[tuple[str, str]]:
    return [(r.value, translate(request, ROLE_LABELS[r])) for r in ROLE_ORDER]


def _users_page(
    request: Request, ctx: Ctx, *, typed: dict[str, str] | None = None, errors_: dict[str, str] | None = None
) -> Response:
    uow = security.uow_of(request)
    members = sorted(users.members(uow, ctx), key=lambda m: (ROLE_ORDER.index(m[1]), m[0].email))
    context = {
        "members": members,
        "logins": login_guard.login_report(uow, ctx),
        "role_options": _role_options(request),
        "values": {"email": "", "role": Role.CLERK.value, **(typed or {})},
        "errors": errors_ or {},
    }
    return render(request, "settings/users.html", context, 422 if errors_ else 200)


@router.get("/settings/users")
def users_page(request: Request, ctx: security.PageAdmin) -> Response:
    return _users_page(request, ctx)


@router.post("/settings/users")
def grant_role(request: Request, ctx: security.PageAdmin) -> Response:
    form = security.posted_form(request)
    typed = {"email": _text(form, "email", 320), "role": _text(form, "role", 20)}
    if typed["role"] not in {r.value for r in Role}:
        return _users_page(request, ctx, typed=typed, errors_={"role": translate(request, "Rôle inconnu.")})
    if not typed["email"]:
        message = translate(request, "L'e-mail est obligatoire.")
        return _users_page(request, ctx, typed=typed, errors_={"email": message})
    try:
        users.grant(security.uow_of(request), ctx, email=typed["email"], role=Role(typed["role"]))
    except DomainError as exc:
        return _users_page(request, ctx, typed=typed, errors_={"email": errors.error_text(request, exc)})
    return redirect(request, "/settings/users", flash=translate(request, "Rôle enregistré"))


@router.post("/settings/users/unlock")
def unlock_account(request: Request, ctx: security.PageAdmin) -> Response:
    """End the lock of a member's account after failed logins (the admin knows it was the user, not a guess)."""
    email = _text(security.posted_form(request), "email", 320)
    try:
        login_guard.unlock(security.uow_of(request), ctx, email=email)
    except DomainError as exc:
        return _users_page(request, ctx, errors_={"email": errors.error_text(request, exc)})
    return redirect(request, "/settings/users", flash=translate(request, "Compte {email} débloqué", email=email))


# -- API tokens ------------------------------------------------------------------------------------------------------


def _tokens_page(
    request: Request,
    ctx: Ctx,
    *,
    typed: dict[str, str] | None = None,
    errors_: dict[str, str] | None = None,
    created: tuple[Any, str] | None = None,
) -> Response:
    uow = security.uow_of(request)
    principal = security.session_principal(request)
    context = {
        "tokens": sorted(users.list_tokens(uow, ctx), key=lambda t: t.id, reverse=True),
        "members": sorted(u.email for u, _ in users.members(uow, ctx)),
        "role_options": [("", translate(request, "Rôle de l'utilisateur")), *_role_options(request)],
        "values": {"email": principal.email, "role": "", "name": "", **(typed or {})},
        "errors": errors_ or {},
        "created": created,
    }
    return render(request, "settings/tokens.html", context, 422 if errors_ else 200)


@router.get("/settings/tokens")
def tokens_page(request: Request, ctx: security.PageAdmin) -> Response:
    return _tokens_page(request, ctx)


@router.post("/settings/tokens")
def create_token(request: Request, ctx: security.PageAdmin) -> Response:
    """The secret is shown once, on the page this POST answers (never stored, never redirected with)."""
    form = security.posted_form(request)
    typed = {"email": _text(form, "email", 320), "role": _text(form, "role", 20), "name": _text(form, "name", 200)}
    if typed["role"] and typed["role"] not in {r.value for r in Role}:
        return _tokens_page(request, ctx, typed=typed, errors_={"role": translate(request, "Rôle inconnu.")})
    try:
        credential, secret = users.create_token(
            security.uow_of(request),
            ctx,
            email=typed["email"],
            role=Role(typed["role"]) if typed["role"] else None,
            name=typed["name"],
        )
    except DomainError as exc:
        field = "role" if exc.code == "role-not-granted" else "email"
        return _tokens_page(request, ctx, typed=typed, errors_={field: errors.error_text(request, exc)})
    response = _tokens_page(request, ctx, created=(credential, secret))
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/settings/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: int, ctx: security.PageAdmin) -> Response:
    credential = users.revoke_token(security.uow_of(request), ctx, token_id)
    return redirect(request, "/settings/tokens", flash=translate(request, "Jeton {name} révoqué", name=credential.name))
