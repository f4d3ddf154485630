"""The one table of problem types: every business error's stable code, HTTP status, title and description
(msgids of the catalogue, context `problem`), and the few HTTP-level problems. The API answers them as
problem+json (`adapters/api/errors.py`); the web pages take the same statuses."""

from __future__ import annotations

from dataclasses import dataclass

from acompte.adapters.i18n import catalogue
from acompte.adapters.i18n.catalogue import NP_
from acompte.domain import errors as e
from acompte.domain.banking import errors as be

ERRORS_PATH = "/api/v1/errors"
PROBLEM = "problem"  # the catalogue context of titles and descriptions


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
    _domain(e.DomainError, 422, NP_("problem", 'Opération refusée'),
            NP_("problem", "Une règle de gestion refuse l'opération.")),
    _domain(e.NotFound, 404, NP_("problem", 'Introuvable'),
            NP_("problem", "L'objet demandé n'existe pas dans votre société.")),
    _domain(e.InvalidAmount, 422, NP_("problem", 'Montant invalide'),
            NP_("problem", "Un montant n'est pas un nombre décimal exact dans la devise.")),
    _domain(e.NonPositiveAmount, 422, NP_("problem", 'Montant non positif'),
            NP_("problem", 'Les règlements et les affectations ont un montant strictement positif.')),
    _domain(e.CurrencyMismatch, 422, NP_("problem", 'Devises différentes'),
            NP_("problem", 'Deux montants de devises différentes ne se combinent pas.')),
    _domain(e.UnknownCurrency, 422, NP_("problem", 'Devise inconnue'),
            NP_("problem", "La devise n'est pas un code ISO 4217 connu d'acompte.")),
    _domain(e.InvalidVatRate, 422, NP_("problem", 'Taux de TVA invalide'),
            NP_("problem", "Le taux de TVA n'est pas configuré dans les paramètres de la société.")),
    _domain(e.InvalidLine, 422, NP_("problem", 'Ligne invalide'),
            NP_("problem", 'Une ligne de document est incomplète ou incohérente.')),
    _domain(e.NegativeQuantity, 422, NP_("problem", 'Quantité négative'),
            NP_("problem", 'Les quantités négatives passent par un avoir.')),
    _domain(e.InvalidTransition, 409, NP_("problem", 'Action impossible à cet état'),
            NP_("problem", 'Le cycle de vie du document ne permet pas cette action dans son état actuel.')),
    _domain(e.DocumentFrozen, 409, NP_("problem", 'Document validé'),
            NP_("problem", 'Une facture validée ne change plus : on la corrige par un avoir.')),
    _domain(e.DocumentCancelled, 409, NP_("problem", 'Document annulé'),
            NP_("problem", "On n'affecte pas de règlement à un document annulé.")),
    _domain(e.PartyMismatch, 422, NP_("problem", 'Tiers différent'),
            NP_("problem", 'Un règlement ne règle que les documents de son tiers.')),
    _domain(e.PartyRoleMismatch, 422, NP_("problem", 'Rôle du tiers'),
            NP_("problem", "Une vente s'adresse à un client, un achat à un fournisseur.")),
    _domain(e.FlowMismatch, 422, NP_("problem", 'Sens du règlement'),
            NP_("problem", 'Un encaissement règle une vente, un décaissement un achat.')),
    _domain(e.OverAllocation, 422, NP_("problem", 'Affectation supérieure au disponible'),
            NP_("problem", "On n'affecte pas plus que ce qui reste non affecté sur le règlement (`available`).")),
    _domain(e.OverSettlement, 422, NP_("problem", 'Affectation supérieure au solde dû'),
            NP_("problem", "On n'affecte pas plus que le solde dû du document (`available`).")),
    _domain(e.TotalBelowSettled, 409, NP_("problem", 'Total inférieur au réglé'),
            NP_("problem", "Le total d'un document ne descend pas sous ce qui est déjà réglé.")),
    _domain(e.PaymentCancelled, 409, NP_("problem", 'Règlement annulé'),
            NP_("problem", "Un règlement annulé ne s'affecte plus.")),
    _domain(e.AllocationNotFound, 404, NP_("problem", 'Rapprochement introuvable'),
            NP_("problem", "Le rapprochement n'existe pas (ou plus) dans votre société.")),
    _domain(e.InvalidConversion, 409, NP_("problem", 'Transformation impossible'),
            NP_("problem", 'Devis → commande ou facture ; commande → livraison ou facture ; livraison → facture.')),
    _domain(e.EmptyDocument, 409, NP_("problem", 'Document vide'),
            NP_("problem", 'Un document se valide avec au moins une ligne.')),
    _domain(e.InvalidSetting, 422, NP_("problem", 'Paramètre invalide'),
            NP_("problem", 'Une valeur ne respecte pas les paramètres de la société.')),
    _domain(e.NotCreditable, 409, NP_("problem", 'Document non corrigeable par avoir'),
            NP_("problem", "Un avoir corrige une facture validée (ou une facture d'acompte émise), jamais un "
                'brouillon ni un devis.')),
    _domain(e.UnknownInvoiceLine, 422, NP_("problem", 'Ligne de facture inconnue'),
            NP_("problem", "Les lignes d'un avoir sur facture désignent les lignes de la facture par leur "
                'position (1, 2...).')),
    _domain(e.OverCreditQuantity, 422, NP_("problem", "Quantité d'avoir trop grande"),
            NP_("problem", 'On ne crédite pas plus que la quantité facturée moins ce que les avoirs précédents '
                'ont déjà crédité.')),
    _domain(e.OverCredit, 422, NP_("problem", 'Avoir supérieur au restant'),
            NP_("problem", "Les avoirs d'une facture ne dépassent jamais son total TTC (`available` : ce qui "
                'reste à créditer).')),
    _domain(e.CreditLinesMismatch, 422, NP_("problem", "Lignes de l'avoir modifiées"),
            NP_("problem", 'Un avoir sur facture reprend les lignes de la facture : désignation, prix et TVA ne '
                'se modifient pas.')),
    _domain(e.NotACredit, 422, NP_("problem", 'Pas un avoir'),
            NP_("problem", "L'opération demande un avoir (ou un avoir d'acompte) validé.")),
    _domain(e.CreditNotIssued, 409, NP_("problem", 'Avoir non validé'),
            NP_("problem", "Un avoir brouillon ne s'utilise pas : validez-le d'abord.")),
    _domain(e.CreditWrittenOff, 409, NP_("problem", 'Avoir comptabilisé'),
            NP_("problem", 'Un avoir comptabilisé (passé en perte ou profit) est définitif.')),
    _domain(e.OverCreditUse, 422, NP_("problem", "Utilisation supérieure au restant de l'avoir"),
            NP_("problem", "On n'utilise pas plus que ce qui reste sur l'avoir (`available`), ni plus que le "
                'solde dû du document.')),
    _domain(e.CreditFullyUsed, 409, NP_("problem", 'Avoir entièrement utilisé'),
            NP_("problem", "Seul le restant d'un avoir se comptabilise ; il n'en reste rien.")),
    _domain(e.CreditAlreadyWrittenOff, 409, NP_("problem", 'Avoir déjà comptabilisé'),
            NP_("problem", "Un avoir ne se comptabilise qu'une fois.")),
    _domain(e.RefundTooLarge, 422, NP_("problem", 'Remboursement supérieur au restant'),
            NP_("problem", "On ne rembourse pas plus que ce qui reste sur l'avoir ou le trop-perçu (`available`).")),
    _domain(e.RefundNotFound, 404, NP_("problem", 'Remboursement introuvable'),
            NP_("problem", "Le remboursement n'existe pas (ou plus) dans votre société.")),
    _domain(e.RefundExists, 409, NP_("problem", 'Règlement remboursé'),
            NP_("problem", "Un règlement dont une partie a été remboursée ne s'annule qu'après l'annulation du "
                'remboursement.')),
    _domain(e.RefundAmountLocked, 409, NP_("problem", 'Montant du remboursement figé'),
            NP_("problem", "Le montant d'un remboursement ne se modifie pas ; annulez-le et refaites-le.")),
    _domain(e.NothingToWriteOff, 409, NP_("problem", 'Rien à passer en écart'),
            NP_("problem", 'Il ne reste aucun montant à passer en écart de règlement.')),
    _domain(e.AboveWriteOffThreshold, 422, NP_("problem", 'Écart supérieur au seuil'),
            NP_("problem", "Seuls les petits écarts (jusqu'au seuil de la société) se passent en écart de "
                'règlement.')),
    _domain(e.DigitalPaymentLocked, 409, NP_("problem", 'Paiement numérique verrouillé'),
            NP_("problem", 'Un paiement enregistré par un prestataire (carte, prélèvement...) ne change que par '
                'son commentaire.')),
    _domain(e.ExportedPaymentLocked, 409, NP_("problem", 'Règlement exporté verrouillé'),
            NP_("problem", 'Un règlement exporté en comptabilité ne change plus que par son commentaire.')),
    _domain(e.DigitalMethodRefused, 422, NP_("problem", 'Mode numérique refusé'),
            NP_("problem", 'Les modes numériques sont réservés aux paiements enregistrés par le prestataire.')),
    _domain(e.AmountBelowAllocated, 409, NP_("problem", "Montant inférieur à l'affecté"),
            NP_("problem", "Le montant d'un règlement ne descend pas sous ce qu'il règle déjà.")),
    _domain(e.PaymentNotOnDocument, 422, NP_("problem", 'Règlement sans lien avec le document'),
            NP_("problem", 'Le règlement annulé depuis un document doit régler ce document.')),
    _domain(e.InvalidPaymentTerms, 422, NP_("problem", 'Conditions de règlement invalides'),
            NP_("problem", 'Les échéances ont chacune un pourcentage positif (total 100 %) et un délai de 0 à 366 '
                'jours.')),
    _domain(e.CreditMismatch, 422, NP_("problem", 'Crédit incompatible'),
            NP_("problem", "Un crédit ne règle qu'un document du même tiers, du même sens et de la même devise.")),
    _domain(e.NothingToRefund, 409, NP_("problem", 'Rien à rembourser'),
            NP_("problem", 'Il ne reste rien à rembourser sur cet avoir ou ce règlement.')),
    _domain(e.DepositExceedsOrder, 422, NP_("problem", 'Acompte supérieur au restant'),
            NP_("problem", "Les acomptes d'un document ne dépassent jamais son total TTC (`available` : ce qui "
                'reste à couvrir).')),
    _domain(e.InvalidPercentage, 422, NP_("problem", 'Pourcentage invalide'),
            NP_("problem", 'Un pourcentage est un nombre décimal de 0 à 100.')),
    _domain(e.DepositOnCancelledDocument, 409, NP_("problem", 'Document annulé'),
            NP_("problem", "On ne prend pas d'acompte sur un document annulé.")),
    _domain(e.NotADepositSource, 409, NP_("problem", 'Acompte impossible sur ce document'),
            NP_("problem", 'Un acompte se note sur un devis ou une commande, se règle sur une commande, un bon de '
                'livraison ou une facture.')),
    _domain(e.DeductionExceedsDeposit, 422, NP_("problem", "Déduction supérieure à l'acompte"),
            NP_("problem", "On ne déduit pas plus que ce que la facture d'acompte porte encore (`available`).")),
    _domain(e.DeductionExceedsInvoice, 422, NP_("problem", 'Déduction supérieure au net à payer'),
            NP_("problem", "Les déductions d'acomptes ne rendent jamais une facture négative (`available` : le "
                'net à payer).')),
    _domain(e.DeductionPartyMismatch, 422, NP_("problem", "Acompte d'un autre tiers"),
            NP_("problem", "Une facture ne déduit que les factures d'acompte de son propre tiers.")),
    _domain(e.DepositedLineRemoval, 409, NP_("problem", 'Ligne avec acompte facturé'),
            NP_("problem", "Une ligne dont l'acompte est facturé ne se retire qu'après un avoir d'acompte.")),
    _domain(e.OrderBelowDeposits, 409, NP_("problem", 'Total inférieur aux acomptes'),
            NP_("problem", "Le total d'une commande ne descend pas sous ses acomptes facturés.")),
    _domain(e.DepositRequiredBeforeDelivery, 409, NP_("problem", 'Acompte requis avant livraison'),
            NP_("problem", "La société bloque la livraison tant que l'acompte demandé n'est pas réglé.")),
    _domain(e.ReversalExceedsDeposit, 422, NP_("problem", "Avoir d'acompte supérieur au restant"),
            NP_("problem", "Un avoir d'acompte ne dépasse pas ce que les factures définitives n'ont pas déduit "
                '(`available`).')),
    _domain(e.InvalidExchangeRate, 422, NP_("problem", 'Taux de change invalide'),
            NP_("problem", "Le taux de change d'un document en devise est un nombre décimal strictement positif.")),
    _domain(e.DepositFormRequired, 409, NP_("problem", "Passer par le formulaire d'acompte"),
            NP_("problem", "Le montant d'une facture d'acompte se change par son montant ou son pourcentage.")),
    _domain(e.MissingDepositAmount, 422, NP_("problem", "Montant d'acompte manquant"),
            NP_("problem", "Sans montant ni pourcentage, l'acompte suit les pourcentages par défaut ; aucun n'est "
                'configuré.')),
    _domain(e.MissingAccount, 422, NP_("problem", 'Compte comptable manquant'),
            NP_("problem", "Le plan de comptes de la société n'a pas le compte qu'une écriture demande.")),
    _domain(e.UnbalancedEntry, 500, NP_("problem", 'Écriture déséquilibrée'),
            NP_("problem", "Une écriture comptable serait déséquilibrée ; rien n'a été exporté.")),
    _domain(e.InvalidDate, 422, NP_("problem", 'Date hors limites'),
            NP_("problem", 'acompte accepte les dates du 1er janvier 1900 au 31 décembre 2999 (`minimum`, '
                '`maximum`) ; `field` nomme la date refusée.')),
    _domain(e.InvalidExportPeriod, 422, NP_("problem", "Période d'export invalide"),
            NP_("problem", "La période d'un export commence avant de finir et tient dans un exercice.")),
    _domain(e.ExportPeriodOverlap, 409, NP_("problem", 'Période déjà exportée'),
            NP_("problem", "Chaque période ne s'exporte qu'une fois ; les pièces saisies en retard partent avec "
                "l'export suivant.")),
    _domain(e.ForeignCurrencyNotSupported, 422, NP_("problem", 'Devise non exportable'),
            NP_("problem", "L'export comptable ne convertit pas encore les pièces en devise étrangère.")),
    _domain(e.InvalidDocumentNumber, 422, NP_("problem", 'Numéro de pièce invalide'),
            NP_("problem", 'Les numéros de factures électroniques ont au plus 35 caractères, sans espace.')),
    _domain(e.MissingCorrectedInvoice, 422, NP_("problem", 'Facture corrigée manquante'),
            NP_("problem", "Un avoir de vente nomme la ou les factures qu'il corrige (`origin_id` ou "
                '`corrected_invoice_ids`).')),
    _domain(e.CorrectedInvoiceMismatch, 422, NP_("problem", 'Facture corrigée incompatible'),
            NP_("problem", 'Un avoir corrige des factures émises du même tiers, du même sens (vente ou achat) et '
                'de la même devise.')),
    _domain(e.InvalidIdentifier, 422, NP_("problem", 'Identifiant invalide'),
            NP_("problem", 'Un SIREN a 9 chiffres ; un numéro de TVA intracommunautaire commence par le code du '
                'pays (FR…).')),
    _domain(e.WrittenOffShortfall, 409, NP_("problem", 'Écart passé en perte'),
            NP_("problem", "Un document dont le reste dû a été passé en perte ne s'annule plus.")),
    _domain(e.MissingLegalIdentifier, 422, NP_("problem", 'Identifiant légal manquant'),
            NP_("problem", 'La facture électronique demande le SIREN et le numéro de TVA du vendeur, le SIREN ou '
                "l'e-mail de l'acheteur.")),
    _domain(e.NotFullyPaid, 409, NP_("problem", 'Document non soldé'),
            NP_("problem", 'Le statut « Encaissée » se pose sur une facture dont il ne reste rien à payer.')),
    _domain(e.InvalidEmail, 422, NP_("problem", 'Adresse e-mail invalide'),
            NP_("problem", "L'adresse e-mail n'a pas une forme valide.")),
    _domain(e.WeakPassword, 422, NP_("problem", 'Mot de passe trop court'),
            NP_("problem", 'Choisissez un mot de passe plus long.')),
    _domain(e.UserExists, 409, NP_("problem", 'Utilisateur existant'),
            NP_("problem", 'Chaque adresse e-mail désigne un seul utilisateur.')),
    _domain(e.AuthenticationRequired, 401, NP_("problem", 'Authentification requise'),
            NP_("problem", 'Chaque appel présente un jeton : `Authorization: Bearer <jeton>` (créé par `acompte '
                'token create`).')),
    _domain(e.InvalidCredentials, 401, NP_("problem", 'Identifiants invalides'),
            NP_("problem", "Le jeton est inconnu, révoqué ou expiré, ou son utilisateur n'est plus membre de la "
                'société.')),
    _domain(e.LoginLocked, 429, NP_("problem", 'Connexion bloquée'),
            NP_("problem", "Trop d'échecs de connexion pour ce compte ou cette adresse : la connexion est refusée "
                "pendant le délai de blocage, même avec le bon mot de passe.")),
    _domain(e.LoginThrottled, 429, NP_("problem", 'Trop de tentatives'),
            NP_("problem", 'Après plusieurs échecs, chaque tentative attend un peu plus longtemps que la précédente.')),
    _domain(e.SecondFactorRequired, 401, NP_("problem", 'Code de double authentification requis'),
            NP_("problem", "Ce compte demande, après le mot de passe, le code à 6 chiffres de l'application "
                "d'authentification.")),
    _domain(e.PermissionDenied, 403, NP_("problem", 'Action non autorisée'),
            NP_("problem", 'Votre rôle ne permet pas cette action (lecture seule < employé < comptable < '
                'administrateur).')),
    _domain(e.RoleNotGranted, 403, NP_("problem", 'Rôle non accordé'),
            NP_("problem", 'Un jeton ne peut pas avoir plus de droits que son utilisateur.')),
    _domain(e.StaleVersion, 412, NP_("problem", 'Version périmée'),
            NP_("problem", "L'en-tête If-Match ne correspond plus à la version de la ressource : rechargez-la.")),
    _domain(e.IdempotencyKeyReused, 409, NP_("problem", "Clé d'idempotence déjà utilisée"),
            NP_("problem", 'Une même clé Idempotency-Key rejoue la même requête ; une requête différente demande '
                'une autre clé.')),
    _domain(e.TemporarilyUnavailable, 503, NP_("problem", 'Service momentanément indisponible'),
            NP_("problem", "La base de données n'a pas pu servir la demande à temps (occupée, délai dépassé, "
                "connexion perdue) ; rien n'a été enregistré. Réessayez après le délai de l'en-tête "
                'Retry-After.')),
    _domain(e.ExchangeRateRequired, 422, NP_("problem", 'Taux de change manquant'),
            NP_("problem", "Une pièce ou un règlement dans une autre devise que celle de la société porte son taux "
                'de change (unités de la devise de la société pour 1 unité de la sienne).')),
    _domain(e.ExchangeRateNotAllowed, 422, NP_("problem", 'Taux de change superflu'),
            NP_("problem", "Un montant dans la devise de la société n'a pas de taux de change.")),
    _domain(be.BankLineNotOpen, 409, NP_("problem", 'Ligne bancaire déjà traitée'),
            NP_("problem", 'La ligne bancaire est déjà rapprochée ou ignorée (peut-être par un autre utilisateur à '
                "l'instant) : rechargez-la.")),
    _domain(be.BankAmountMismatch, 422, NP_("problem", 'Montants différents de la ligne bancaire'),
            NP_("problem", "Les règlements rapprochés d'une ligne bancaire font son montant, frais de la banque "
                'compris pour une remise de cartes.')),
    _domain(be.BankPaymentMismatch, 422, NP_("problem", 'Règlement sans rapport avec la ligne bancaire'),
            NP_("problem", 'Un règlement rapproché est actif, sur le compte de la ligne, dans son sens et sa devise, '
                'et sur aucune autre ligne.')),
    _domain(be.BankConfirmationIncomplete, 422, NP_("problem", 'Rapprochement incomplet'),
            NP_("problem", "Un rapprochement enregistre le règlement d'un tiers sur ses pièces, ou relie des "
                'règlements déjà saisis.')),
    _domain(be.BankMatchNotFound, 404, NP_("problem", 'Rapprochement bancaire introuvable'),
            NP_("problem", "Le rapprochement n'existe pas ou a déjà été annulé (peut-être par un autre utilisateur "
                "à l'instant).")),
    _domain(be.UnreadableStatement, 422, NP_("problem", 'Fichier de relevé illisible'),
            NP_("problem", "Un fichier de relevé est vide ou d'un format inconnu (camt.053, camt.054, OFX et CSV sont "
                "lus) ; un CSV demande le format CSV de sa banque.")),
    _domain(be.InvalidStatement, 422, NP_("problem", 'Relevé refusé'),
            NP_("problem", "Une ligne du fichier de relevé est illisible ou non conforme : `line` et `field` disent "
                "où, `reason` pourquoi. Rien n'est importé.")),
    _domain(be.StatementUnbalanced, 422, NP_("problem", 'Soldes du relevé incohérents'),
            NP_("problem", "Le solde d'ouverture plus les mouvements doit donner le solde de clôture (`opening`, "
                "`total`, `closing`, `difference`). Rien n'est importé.")),
    _domain(be.StatementCurrencyMismatch, 422, NP_("problem", 'Devise du relevé'),
            NP_("problem", "Un relevé s'importe dans un compte de sa devise.")),
    _domain(be.StatementOtherAccount, 422, NP_("problem", "Relevé d'un autre compte"),
            NP_("problem", "L'IBAN du relevé n'est pas celui du compte dans lequel il est importé.")),
    _domain(be.InvalidBankAccount, 422, NP_("problem", 'Compte bancaire invalide'),
            NP_("problem", "Le compte comptable d'un compte bancaire commence par 512 (53 pour une caisse) ; son "
                "solde d'ouverture est dans sa devise.")),
    _domain(e.SupplierReferenceFrozen, 409, NP_("problem", 'Numéro du fournisseur figé'),
            NP_("problem", "Le numéro de facture du fournisseur se saisit sur le brouillon d'une pièce d'achat ; "
                'une fois la pièce validée, il ne change plus.')),
    ProblemType('validation-error', 422, NP_("problem", 'Requête invalide'),
                NP_("problem", 'Un ou plusieurs champs sont absents, inconnus ou mal formés ; `errors` les liste '
                    'tous.')),
    ProblemType('malformed-json', 400, NP_("problem", 'JSON mal formé'),
                NP_("problem", "Le corps de la requête n'est pas du JSON valide.")),
    ProblemType('route-not-found', 404, NP_("problem", 'Adresse inconnue'),
                NP_("problem", "Aucune opération de l'API à cette adresse.")),
    ProblemType('method-not-allowed', 405, NP_("problem", 'Méthode non permise'),
                NP_("problem", "L'adresse existe, mais pas avec cette méthode HTTP.")),
    ProblemType('payload-too-large', 413, NP_("problem", 'Requête trop volumineuse'),
                NP_("problem", 'Le corps de la requête dépasse la taille admise.')),
    ProblemType('http-error', 400, NP_("problem", 'Requête refusée'),
                NP_("problem", 'La requête HTTP est refusée.')),
    ProblemType('internal-error', 500, NP_("problem", 'Erreur interne'),
                NP_("problem", "Une erreur inattendue est survenue ; rien n'a été enregistré.")),
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
