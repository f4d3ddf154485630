"""Errors as RFC 9457 `application/problem+json`, from ONE table.

`PROBLEMS` lists every problem type the API can answer: one entry per `DomainError` subclass (a test checks
that none is missing) and the few HTTP-level ones (invalid request, malformed JSON...), with its HTTP status —
the domain knows none. Each has a stable type URI, `/api/v1/errors/<code>`, which serves a page describing it.
Titles, descriptions and the `detail` sentence come from the one gettext catalogue (`adapters/i18n`) in the
request's `Accept-Language` (French by default, English available); the error's `params` become extra members
of the problem (`available`, `requested`...), as plain values.

To add a domain error: add its class to `domain/errors.py`, its sentence to `adapters/i18n/messages.py`, then
one `ProblemType` line here; translate the new msgids in the catalogue.
"""

from __future__ import annotations

import html
import logging
import string
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from acompte.adapters.i18n import catalogue, formats, render
from acompte.adapters.i18n.catalogue import N_
from acompte.domain import errors as e

log = logging.getLogger("acompte.api")

ERRORS_PATH = "/api/v1/errors"
PROBLEM_JSON = "application/problem+json"
LANGUAGES = catalogue.LANGUAGES
PROBLEM = "problem"  # the catalogue context of titles and descriptions
#: Members of a problem that the error's params may not overwrite.
RESERVED = frozenset({"type", "title", "status", "detail", "instance", "code", "errors"})


@dataclass(frozen=True, slots=True)
class ProblemType:
    """One problem type: its code (the last segment of its type URI), HTTP status, title and a sentence saying
    when it happens and what to do (both French msgids of the catalogue, context `problem`)."""

    code: str
    status: int
    title_msgid: str
    about_msgid: str
    error: type[e.DomainError] | None = None

    @property
    def type_uri(self) -> str:
        return f"{ERRORS_PATH}/{self.code}"

    def title(self, lang: str) -> str:
        return catalogue.pgettext(lang, PROBLEM, self.title_msgid)

    def about(self, lang: str) -> str:
        return catalogue.pgettext(lang, PROBLEM, self.about_msgid)


def _domain(error: type[e.DomainError], status: int, title: str, about: str) -> ProblemType:
    return ProblemType(error.code, status, title, about, error)


