"""Errors as RFC 9457 `application/problem+json`, from ONE table.

`PROBLEMS` lists every problem type the API can answer: one entry per `DomainError` subclass (a test checks
that none is missing) and the few HTTP-level ones (invalid request, malformed JSON...). Each has a stable
type URI, `/api/v1/errors/<code>`, which serves a page describing it. The `detail` follows the request's
`Accept-Language` (French by default, English available); the error's `params` become extra members of the
problem (`available`, `requested`...).

To add a domain error: add its class at the end of `domain/errors.py`, then one `ProblemType` line here.
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

from acompte.domain import errors as e

log = logging.getLogger("acompte.api")

ERRORS_PATH = "/api/v1/errors"
PROBLEM_JSON = "application/problem+json"
LANGUAGES = ("fr", "en")
#: Members of a problem that the error's params may not overwrite.
RESERVED = frozenset({"type", "title", "status", "detail", "instance", "code", "errors"})


@dataclass(frozen=True, slots=True)
class ProblemType:
    """One problem type: its code (the last segment of its type URI), status, titles, English detail template
    (over the error's params) and a sentence per language saying when it happens and what to do."""

    code: str
    status: int
    title_fr: str
    title_en: str
    detail_en: str
    about_fr: str
    about_en: str
    error: type[e.DomainError] | None = None

    @property
    def type_uri(self) -> str:
        return f"{ERRORS_PATH}/{self.code}"

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_fr


def _domain(
    error: type[e.DomainError], title_fr: str, title_en: str, detail_en: str, about_fr: str, about_en: str
) -> ProblemType:
    return ProblemType(error.code, error.status, title_fr, title_en, detail_en, about_fr, about_en, error)


# fmt: off
PROBLEMS: tuple[ProblemType, ...] = (
    # -- domain errors (domain/errors.py), in the order of that file ----------------------------------
    _domain(e.DomainError, "Opération refusée", "Operation refused", "The operation was refused.",
            "Une règle de gestion refuse l'opération.", "A business rule refuses the operation."),
    _domain(e.NotFound, "Introuvable", "Not found", "{entity} not found ({id}).",
            "L'objet demandé n'existe pas dans votre société.",
            "The requested object does not exist in your company."),
    _domain(e.InvalidAmount, "Montant invalide", "Invalid amount", "Invalid amount: {value!r} ({reason}).",
            "Un montant n'est pas un nombre décimal exact dans la devise.",
            "An amount is not an exact decimal number in its currency."),
    _domain(e.NonPositiveAmount, "Montant non positif", "Amount not positive",
            "The amount must be strictly positive (got {amount}).",
            "Les règlements et les affectations ont un montant strictement positif.",
            "Payments and allocations have a strictly positive amount."),
    _domain(e.CurrencyMismatch, "Devises différentes", "Currency mismatch", "Different currencies: {left} and {right}.",
            "Deux montants de devises différentes ne se combinent pas.",
            "Amounts in different currencies cannot be combined."),
    _domain(e.UnknownCurrency, "Devise inconnue", "Unknown currency", "Unknown currency: {currency}.",
            "La devise n'est pas un code ISO 4217 connu d'acompte.",
            "The currency is not an ISO 4217 code acompte knows."),
    _domain(e.InvalidVatRate, "Taux de TVA invalide", "Invalid VAT rate",
            "VAT rate not configured for this company: {rate} %.",
            "Le taux de TVA n'est pas configuré dans les paramètres de la société.",
            "The VAT rate is not configured in the company settings."),
    _domain(e.InvalidLine, "Ligne invalide", "Invalid line", "Invalid line: {reason}.",
            "Une ligne de document est incomplète ou incohérente.", "A document line is incomplete or inconsistent."),
    _domain(e.NegativeQuantity, "Quantité négative", "Negative quantity",
            "Negative quantity refused on {kind}: to refund or take back goods, issue a credit note on the invoice.",
            "Les quantités négatives passent par un avoir.", "Negative quantities go through a credit note."),
    _domain(e.InvalidTransition, "Action impossible à cet état", "Action not allowed in this state",
            'Action "{action}" is not possible on {kind} in state "{state}".',
            "Le cycle de vie du document ne permet pas cette action dans son état actuel.",
            "The document's lifecycle does not allow this action in its current state."),
    _domain(e.DocumentFrozen, "Document validé", "Document frozen",
            "{number} is validated and can no longer change; correct it with a credit note.",
            "Une facture validée ne change plus : on la corrige par un avoir.",
            "A validated invoice never changes: it is corrected by a credit note."),
    _domain(e.DocumentCancelled, "Document annulé", "Document cancelled",
            "{number} is cancelled: no payment can be allocated to it.",
            "On n'affecte pas de règlement à un document annulé.", "No payment is allocated to a cancelled document."),
    _domain(e.PartyMismatch, "Tiers différent", "Party mismatch",
            "{document} belongs to another party than {source}.",
            "Un règlement ne règle que les documents de son tiers.",
            "A payment settles only its own party's documents."),
    _domain(e.PartyRoleMismatch, "Rôle du tiers", "Party role mismatch", "{party} is not {role}.",
            "Une vente s'adresse à un client, un achat à un fournisseur.",
            "A sale is made to a customer, a purchase to a supplier."),
    _domain(e.FlowMismatch, "Sens du règlement", "Flow mismatch",
            "A payment {direction} cannot settle {document} ({flow}).",
            "Un encaissement règle une vente, un décaissement un achat.",
            "A payment received settles a sale, a payment made settles a purchase."),
    _domain(e.OverAllocation, "Affectation supérieure au disponible", "Over-allocation",
            "Cannot allocate {requested}: only {available} is left on {source}.",
            "On n'affecte pas plus que ce qui reste non affecté sur le règlement (`available`).",
            "You cannot allocate more than what is left unallocated on the payment (`available`)."),
    _domain(e.OverSettlement, "Affectation supérieure au solde dû", "Over-settlement",
            "Cannot allocate {requested}: the balance due on {document} is {available}.",
            "On n'affecte pas plus que le solde dû du document (`available`).",
            "You cannot allocate more than the document's balance due (`available`)."),
    _domain(e.TotalBelowSettled, "Total inférieur au réglé", "Total below settled",
            "The gross total of {document} ({gross}) would fall below what is already settled ({settled}): "
            "remove allocations first.",
            "Le total d'un document ne descend pas sous ce qui est déjà réglé.",
            "A document's total cannot fall below what is already settled."),
    _domain(e.PaymentCancelled, "Règlement annulé", "Payment cancelled", "Payment {number} is cancelled.",
            "Un règlement annulé ne s'affecte plus.", "A cancelled payment can no longer be allocated."),
    _domain(e.AllocationNotFound, "Rapprochement introuvable", "Allocation not found", "Allocation not found ({id}).",
            "Le rapprochement n'existe pas (ou plus) dans votre société.",
            "The allocation does not exist (any more) in your company."),
    _domain(e.InvalidConversion, "Transformation impossible", "Invalid conversion",
            "Cannot convert {kind} into {target}.",
            "Devis → commande ou facture ; commande → livraison ou facture ; livraison → facture.",
            "Quote → order or invoice; order → delivery or invoice; delivery → invoice."),
    _domain(e.EmptyDocument, "Document vide", "Empty document",
            "{kind} has no line: add at least one line before validating.",
            "Un document se valide avec au moins une ligne.", "A document needs at least one line to be validated."),
    _domain(e.InvalidSetting, "Paramètre invalide", "Invalid setting", "Invalid setting: {reason}.",
            "Une valeur ne respecte pas les paramètres de la société.", "A value does not fit the company settings."),
    # credits: credit notes, overpayments, refunds, write-offs, payment changes, party account
    _domain(e.NotCreditable, "Document non corrigeable par avoir", "Not creditable",
            "A credit note can only correct a validated invoice: {document} is not one.",
            "Un avoir corrige une facture validée (ou une facture d'acompte émise), jamais un brouillon ni un devis.",
            "A credit note corrects a validated invoice (or an issued deposit invoice), never a draft or a quote."),
    _domain(e.UnknownInvoiceLine, "Ligne de facture inconnue", "Unknown invoice line",
            "Invoice {invoice} has no line number {position}.",
            "Les lignes d'un avoir sur facture désignent les lignes de la facture par leur position (1, 2...).",
            "The lines of a credit note on an invoice name the invoice's lines by their position (1, 2...)."),
    _domain(e.OverCreditQuantity, "Quantité d'avoir trop grande", "Credit quantity too large",
            "Line {position} of {invoice}: {requested} requested in a credit note, but only {available} is left "
            "to credit.",
            "On ne crédite pas plus que la quantité facturée moins ce que les avoirs précédents ont déjà crédité.",
            "You cannot credit more than the invoiced quantity less what earlier credit notes already credited."),
    _domain(e.OverCredit, "Avoir supérieur au restant", "Over-credit",
            "A credit note of {requested} is not possible: only {available} is left to credit on {invoice}.",
            "Les avoirs d'une facture ne dépassent jamais son total TTC (`available` : ce qui reste à créditer).",
            "An invoice's credit notes never exceed its gross total (`available`: what is left to credit)."),
    _domain(e.CreditLinesMismatch, "Lignes de l'avoir modifiées", "Credit lines mismatch",
            "The lines of credit note {credit} no longer match the lines of invoice {invoice}.",
            "Un avoir sur facture reprend les lignes de la facture : désignation, prix et TVA ne se modifient pas.",
            "A credit note on an invoice mirrors its lines: designation, price and VAT cannot change."),
    _domain(e.NotACredit, "Pas un avoir", "Not a credit", "{document} is not a credit note.",
            "L'opération demande un avoir (ou un avoir d'acompte) validé.",
            "The operation needs a validated credit note (or deposit credit note)."),
    _domain(e.CreditNotIssued, "Avoir non validé", "Credit note not issued",
            "Credit note {credit} is not validated yet: validate it before using it.",
            "Un avoir brouillon ne s'utilise pas : validez-le d'abord.", "A draft credit note cannot be used: "
            "validate it first."),
    _domain(e.CreditWrittenOff, "Avoir comptabilisé", "Credit written off",
            "Credit note {credit} is written off: it can no longer be used or changed.",
            "Un avoir comptabilisé (passé en perte ou profit) est définitif.",
            "A written-off credit note is final."),
    _domain(e.OverCreditUse, "Utilisation supérieure au restant de l'avoir", "Over credit use",
            "Using {requested} is not possible: only {available} is left on {credit}.",
            "On n'utilise pas plus que ce qui reste sur l'avoir (`available`), ni plus que le solde dû du document.",
            "You cannot use more than what is left on the credit note (`available`), nor more than the "
            "document's balance due."),
    _domain(e.CreditFullyUsed, "Avoir entièrement utilisé", "Credit fully used",
            "Credit note {credit} is fully used: there is nothing to write off.",
            "Seul le restant d'un avoir se comptabilise ; il n'en reste rien.",
            "Only what remains of a credit note is written off; nothing remains."),
    _domain(e.CreditAlreadyWrittenOff, "Avoir déjà comptabilisé", "Credit already written off",
            "Credit note {credit} is already written off; this operation is final.",
            "Un avoir ne se comptabilise qu'une fois.", "A credit note is written off only once."),
    _domain(e.RefundTooLarge, "Remboursement supérieur au restant", "Refund too large",
            "A refund of {requested} is not possible: only {available} is left on {source}.",
            "On ne rembourse pas plus que ce qui reste sur l'avoir ou le trop-perçu (`available`).",
            "You cannot refund more than what is left on the credit note or overpayment (`available`)."),
    _domain(e.RefundNotFound, "Remboursement introuvable", "Refund not found", "Refund not found ({id}).",
            "Le remboursement n'existe pas (ou plus) dans votre société.",
            "The refund does not exist (any more) in your company."),
    _domain(e.RefundExists, "Règlement remboursé", "Refund exists",
            "Payment {number} was partly refunded ({refunds}): unwind the refund first.",
            "Un règlement dont une partie a été remboursée ne s'annule qu'après l'annulation du remboursement.",
            "A payment part of which was refunded can only be cancelled once the refund is unwound."),
    _domain(e.RefundAmountLocked, "Montant du remboursement figé", "Refund amount locked",
            "The amount of refund {number} cannot change: unwind the refund, then make it again.",
            "Le montant d'un remboursement ne se modifie pas ; annulez-le et refaites-le.",
            "A refund's amount cannot change; unwind it and make it again."),
    _domain(e.NothingToWriteOff, "Rien à passer en écart", "Nothing to write off",
            "Nothing is left to write off as a payment difference on {source}.",
            "Il ne reste aucun montant à passer en écart de règlement.", "No amount is left to write off."),
    _domain(e.AboveWriteOffThreshold, "Écart supérieur au seuil", "Above the write-off threshold",
            "A difference of {amount} is above the company's write-off threshold ({threshold}): keep it as a credit "
            "or refund it.",
            "Seuls les petits écarts (jusqu'au seuil de la société) se passent en écart de règlement.",
            "Only small differences (up to the company threshold) can be written off."),
    _domain(e.DigitalPaymentLocked, "Paiement numérique verrouillé", "Digital payment locked",
            "Payment {number} is a digital payment ({method}): only its comment can change, and it cannot be "
            "cancelled.",
            "Un paiement enregistré par un prestataire (carte, prélèvement...) ne change que par son commentaire.",
            "A payment recorded by a payment provider (card, direct debit...) only changes its comment."),
    _domain(e.ExportedPaymentLocked, "Règlement exporté verrouillé", "Exported payment locked",
            "Payment {number} was exported to accounting: only its comment can change, and it cannot be cancelled.",
            "Un règlement exporté en comptabilité ne change plus que par son commentaire.",
            "A payment exported to accounting only changes its comment."),
    _domain(e.DigitalMethodRefused, "Mode numérique refusé", "Digital method refused",
            'The method "{method}" is a digital payment: it is recorded by the payment provider, not typed in by '
            "hand on an existing payment.",
            "Les modes numériques sont réservés aux paiements enregistrés par le prestataire.",
            "Digital methods are reserved for payments the provider records."),
    _domain(e.AmountBelowAllocated, "Montant inférieur à l'affecté", "Amount below allocated",
            "Payment {number} cannot become {amount}: {allocated} of it is already allocated. Remove allocations "
            "first.",
            "Le montant d'un règlement ne descend pas sous ce qu'il règle déjà.",
            "A payment's amount cannot fall below what it already settles."),
    _domain(e.PaymentNotOnDocument, "Règlement sans lien avec le document", "Payment not on document",
            "Payment {number} does not settle {document}.",
            "Le règlement annulé depuis un document doit régler ce document.",
            "A payment cancelled from a document must settle that document."),
    _domain(e.InvalidPaymentTerms, "Conditions de règlement invalides", "Invalid payment terms",
            "Invalid payment terms: {reason}.",
            "Les échéances ont chacune un pourcentage positif (total 100 %) et un délai de 0 à 366 jours.",
            "Each instalment has a positive percentage (100 % in all) and a delay of 0 to 366 days."),
    _domain(e.CreditMismatch, "Crédit incompatible", "Credit mismatch", "{credit} cannot settle {document}: {reason}.",
            "Un crédit ne règle qu'un document du même tiers, du même sens et de la même devise.",
            "A credit settles only a document of the same party, flow and currency."),
    _domain(e.NothingToRefund, "Rien à rembourser", "Nothing to refund", "Nothing is left to refund on {source}.",
            "Il ne reste rien à rembourser sur cet avoir ou ce règlement.",
            "Nothing is left to refund on this credit note or payment."),
    # deposits
    _domain(e.DepositExceedsOrder, "Acompte supérieur au restant", "Deposit exceeds order",
            "A deposit of {requested} is not possible: {available} is left to cover on {document}.",
            "Les acomptes d'un document ne dépassent jamais son total TTC (`available` : ce qui reste à couvrir).",
            "The deposits of a document never exceed its gross total (`available`: what is left to cover)."),
    _domain(e.InvalidPercentage, "Pourcentage invalide", "Invalid percentage",
            "Invalid percentage: {value} (it must be between 0 and 100).",
            "Un pourcentage est un nombre décimal de 0 à 100.", "A percentage is a decimal number from 0 to 100."),
    _domain(e.DepositOnCancelledDocument, "Document annulé", "Deposit on a cancelled document",
            "{document} is cancelled: no deposit can be taken on it.",
            "On ne prend pas d'acompte sur un document annulé.", "No deposit is taken on a cancelled document."),
    _domain(e.NotADepositSource, "Acompte impossible sur ce document", "Not a deposit source",
            "A deposit cannot be taken on {kind}: {reason}.",
            "Un acompte se note sur un devis ou une commande, se règle sur une commande, un bon de livraison ou une "
            "facture.",
            "A deposit is noted on a quote or an order, and paid on an order, a delivery note or an invoice."),
    _domain(e.DeductionExceedsDeposit, "Déduction supérieure à l'acompte", "Deduction exceeds deposit",
            "A deduction of {requested} is not possible: deposit invoice {deposit} only holds {available} any more.",
            "On ne déduit pas plus que ce que la facture d'acompte porte encore (`available`).",
            "You cannot deduct more than what the deposit invoice still holds (`available`)."),
    _domain(e.DeductionExceedsInvoice, "Déduction supérieure au net à payer", "Deduction exceeds invoice",
            "A deduction of {requested} is not possible: the net to pay of {invoice} is only {available} "
            "(an invoice never becomes negative).",
            "Les déductions d'acomptes ne rendent jamais une facture négative (`available` : le net à payer).",
            "Deposit deductions never make an invoice negative (`available`: its net to pay)."),
    _domain(e.DeductionPartyMismatch, "Acompte d'un autre tiers", "Deduction party mismatch",
            "Deposit invoice {deposit} was issued to {deposit_party}, not to {invoice_party} (invoice {invoice}): "
            "it cannot be deducted there.",
            "Une facture ne déduit que les factures d'acompte de son propre tiers.",
            "An invoice only deducts the deposit invoices of its own party."),
    _domain(e.DepositedLineRemoval, "Ligne avec acompte facturé", "Deposited line removal",
            'The line "{designation}" has an invoiced deposit ({deposit}): issue a deposit credit note before '
            "removing it.",
            "Une ligne dont l'acompte est facturé ne se retire qu'après un avoir d'acompte.",
            "A line whose deposit is invoiced is removed only after a deposit credit note."),
    _domain(e.OrderBelowDeposits, "Total inférieur aux acomptes", "Order below deposits",
            "The gross total of {document} ({gross}) would fall below its invoiced deposits ({deposits}): issue a "
            "deposit credit note first.",
            "Le total d'une commande ne descend pas sous ses acomptes facturés.",
            "An order's total cannot fall below its invoiced deposits."),
    _domain(e.DepositRequiredBeforeDelivery, "Acompte requis avant livraison", "Deposit required before delivery",
            "Delivery blocked: the deposit required on {document} is {required}, only {paid} was paid.",
            "La société bloque la livraison tant que l'acompte demandé n'est pas réglé.",
            "The company blocks delivery until the requested deposit is paid."),
    _domain(e.ReversalExceedsDeposit, "Avoir d'acompte supérieur au restant", "Reversal exceeds deposit",
            "A deposit credit note of {requested} is not possible: deposit invoice {deposit} only holds {available} "
            "any more.",
            "Un avoir d'acompte ne dépasse pas ce que les factures définitives n'ont pas déduit (`available`).",
            "A deposit credit note cannot exceed what final invoices have not deducted (`available`)."),
    _domain(e.InvalidExchangeRate, "Taux de change invalide", "Invalid exchange rate",
            "Invalid exchange rate: {rate} (a strictly positive decimal number is expected).",
            "Le taux de change d'un document en devise est un nombre décimal strictement positif.",
            "The exchange rate of a foreign-currency document is a strictly positive decimal number."),
    _domain(e.DepositFormRequired, "Passer par le formulaire d'acompte", "Deposit form required",
            "The amount of {document} is changed through the deposit form (amount or percentage), not through its "
            "lines.",
            "Le montant d'une facture d'acompte se change par son montant ou son pourcentage.",
            "A deposit invoice's amount is changed through its amount or percentage."),
    _domain(e.MissingDepositAmount, "Montant d'acompte manquant", "Missing deposit amount",
            "Give a deposit amount or percentage: no default percentage is configured for {document}.",
            "Sans montant ni pourcentage, l'acompte suit les pourcentages par défaut ; aucun n'est configuré.",
            "Without an amount or a percentage, the deposit follows the default percentages; none is configured."),
    # exports: accounting entries, FEC, Factur-X
    _domain(e.MissingAccount, "Compte comptable manquant", "Missing account",
            'Missing ledger account: no "{account}" account is configured ({role}).',
            "Le plan de comptes de la société n'a pas le compte qu'une écriture demande.",
            "The company's chart of accounts lacks an account an entry needs."),
    _domain(e.UnbalancedEntry, "Écriture déséquilibrée", "Unbalanced entry",
            "Unbalanced entry for {piece}: debit {debit}, credit {credit}.",
            "Une écriture comptable serait déséquilibrée ; rien n'a été exporté.",
            "An accounting entry would be unbalanced; nothing was exported."),
    _domain(e.InvalidExportPeriod, "Période d'export invalide", "Invalid export period",
            "Invalid export period: {reason}.",
            "La période d'un export commence avant de finir et tient dans un exercice.",
            "An export period starts before it ends and fits in one financial year."),
    _domain(e.ExportPeriodOverlap, "Période déjà exportée", "Export period overlap",
            "The period {date_from} to {date_to} overlaps an export already made ({exported_from} to "
            "{exported_to}): nothing was exported.",
            "Chaque période ne s'exporte qu'une fois ; les pièces saisies en retard partent avec l'export suivant.",
            "Each period is exported once; late items go with the next export."),
    _domain(e.ForeignCurrencyNotSupported, "Devise non exportable", "Foreign currency not supported",
            "{piece} is in {currency}: the accounting export cannot convert to {company_currency} yet.",
            "L'export comptable ne convertit pas encore les pièces en devise étrangère.",
            "The accounting export does not convert foreign-currency items yet."),
    _domain(e.InvalidDocumentNumber, "Numéro de pièce invalide", "Invalid document number",
            "Invalid document number for e-invoicing: {number!r} ({reason}). At most 35 characters: letters, digits "
            "and + - _ / only, no space.",
            "Les numéros de factures électroniques ont au plus 35 caractères, sans espace.",
            "E-invoice numbers have at most 35 characters, without spaces."),
    _domain(e.MissingCorrectedInvoice, "Facture corrigée manquante", "Missing corrected invoice",
            "{document} must reference the invoice it corrects (number and date) before it is issued.",
            "Un avoir de vente nomme la ou les factures qu'il corrige (`origin_id` ou `corrected_invoice_ids`).",
            "A sales credit note names the invoice(s) it corrects (`origin_id` or `corrected_invoice_ids`)."),
    _domain(e.CorrectedInvoiceMismatch, "Facture corrigée incompatible", "Corrected invoice mismatch",
            "The credit note cannot correct {invoice}: {reason}.",
            "Un avoir corrige des factures émises du même tiers, du même sens (vente ou achat) et de la même devise.",
            "A credit note corrects issued invoices of its own party, flow and currency."),
    _domain(e.InvalidIdentifier, "Identifiant invalide", "Invalid identifier",
            "Invalid {what}: {value!r} ({rule}).",
            "Un SIREN a 9 chiffres ; un numéro de TVA intracommunautaire commence par le code du pays (FR…).",
            "A SIREN has 9 digits; an intra-community VAT number starts with its country code (FR…)."),
    _domain(e.WrittenOffShortfall, "Écart passé en perte", "Shortfall written off",
            "{document} cannot be cancelled: a shortfall of {amount} was written off on it (a write-off is final).",
            "Un document dont le reste dû a été passé en perte ne s'annule plus.",
            "A document whose unpaid rest was written off can no longer be cancelled."),
    _domain(e.MissingLegalIdentifier, "Identifiant légal manquant", "Missing legal identifier",
            "Factur-X not possible: {what} of {whose} is missing.",
            "La facture électronique demande le SIREN et le numéro de TVA du vendeur, le SIREN ou l'e-mail de "
            "l'acheteur.",
            "The e-invoice needs the seller's SIREN and VAT number, and the buyer's SIREN or email."),
    _domain(e.NotFullyPaid, "Document non soldé", "Not fully paid",
            '{document} is not fully paid (balance due: {balance}): status "Collected" refused.',
            "Le statut « Encaissée » se pose sur une facture dont il ne reste rien à payer.",
            "The « Encaissée » (collected) status is set on an invoice with nothing left to pay."),
    # users and security
    _domain(e.InvalidEmail, "Adresse e-mail invalide", "Invalid email", "Invalid email address: {email!r}.",
            "L'adresse e-mail n'a pas une forme valide.", "The email address is not well formed."),
    _domain(e.WeakPassword, "Mot de passe trop court", "Weak password",
            "The password must have at least {minimum} characters.",
            "Choisissez un mot de passe plus long.", "Choose a longer password."),
    _domain(e.UserExists, "Utilisateur existant", "User exists", "A user already exists with the address {email}.",
            "Chaque adresse e-mail désigne un seul utilisateur.", "Each email address names one user."),
    _domain(e.AuthenticationRequired, "Authentification requise", "Authentication required",
            "Authentication required: send a token (Authorization: Bearer …) or log in.",
            "Chaque appel présente un jeton : `Authorization: Bearer <jeton>` (créé par `acompte token create`).",
            "Every call presents a token: `Authorization: Bearer <token>` (made by `acompte token create`)."),
    _domain(e.InvalidCredentials, "Identifiants invalides", "Invalid credentials",
            "Invalid, expired or revoked credentials.",
            "Le jeton est inconnu, révoqué ou expiré, ou son utilisateur n'est plus membre de la société.",
            "The token is unknown, revoked or expired, or its user is no longer a member of the company."),
    _domain(e.PermissionDenied, "Action non autorisée", "Permission denied",
            'The role "{role}" does not allow this action ({permission}).',
            "Votre rôle ne permet pas cette action (lecture seule < employé < comptable < administrateur).",
            "Your role does not allow this action (read-only < clerk < accountant < admin)."),
    _domain(e.RoleNotGranted, "Rôle non accordé", "Role not granted",
            'Role "{role}" refused: user {email} only has the role "{granted}" in this company.',
            "Un jeton ne peut pas avoir plus de droits que son utilisateur.",
            "A token cannot have more rights than its user."),
    _domain(e.StaleVersion, "Version périmée", "Stale version",
            "{entity} {id} was changed meanwhile (current version {actual}, expected {expected}): "
            "reload it and try again.",
            "L'en-tête If-Match ne correspond plus à la version de la ressource : rechargez-la.",
            "The If-Match header no longer matches the resource's version: reload it."),
    _domain(e.IdempotencyKeyReused, "Clé d'idempotence déjà utilisée", "Idempotency key reused",
            "The idempotency key {key!r} was already used for another request: use a new key.",
            "Une même clé Idempotency-Key rejoue la même requête ; une requête différente demande une autre clé.",
            "One Idempotency-Key replays one request; a different request needs a new key."),
    # -- HTTP-level problems (no domain error) ----------------------------------------------------------
    ProblemType("validation-error", 422, "Requête invalide", "Invalid request",
                "The request has {count} invalid field(s): see `errors`.",
                "Un ou plusieurs champs sont absents, inconnus ou mal formés ; `errors` les liste tous.",
                "One or more fields are missing, unknown or malformed; `errors` lists every one."),
    ProblemType("malformed-json", 400, "JSON mal formé", "Malformed JSON", "The request body is not valid JSON.",
                "Le corps de la requête n'est pas du JSON valide.", "The request body is not valid JSON."),
    ProblemType("route-not-found", 404, "Adresse inconnue", "Unknown address", "No operation at this address.",
                "Aucune opération de l'API à cette adresse.", "No API operation at this address."),
    ProblemType("method-not-allowed", 405, "Méthode non permise", "Method not allowed",
                "This method is not allowed at this address.",
                "L'adresse existe, mais pas avec cette méthode HTTP.",
                "The address exists, but not with this HTTP method."),
    ProblemType("payload-too-large", 413, "Requête trop volumineuse", "Payload too large",
                "The request body is too large.",
                "Le corps de la requête dépasse la taille admise.", "The request body exceeds the allowed size."),
    ProblemType("http-error", 400, "Requête refusée", "Request refused", "The request was refused.",
                "La requête HTTP est refusée.", "The HTTP request is refused."),
    ProblemType("internal-error", 500, "Erreur interne", "Internal error",
                "An unexpected error occurred; nothing was recorded.",
                "Une erreur inattendue est survenue ; rien n'a été enregistré.",
                "An unexpected error occurred; nothing was recorded."),
)
# fmt: on

BY_CODE: dict[str, ProblemType] = {p.code: p for p in PROBLEMS}
BY_ERROR: dict[type[e.DomainError], ProblemType] = {p.error: p for p in PROBLEMS if p.error is not None}

#: French words the domain puts in its params, and their English (for English details).
PARAM_WORDS_EN = {
    "le devis": "the quote",
    "la commande": "the order",
    "le bon de livraison": "the delivery note",
    "la facture": "the invoice",
    "la facture d'acompte": "the deposit invoice",
    "l'avoir": "the credit note",
    "l'avoir d'acompte": "the deposit credit note",
    "une facture": "an invoice",
    "brouillon": "draft",
    "validé": "validated",
    "annulé": "cancelled",
    "reçu": "received",
    "versé": "paid out",
    "un client": "a customer",
    "un fournisseur": "a supplier",
    "Tiers": "Party",
    "Règlement": "Payment",
    "Article": "Item",
    "Société": "Company",
    "Compte de trésorerie": "Treasury account",
    "Utilisateur": "User",
    "Jeton": "Token",
    "Le document": "The document",
    "Le règlement": "The payment",
    "administrateur": "admin",
    "comptable": "accountant",
    "employé": "clerk",
    "lecture seule": "read-only",
    "régler": "settle",
    "ce document": "this document",
    "les crédits sélectionnés": "the selected credits",
    "Export comptable": "Accounting export",
    "Remboursement": "Refund",
    "Avoir": "Credit note",
    "Document": "Document",
    "un SIREN a 9 chiffres": "a SIREN has 9 digits",
    "Numéro de TVA": "VAT number",
    "ex. FR12345678901": "e.g. FR12345678901",
}


def problem_type_for(error: e.DomainError) -> ProblemType:
    """The table's entry for an error, or (for a class not yet in the table) its nearest listed ancestor's."""
    for cls in type(error).__mro__:
        if cls in BY_ERROR:
            found = BY_ERROR[cls]
            if cls is type(error):
                return found
            return ProblemType(
                error.code, error.status, found.title_fr, found.title_en, "", found.about_fr, found.about_en, None
            )
    return BY_CODE["internal-error"]


def language(request: Request) -> str:
    """`fr` or `en` from Accept-Language (quality values respected); French by default."""
    header = request.headers.get("accept-language", "")
    best, best_q = "fr", -1.0
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        q -= position * 1e-6  # earlier wins on equal quality
        if primary in LANGUAGES and q > best_q and q > 0:
            best, best_q = primary, q
    return best


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


def _english(template: str, params: dict[str, Any]) -> str | None:
    translated = {k: PARAM_WORDS_EN.get(v, v) if isinstance(v, str) else v for k, v in params.items()}
    try:
        return template.format(**translated) if template else None
    except (KeyError, IndexError, ValueError):
        return None


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
    if lang == "en":
        return _english(problem_type_for(error).detail_en, error.params) or error.message
    return error.message


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
    return problem_json(error.status, body, lang, headers)


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
        detail = (
            "The request body is not valid JSON."
            if lang == "en"
            else "Le corps de la requête n'est pas du JSON valide."
        )
        return problem_json(problem.status, problem_body(problem, lang, detail, instance=request.url.path), lang)
    problem = BY_CODE["validation-error"]
    if lang == "en":
        detail = f"The request has {len(errors)} invalid field(s): see `errors`."
    else:
        detail = f"La requête contient {len(errors)} champ(s) invalide(s) : voir `errors`."
    body = problem_body(problem, lang, detail, instance=request.url.path)
    body["errors"] = errors
    return problem_json(problem.status, body, lang)


def http_problem(request: Request, exc: StarletteHTTPException) -> Response:
    lang = language(request)
    code = {404: "route-not-found", 405: "method-not-allowed", 413: "payload-too-large"}.get(exc.status_code)
    problem = BY_CODE[code or "http-error"]
    detail = problem.detail_en if lang == "en" else problem.about_fr
    if code is None:
        detail = str(exc.detail)
    body = problem_body(problem, lang, detail, instance=request.url.path)
    body["status"] = exc.status_code
    return problem_json(exc.status_code, body, lang, dict(exc.headers or {}))


def internal_problem(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    lang = language(request)
    problem = BY_CODE["internal-error"]
    detail = problem.detail_en if lang == "en" else problem.about_fr
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
        "title": {"fr": problem.title_fr, "en": problem.title_en},
        "description": {"fr": problem.about_fr, "en": problem.about_en},
        "fields": _placeholders(problem.error.template) if problem.error else [],
    }


def page(problem: ProblemType) -> HTMLResponse:
    info = describe(problem)
    fields = "".join(f"<li><code>{html.escape(f)}</code></li>" for f in info["fields"]) or "<li>—</li>"
    esc = html.escape
    body = f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{esc(problem.title_fr)} — acompte API</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}}