# fmt: off
PROBLEMS: tuple[ProblemType, ...] = (
    _domain(e.DomainError, 422, N_('Opération refusée'),
            N_("Une règle de gestion refuse l'opération.")),
    _domain(e.NotFound, 404, N_('Introuvable'),
            N_("L'objet demandé n'existe pas dans votre société.")),
    _domain(e.InvalidAmount, 422, N_('Montant invalide'),
            N_("Un montant n'est pas un nombre décimal exact dans la devise.")),
    _domain(e.NonPositiveAmount, 422, N_('Montant non positif'),
            N_('Les règlements et les affectations ont un montant strictement positif.')),
    _domain(e.CurrencyMismatch, 422, N_('Devises différentes'),
            N_('Deux montants de devises différentes ne se combinent pas.')),
    _domain(e.UnknownCurrency, 422, N_('Devise inconnue'),
            N_("La devise n'est pas un code ISO 4217 connu d'acompte.")),
    _domain(e.InvalidVatRate, 422, N_('Taux de TVA invalide'),
            N_("Le taux de TVA n'est pas configuré dans les paramètres de la société.")),
    _domain(e.InvalidLine, 422, N_('Ligne invalide'),
            N_('Une ligne de document est incomplète ou incohérente.')),
    _domain(e.NegativeQuantity, 422, N_('Quantité négative'),
            N_('Les quantités négatives passent par un avoir.')),
    _domain(e.InvalidTransition, 409, N_('Action impossible à cet état'),
            N_('Le cycle de vie du document ne permet pas cette action dans son état actuel.')),
    _domain(e.DocumentFrozen, 409, N_('Document validé'),
            N_('Une facture validée ne change plus : on la corrige par un avoir.')),
    _domain(e.DocumentCancelled, 409, N_('Document annulé'),
            N_("On n'affecte pas de règlement à un document annulé.")),
    _domain(e.PartyMismatch, 422, N_('Tiers différent'),
            N_('Un règlement ne règle que les documents de son tiers.')),
    _domain(e.PartyRoleMismatch, 422, N_('Rôle du tiers'),
            N_("Une vente s'adresse à un client, un achat à un fournisseur.")),
    _domain(e.FlowMismatch, 422, N_('Sens du règlement'),
            N_('Un encaissement règle une vente, un décaissement un achat.')),
    _domain(e.OverAllocation, 422, N_('Affectation supérieure au disponible'),
            N_("On n'affecte pas plus que ce qui reste non affecté sur le règlement (`available`).")),
    _domain(e.OverSettlement, 422, N_('Affectation supérieure au solde dû'),
            N_("On n'affecte pas plus que le solde dû du document (`available`).")),
    _domain(e.TotalBelowSettled, 409, N_('Total inférieur au réglé'),
            N_("Le total d'un document ne descend pas sous ce qui est déjà réglé.")),
    _domain(e.PaymentCancelled, 409, N_('Règlement annulé'),
            N_("Un règlement annulé ne s'affecte plus.")),
    _domain(e.AllocationNotFound, 404, N_('Rapprochement introuvable'),
            N_("Le rapprochement n'existe pas (ou plus) dans votre société.")),
    _domain(e.InvalidConversion, 409, N_('Transformation impossible'),
            N_('Devis → commande ou facture ; commande → livraison ou facture ; livraison → facture.')),
    _domain(e.EmptyDocument, 409, N_('Document vide'),
            N_('Un document se valide avec au moins une ligne.')),
    _domain(e.InvalidSetting, 422, N_('Paramètre invalide'),
            N_('Une valeur ne respecte pas les paramètres de la société.')),
    _domain(e.NotCreditable, 409, N_('Document non corrigeable par avoir'),
            N_(
                "Un avoir corrige une facture validée (ou une facture d'acompte émise), jamais un "
                'brouillon ni un devis.'
            )),
    _domain(e.UnknownInvoiceLine, 422, N_('Ligne de facture inconnue'),
            N_("Les lignes d'un avoir sur facture désignent les lignes de la facture par leur position (1, 2...).")),
    _domain(e.OverCreditQuantity, 422, N_("Quantité d'avoir trop grande"),
            N_('On ne crédite pas plus que la quantité facturée moins ce que les avoirs précédents ont déjà crédité.')),
    _domain(e.OverCredit, 422, N_('Avoir supérieur au restant'),
            N_("Les avoirs d'une facture ne dépassent jamais son total TTC (`available` : ce qui reste à créditer).")),
    _domain(e.CreditLinesMismatch, 422, N_("Lignes de l'avoir modifiées"),
            N_(
                'Un avoir sur facture reprend les lignes de la facture : désignation, prix et TVA ne se '
                'modifient pas.'
            )),
    _domain(e.NotACredit, 422, N_('Pas un avoir'),
            N_("L'opération demande un avoir (ou un avoir d'acompte) validé.")),
    _domain(e.CreditNotIssued, 409, N_('Avoir non validé'),
            N_("Un avoir brouillon ne s'utilise pas : validez-le d'abord.")),
    _domain(e.CreditWrittenOff, 409, N_('Avoir comptabilisé'),
            N_('Un avoir comptabilisé (passé en perte ou profit) est définitif.')),
    _domain(e.OverCreditUse, 422, N_("Utilisation supérieure au restant de l'avoir"),
            N_(
                "On n'utilise pas plus que ce qui reste sur l'avoir (`available`), ni plus que le solde dû "
                'du document.'
            )),
    _domain(e.CreditFullyUsed, 409, N_('Avoir entièrement utilisé'),
            N_("Seul le restant d'un avoir se comptabilise ; il n'en reste rien.")),
    _domain(e.CreditAlreadyWrittenOff, 409, N_('Avoir déjà comptabilisé'),
            N_("Un avoir ne se comptabilise qu'une fois.")),
    _domain(e.RefundTooLarge, 422, N_('Remboursement supérieur au restant'),
            N_("On ne rembourse pas plus que ce qui reste sur l'avoir ou le trop-perçu (`available`).")),
    _domain(e.RefundNotFound, 404, N_('Remboursement introuvable'),
            N_("Le remboursement n'existe pas (ou plus) dans votre société.")),
    _domain(e.RefundExists, 409, N_('Règlement remboursé'),
            N_("Un règlement dont une partie a été remboursée ne s'annule qu'après l'annulation du remboursement.")),
    _domain(e.RefundAmountLocked, 409, N_('Montant du remboursement figé'),
            N_("Le montant d'un remboursement ne se modifie pas ; annulez-le et refaites-le.")),
    _domain(e.NothingToWriteOff, 409, N_('Rien à passer en écart'),
            N_('Il ne reste aucun montant à passer en écart de règlement.')),
    _domain(e.AboveWriteOffThreshold, 422, N_('Écart supérieur au seuil'),
            N_("Seuls les petits écarts (jusqu'au seuil de la société) se passent en écart de règlement.")),
    _domain(e.DigitalPaymentLocked, 409, N_('Paiement numérique verrouillé'),
            N_('Un paiement enregistré par un prestataire (carte, prélèvement...) ne change que par son commentaire.')),
    _domain(e.ExportedPaymentLocked, 409, N_('Règlement exporté verrouillé'),
            N_('Un règlement exporté en comptabilité ne change plus que par son commentaire.')),
    _domain(e.DigitalMethodRefused, 422, N_('Mode numérique refusé'),
            N_('Les modes numériques sont réservés aux paiements enregistrés par le prestataire.')),
    _domain(e.AmountBelowAllocated, 409, N_("Montant inférieur à l'affecté"),
            N_("Le montant d'un règlement ne descend pas sous ce qu'il règle déjà.")),
    _domain(e.PaymentNotOnDocument, 422, N_('Règlement sans lien avec le document'),
            N_('Le règlement annulé depuis un document doit régler ce document.')),
    _domain(e.InvalidPaymentTerms, 422, N_('Conditions de règlement invalides'),
            N_('Les échéances ont chacune un pourcentage positif (total 100 %) et un délai de 0 à 366 jours.')),
    _domain(e.CreditMismatch, 422, N_('Crédit incompatible'),
            N_("Un crédit ne règle qu'un document du même tiers, du même sens et de la même devise.")),
    _domain(e.NothingToRefund, 409, N_('Rien à rembourser'),
            N_('Il ne reste rien à rembourser sur cet avoir ou ce règlement.')),
    _domain(e.DepositExceedsOrder, 422, N_('Acompte supérieur au restant'),
            N_("Les acomptes d'un document ne dépassent jamais son total TTC (`available` : ce qui reste à couvrir).")),
    _domain(e.InvalidPercentage, 422, N_('Pourcentage invalide'),
            N_('Un pourcentage est un nombre décimal de 0 à 100.')),
    _domain(e.DepositOnCancelledDocument, 409, N_('Document annulé'),
            N_("On ne prend pas d'acompte sur un document annulé.")),
    _domain(e.NotADepositSource, 409, N_('Acompte impossible sur ce document'),
            N_(
                'Un acompte se note sur un devis ou une commande, se règle sur une commande, un bon de '
                'livraison ou une facture.'
            )),
    _domain(e.DeductionExceedsDeposit, 422, N_("Déduction supérieure à l'acompte"),
            N_("On ne déduit pas plus que ce que la facture d'acompte porte encore (`available`).")),
    _domain(e.DeductionExceedsInvoice, 422, N_('Déduction supérieure au net à payer'),
            N_("Les déductions d'acomptes ne rendent jamais une facture négative (`available` : le net à payer).")),
    _domain(e.DeductionPartyMismatch, 422, N_("Acompte d'un autre tiers"),
            N_("Une facture ne déduit que les factures d'acompte de son propre tiers.")),
    _domain(e.DepositedLineRemoval, 409, N_('Ligne avec acompte facturé'),
            N_("Une ligne dont l'acompte est facturé ne se retire qu'après un avoir d'acompte.")),
    _domain(e.OrderBelowDeposits, 409, N_('Total inférieur aux acomptes'),
            N_("Le total d'une commande ne descend pas sous ses acomptes facturés.")),
    _domain(e.DepositRequiredBeforeDelivery, 409, N_('Acompte requis avant livraison'),
            N_("La société bloque la livraison tant que l'acompte demandé n'est pas réglé.")),
    _domain(e.ReversalExceedsDeposit, 422, N_("Avoir d'acompte supérieur au restant"),
            N_("Un avoir d'acompte ne dépasse pas ce que les factures définitives n'ont pas déduit (`available`).")),
    _domain(e.InvalidExchangeRate, 422, N_('Taux de change invalide'),
            N_("Le taux de change d'un document en devise est un nombre décimal strictement positif.")),
    _domain(e.DepositFormRequired, 409, N_("Passer par le formulaire d'acompte"),
            N_("Le montant d'une facture d'acompte se change par son montant ou son pourcentage.")),
    _domain(e.MissingDepositAmount, 422, N_("Montant d'acompte manquant"),
            N_("Sans montant ni pourcentage, l'acompte suit les pourcentages par défaut ; aucun n'est configuré.")),
    _domain(e.MissingAccount, 422, N_('Compte comptable manquant'),
            N_("Le plan de comptes de la société n'a pas le compte qu'une écriture demande.")),
    _domain(e.UnbalancedEntry, 500, N_('Écriture déséquilibrée'),
            N_("Une écriture comptable serait déséquilibrée ; rien n'a été exporté.")),
    _domain(e.InvalidExportPeriod, 422, N_("Période d'export invalide"),
            N_("La période d'un export commence avant de finir et tient dans un exercice.")),
    _domain(e.ExportPeriodOverlap, 409, N_('Période déjà exportée'),
            N_(
                "Chaque période ne s'exporte qu'une fois ; les pièces saisies en retard partent avec "
                "l'export suivant."
            )),
    _domain(e.ForeignCurrencyNotSupported, 422, N_('Devise non exportable'),
            N_("L'export comptable ne convertit pas encore les pièces en devise étrangère.")),
    _domain(e.InvalidDocumentNumber, 422, N_('Numéro de pièce invalide'),
            N_('Les numéros de factures électroniques ont au plus 35 caractères, sans espace.')),
    _domain(e.MissingCorrectedInvoice, 422, N_('Facture corrigée manquante'),
            N_("Un avoir de vente nomme la ou les factures qu'il corrige (`origin_id` ou `corrected_invoice_ids`).")),
    _domain(e.CorrectedInvoiceMismatch, 422, N_('Facture corrigée incompatible'),
            N_(
                'Un avoir corrige des factures émises du même tiers, du même sens (vente ou achat) et de '
                'la même devise.'
            )),
    _domain(e.InvalidIdentifier, 422, N_('Identifiant invalide'),
            N_('Un SIREN a 9 chiffres ; un numéro de TVA intracommunautaire commence par le code du pays (FR…).')),
    _domain(e.WrittenOffShortfall, 409, N_('Écart passé en perte'),
            N_("Un document dont le reste dû a été passé en perte ne s'annule plus.")),
    _domain(e.MissingLegalIdentifier, 422, N_('Identifiant légal manquant'),
            N_(
                'La facture électronique demande le SIREN et le numéro de TVA du vendeur, le SIREN ou '
                "l'e-mail de l'acheteur."
            )),
    _domain(e.NotFullyPaid, 409, N_('Document non soldé'),
            N_('Le statut « Encaissée » se pose sur une facture dont il ne reste rien à payer.')),
    _domain(e.InvalidEmail, 422, N_('Adresse e-mail invalide'),
            N_("L'adresse e-mail n'a pas une forme valide.")),
    _domain(e.WeakPassword, 422, N_('Mot de passe trop court'),
            N_('Choisissez un mot de passe plus long.')),
    _domain(e.UserExists, 409, N_('Utilisateur existant'),
            N_('Chaque adresse e-mail désigne un seul utilisateur.')),
    _domain(e.AuthenticationRequired, 401, N_('Authentification requise'),
            N_('Chaque appel présente un jeton : `Authorization: Bearer <jeton>` (créé par `acompte token create`).')),
    _domain(e.InvalidCredentials, 401, N_('Identifiants invalides'),
            N_("Le jeton est inconnu, révoqué ou expiré, ou son utilisateur n'est plus membre de la société.")),
    _domain(e.PermissionDenied, 403, N_('Action non autorisée'),
            N_('Votre rôle ne permet pas cette action (lecture seule < employé < comptable < administrateur).')),
    _domain(e.RoleNotGranted, 403, N_('Rôle non accordé'),
            N_('Un jeton ne peut pas avoir plus de droits que son utilisateur.')),
    _domain(e.StaleVersion, 412, N_('Version périmée'),
            N_("L'en-tête If-Match ne correspond plus à la version de la ressource : rechargez-la.")),
    _domain(e.IdempotencyKeyReused, 409, N_("Clé d'idempotence déjà utilisée"),
            N_('Une même clé Idempotency-Key rejoue la même requête ; une requête différente demande une autre clé.')),
    ProblemType('validation-error', 422, N_('Requête invalide'),
                N_('Un ou plusieurs champs sont absents, inconnus ou mal formés ; `errors` les liste tous.')),
    ProblemType('malformed-json', 400, N_('JSON mal formé'),
                N_("Le corps de la requête n'est pas du JSON valide.")),
    ProblemType('route-not-found', 404, N_('Adresse inconnue'),
                N_("Aucune opération de l'API à cette adresse.")),
    ProblemType('method-not-allowed', 405, N_('Méthode non permise'),
                N_("L'adresse existe, mais pas avec cette méthode HTTP.")),
    ProblemType('payload-too-large', 413, N_('Requête trop volumineuse'),
                N_('Le corps de la requête dépasse la taille admise.')),
    ProblemType('http-error', 400, N_('Requête refusée'),
                N_('La requête HTTP est refusée.')),
    ProblemType('internal-error', 500, N_('Erreur interne'),
                N_("Une erreur inattendue est survenue ; rien n'a été enregistré.")),
)
# fmt: on

BY_CODE: dict[str, ProblemType] = {p.code: p for p in PROBLEMS}
BY_ERROR: dict[type[e.DomainError], ProblemType] = {p.error: p for p in PROBLEMS if p.error is not None}


def status_of(error: type[e.DomainError]) -> int:
    """The HTTP status of an error class: its own table entry's, else its nearest listed ancestor's."""
    for cls in error.__mro__:
        if cls in BY_ERROR:
            return BY_ERROR[cls].status
    return 500


def problem_type_for(error: e.DomainError) -> ProblemType:
    """The table's entry for an error, or (for a class not yet in the table) its nearest listed ancestor's."""
    for cls in type(error).__mro__:
        if cls in BY_ERROR:
            found = BY_ERROR[cls]
            if cls is type(error):
                return found
            # a class outside the table may still declare its own status while it waits for its line
            status = getattr(type(error), "status", found.status)
            return ProblemType(error.code, status, found.title_msgid, found.about_msgid, None)
    return BY_CODE["internal-error"]


def language(request: Request) -> str:
    """`fr` or `en` from Accept-Language (quality values respected); French by default."""
    return formats.negotiate(request.headers.get("accept-language", ""))


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def problem_body(
    problem: ProblemType, lang: str, detail: str, *, instance: str | None = None, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": problem.type_uri,
        "title": problem.title(lang),
        "status": problem.status,
        "detail": detail,
        "code": problem.code,
    }
    if instance:
        body["instance"] = instance
    for key, value in (extra or {}).items():
        if key not in RESERVED:
            body[key] = _plain(value)
    return body