code{{background:#f3f3f3;padding:0 .2em}}</style></head>
<body>
<p><a href="{ERRORS_PATH}">Erreurs de l'API / API errors</a></p>
<h1>{esc(problem.title_fr)} <small>({problem.status})</small></h1>
<p>{esc(problem.about_fr)}</p>
<h2 lang="en">{esc(problem.title_en)}</h2>
<p lang="en">{esc(problem.about_en)}</p>
<p>Type : <code>{esc(problem.type_uri)}</code> — code : <code>{esc(problem.code)}</code></p>
<h3>Champs propres à l'erreur / error-specific fields</h3><ul>{fields}</ul>
</body></html>"""
    return HTMLResponse(body)


def index_page() -> HTMLResponse:
    rows = "".join(
        f'<tr><td><a href="{html.escape(p.type_uri)}"><code>{html.escape(p.code)}</code></a></td>'
        f"<td>{p.status}</td><td>{html.escape(p.title_fr)}</td><td>{html.escape(p.title_en)}</td></tr>"
        for p in PROBLEMS
    )
    return HTMLResponse(
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Erreurs — acompte API</title></head>'
        "<body><h1>Erreurs de l'API / API errors</h1><table><tr><th>code</th><th>statut</th><th>titre</th>"
        f"<th>title</th></tr>{rows}</table></body></html>"
    )