def problem_json(status: int, body: dict[str, Any], lang: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        body,
        status_code=status,
        media_type=PROBLEM_JSON,
        headers={"Content-Language": lang, **(headers or {})},
    )


def message(error: e.DomainError, lang: str) -> str:
    """The error's sentence in `lang` (`fr` or `en`): the web pages show it next to the field at fault."""
    return render.message(error, lang)


def domain_problem(request: Request, error: e.DomainError) -> JSONResponse:
    """The problem+json response for a business error."""
    problem = problem_type_for(error)
    lang = language(request)
    detail = message(error, lang)
    headers = {}
    if isinstance(error, e.AuthenticationRequired):
        headers["WWW-Authenticate"] = "Bearer"
    elif isinstance(error, e.InvalidCredentials):
        headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    body = problem_body(problem, lang, detail, instance=request.url.path, extra=error.params)
    return problem_json(problem.status, body, lang, headers)


# -- validation errors ---------------------------------------------------------------------------------

#: French messages for the usual validation error types (Pydantic's own messages are English).
FIELD_MESSAGES_FR = {
    "missing": "champ obligatoire",
    "extra_forbidden": "champ inconnu",
    "string_type": "une chaîne de caractères est attendue",
    "string_pattern_mismatch": "format invalide",
    "string_too_short": "trop court",
    "string_too_long": "trop long",
    "bool_type": "true ou false est attendu",
    "int_type": "un entier est attendu",
    "int_parsing": "un entier est attendu",
    "enum": "valeur non admise",
    "literal_error": "valeur non admise",
    "list_type": "une liste est attendue",
    "too_long": "trop d'éléments",
    "model_type": "un objet JSON est attendu",
    "model_attributes_type": "un objet JSON est attendu",
    "dict_type": "un objet JSON est attendu",
    "date_from_datetime_parsing": "date invalide",
    "date_parsing": "date invalide",
    "date_type": "date invalide",
    "less_than_equal": "valeur trop grande",
    "greater_than_equal": "valeur trop petite",
    "invalid_cursor": "curseur invalide",
    "string_unicode": "texte invalide",
}


def _field_errors(exc: RequestValidationError, lang: str) -> list[dict[str, str]]:
    result = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ())]
        where = loc[0] if loc and loc[0] in {"body", "query", "path", "header", "cookie"} else "body"
        field = ".".join(loc[1:] if loc and loc[0] == where else loc)
        kind = str(error.get("type", "invalid"))
        message = str(error.get("msg", ""))
        if lang == "fr" and kind in FIELD_MESSAGES_FR and not message.startswith(("Devise", "Au plus", "Date")):
            message = FIELD_MESSAGES_FR[kind]
        elif lang == "en":
            message = _english_field_message(kind, error, message)
        result.append({"location": where, "field": field, "message": message, "type": kind})
    return result


def _english_field_message(kind: str, error: Any, message: str) -> str:
    ctx = error.get("ctx") or {}
    if kind == "unknown_currency":
        return f"Unknown currency: {ctx.get('currency')}"
    if kind == "too_many_decimals":
        return f"At most {ctx.get('places')} decimals in {ctx.get('currency')}"
    if kind == "date_format":
        return "A date in the YYYY-MM-DD format is expected"
    return message


def validation_problem(request: Request, exc: RequestValidationError) -> JSONResponse:
    lang = language(request)
    errors = _field_errors(exc, lang)
    if any(err["type"] == "json_invalid" for err in errors):
        problem = BY_CODE["malformed-json"]
        detail = catalogue.gettext(lang, "Le corps de la requête n'est pas du JSON valide.")
        return problem_json(problem.status, problem_body(problem, lang, detail, instance=request.url.path), lang)
    problem = BY_CODE["validation-error"]
    detail = catalogue.ngettext(
        lang,
        N_("La requête contient {count} champ invalide : voir `errors`."),
        N_("La requête contient {count} champs invalides : voir `errors`."),
        len(errors),
    )
    body = problem_body(problem, lang, detail, instance=request.url.path)
    body["errors"] = errors
    return problem_json(problem.status, body, lang)


def http_problem(request: Request, exc: StarletteHTTPException) -> Response:
    lang = language(request)
    code = {404: "route-not-found", 405: "method-not-allowed", 413: "payload-too-large"}.get(exc.status_code)
    problem = BY_CODE[code or "http-error"]
    detail = problem.about(lang)
    if code is None:
        detail = str(exc.detail)
    body = problem_body(problem, lang, detail, instance=request.url.path)
    body["status"] = exc.status_code
    return problem_json(exc.status_code, body, lang, dict(exc.headers or {}))


def internal_problem(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    lang = language(request)
    problem = BY_CODE["internal-error"]
    detail = problem.about(lang)
    return problem_json(500, problem_body(problem, lang, detail, instance=request.url.path), lang)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""

    def html(request: Request, exc: Exception) -> Response | None:
        """Outside `/api`, the web application (when mounted) answers errors with a page."""
        page_for = getattr(request.app.state, "html_error", None)
        if page_for is None or request.url.path.startswith("/api"):
            return None
        return page_for(request, exc)  # type: ignore[no-any-return]

    async def on_domain(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, e.DomainError)
        return html(request, exc) or domain_problem(request, exc)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return html(request, exc) or validation_problem(request, exc)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return html(request, exc) or http_problem(request, exc)

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        page = html(request, exc)
        if page is None:
            return internal_problem(request, exc)
        log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return page

    app.add_exception_handler(e.DomainError, on_domain)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)


# -- the pages behind the type URIs -------------------------------------------------------------------


def _placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def describe(problem: ProblemType) -> dict[str, Any]:
    return {
        "type": problem.type_uri,
        "code": problem.code,
        "status": problem.status,
        "title": {lang: problem.title(lang) for lang in LANGUAGES},
        "description": {lang: problem.about(lang) for lang in LANGUAGES},
        "fields": _placeholders(render.template_of(problem.error)) if problem.error else [],
    }


def page(problem: ProblemType) -> HTMLResponse:
    info = describe(problem)
    fields = "".join(f"<li><code>{html.escape(f)}</code></li>" for f in info["fields"]) or "<li>—</li>"
    esc = html.escape
    title_fr, title_en, about_fr, about_en = (
        problem.title("fr"),
        problem.title("en"),
        problem.about("fr"),
        problem.about("en"),
    )
    body = f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{esc(title_fr)} — acompte API</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}}
code{{background:#f3f3f3;padding:0 .2em}}</style></head>
<body>
<p><a href="{ERRORS_PATH}">Erreurs de l'API / API errors</a></p>
<h1>{esc(title_fr)} <small>({problem.status})</small></h1>
<p>{esc(about_fr)}</p>
<h2 lang="en">{esc(title_en)}</h2>
<p lang="en">{esc(about_en)}</p>
<p>Type : <code>{esc(problem.type_uri)}</code> — code : <code>{esc(problem.code)}</code></p>
<h3>Champs propres à l'erreur / error-specific fields</h3><ul>{fields}</ul>
</body></html>"""
    return HTMLResponse(body)


def index_page() -> HTMLResponse:
    rows = "".join(
        f'<tr><td><a href="{html.escape(p.type_uri)}"><code>{html.escape(p.code)}</code></a></td>'
        f"<td>{p.status}</td><td>{html.escape(p.title('fr'))}</td><td>{html.escape(p.title('en'))}</td></tr>"
        for p in PROBLEMS
    )
    return HTMLResponse(
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Erreurs — acompte API</title></head>'
        "<body><h1>Erreurs de l'API / API errors</h1><table><tr><th>code</th><th>statut</th><th>titre</th>"
        f"<th>title</th></tr>{rows}</table></body></html>"
    )
