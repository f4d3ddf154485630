"""Every domain error's sentence, by code: French msgids of the one gettext catalogue.

Placeholders name the error's params; `adapters.i18n.render` formats each param for the language first
(Money with the locale's currency format, kinds and states through the catalogue), then fills them in.
`pybabel extract` finds these strings through the `N_` marker."""

from __future__ import annotations

from acompte.adapters.i18n.catalogue import N_

# fmt: off
MESSAGES: dict[str, str] = {
    'domain-error': N_('Opération refusée.'),
    'not-found': N_('{entity} introuvable ({id}).'),
    'invalid-amount': N_('Montant invalide : {value!r} ({reason}).'),
    'non-positive-amount': N_('Le montant doit être strictement positif (reçu : {amount}).'),
    'currency-mismatch': N_('Devises différentes : {left} et {right}.'),
    'unknown-currency': N_('Devise inconnue : {currency}.'),
    'invalid-vat-rate': N_('Taux de TVA non configuré pour cette société : {rate} %.'),
    'invalid-line': N_('Ligne invalide : {reason}.'),
    'negative-quantity': N_(
        'Quantité négative refusée sur {kind} : pour rembourser ou reprendre des articles, établissez '
        'un avoir sur la facture.'
    ),
    'invalid-transition': N_("Action « {action} » impossible sur {kind} à l'état « {state} »."),
    'document-frozen': N_('{number} est validé(e) et ne peut plus être modifié(e) ; corrigez-le par un avoir.'),
    'document-cancelled': N_('{number} est annulé(e) : aucun règlement ne peut y être affecté.'),
    'party-mismatch': N_('{document} appartient à un autre tiers que {source}.'),
    'party-role-mismatch': N_("{party} n'est pas {role}."),
    'flow-mismatch': N_('Un règlement {direction} ne peut pas régler {document} ({flow}).'),
    'over-allocation': N_('Affectation de {requested} impossible : il reste {available} disponible sur {source}.'),
    'over-settlement': N_('Affectation de {requested} impossible : le solde dû de {document} est de {available}.'),
    'total-below-settled': N_(
        'Le total TTC de {document} ({gross}) deviendrait inférieur à ce qui est déjà réglé ({settled}) '
        ": retirez d'abord des rapprochements."
    ),
    'payment-cancelled': N_('Le règlement {number} est annulé.'),
    'allocation-not-found': N_('Rapprochement introuvable ({id}).'),
    'invalid-conversion': N_('Impossible de transformer {kind} en {target}.'),
    'empty-document': N_('{kind} sans ligne : ajoutez au moins une ligne avant de valider.'),
    'invalid-setting': N_('Paramètre invalide : {reason}.'),
    'not-creditable': N_("Un avoir ne peut corriger que une facture validée : {document} ne l'est pas."),
    'unknown-invoice-line': N_("La facture {invoice} n'a pas de ligne n° {position}."),
    'over-credit-quantity': N_(
        'Ligne {position} de {invoice} : {requested} demandé(s) en avoir, mais il ne reste que '
        '{available} à créditer.'
    ),
    'over-credit': N_('Avoir de {requested} impossible : il ne reste que {available} à créditer sur {invoice}.'),
    'credit-lines-mismatch': N_(
        "Les lignes de l'avoir {credit} ne correspondent plus aux lignes de la facture {invoice}."
    ),
    'not-a-credit': N_("{document} n'est pas un avoir."),
    'credit-not-issued': N_("L'avoir {credit} n'est pas encore validé : validez-le avant de l'utiliser."),
    'credit-written-off': N_("L'avoir {credit} est comptabilisé : il ne peut plus être utilisé ni modifié."),
    'over-credit-use': N_('Utilisation de {requested} impossible : il ne reste que {available} sur {credit}.'),
    'credit-fully-used': N_("L'avoir {credit} est entièrement utilisé : il n'y a rien à comptabiliser."),
    'credit-already-written-off': N_("L'avoir {credit} est déjà comptabilisé ; cette opération est définitive."),
    'refund-too-large': N_('Remboursement de {requested} impossible : il ne reste que {available} sur {source}.'),
    'refund-not-found': N_('Remboursement introuvable ({id}).'),
    'refund-exists': N_(
        "Le règlement {number} a été en partie remboursé ({refunds}) : annulez d'abord le remboursement."
    ),
    'refund-amount-locked': N_(
        'Le montant du remboursement {number} ne se modifie pas : annulez le remboursement puis '
        'refaites-le.'
    ),
    'nothing-to-write-off': N_('Il ne reste rien à passer en écart de règlement sur {source}.'),
    'above-write-off-threshold': N_(
        "Écart de {amount} supérieur au seuil d'écart de règlement de la société ({threshold}) : "
        'conservez-le en avoir ou remboursez-le.'
    ),
    'digital-payment-locked': N_(
        'Le règlement {number} est un paiement numérique ({method}) : seul son commentaire peut être '
        'modifié, et il ne peut pas être annulé.'
    ),
    'exported-payment-locked': N_(
        'Le règlement {number} a été exporté en comptabilité : seul son commentaire peut être modifié, '
        'et il ne peut pas être annulé.'
    ),
    'digital-method-refused': N_(
        'Le mode « {method} » est un paiement numérique : il est enregistré par le prestataire de '
        'paiement, pas saisi à la main sur un règlement existant.'
    ),
    'amount-below-allocated': N_(
        'Le règlement {number} ne peut pas passer à {amount} : {allocated} en sont déjà affectés. '
        "Retirez d'abord des rapprochements."
    ),
    'payment-not-on-document': N_('Le règlement {number} ne règle pas {document}.'),
    'invalid-payment-terms': N_('Conditions de règlement invalides : {reason}.'),
    'credit-mismatch': N_('{credit} ne peut pas régler {document} : {reason}.'),
    'nothing-to-refund': N_('Il ne reste rien à rembourser sur {source}.'),
    'deposit-exceeds-order': N_('Acompte de {requested} impossible : il reste {available} à couvrir sur {document}.'),
    'invalid-percentage': N_('Pourcentage invalide : {value} (il doit être compris entre 0 et 100).'),
    'deposit-on-cancelled-document': N_('{document} est annulé(e) : aucun acompte ne peut y être pris.'),
    'not-a-deposit-source': N_('Impossible de prendre un acompte sur {kind} : {reason}.'),
    'deduction-exceeds-deposit': N_(
        "Déduction de {requested} impossible : la facture d'acompte {deposit} ne porte plus que "
        '{available}.'
    ),
    'deduction-exceeds-invoice': N_(
        "Déduction de {requested} impossible : le net à payer de {invoice} n'est plus que de "
        '{available} (une facture ne devient jamais négative).'
    ),
    'deduction-party-mismatch': N_(
        "La facture d'acompte {deposit} a été émise pour {deposit_party}, pas pour {invoice_party} "
        '(facture {invoice}) : elle ne peut pas y être déduite.'
    ),
    'deposited-line-removal': N_(
        "La ligne « {designation} » a un acompte facturé ({deposit}) : établissez d'abord un avoir "
        "d'acompte avant de la retirer."
    ),
    'order-below-deposits': N_(
        'Le total TTC de {document} ({gross}) deviendrait inférieur aux acomptes facturés ({deposits}) '
        ": établissez d'abord un avoir d'acompte."
    ),
    'deposit-required-before-delivery': N_(
        "Livraison bloquée : l'acompte requis sur {document} est de {required}, {paid} seulement a été "
        'réglé.'
    ),
    'reversal-exceeds-deposit': N_(
        "Avoir d'acompte de {requested} impossible : la facture d'acompte {deposit} ne porte plus que "
        '{available}.'
    ),
    'invalid-exchange-rate': N_(
        'Taux de change invalide : {rate} (un nombre décimal strictement positif est attendu).'
    ),
    'deposit-form-required': N_(
        "Le montant de {document} se modifie par le formulaire d'acompte (montant ou pourcentage), pas "
        'par ses lignes.'
    ),
    'missing-deposit-amount': N_(
        "Indiquez un montant ou un pourcentage d'acompte : aucun pourcentage par défaut n'est configuré "
        'pour {document}.'
    ),
    'missing-account': N_("Compte comptable manquant : aucun compte « {account} » n'est paramétré ({role})."),
    'unbalanced-entry': N_('Écriture déséquilibrée pour {piece} : débit {debit}, crédit {credit}.'),
    'invalid-date': N_('Date invalide : {reason}.'),
    'invalid-export-period': N_("Période d'export invalide : {reason}."),
    'export-period-overlap': N_(
        'La période du {date_from} au {date_to} chevauche un export déjà réalisé (du {exported_from} au '
        "{exported_to}) : rien n'a été exporté."
    ),
    'foreign-currency-not-supported': N_(
        "{piece} est en {currency} : l'export comptable ne sait pas encore convertir vers "
        '{company_currency}.'
    ),
    'invalid-document-number': N_(
        'Numéro de pièce invalide pour la facturation électronique : {number!r} ({reason}). Au plus 35 '
        'caractères : lettres, chiffres et + - _ / uniquement, sans espace.'
    ),
    'missing-corrected-invoice': N_(
        "{document} doit référencer la facture qu'il corrige (numéro et date) avant d'être émis."
    ),
    'missing-legal-identifier': N_('Factur-X impossible : {what} de {whose} manquant.'),
    'not-fully-paid': N_(
        "{document} n'est pas entièrement réglé(e) (reste dû : {balance}) : statut « Encaissée » refusé."
    ),
    'invalid-email': N_('Adresse e-mail invalide : {email!r}.'),
    'weak-password': N_('Le mot de passe doit comporter au moins {minimum} caractères.'),
    'user-exists': N_("Un utilisateur existe déjà avec l'adresse {email}."),
    'authentication-required': N_(
        'Authentification requise : présentez un jeton (Authorization: Bearer …) ou connectez-vous.'
    ),
    'invalid-credentials': N_('Identifiants invalides, expirés ou révoqués.'),
    'login-locked': N_(
        "Trop d'échecs de connexion : connexion refusée pendant encore {minutes} min. Réessayez ensuite, ou "
        "demandez à l'administrateur de la société de débloquer le compte."
    ),
    'login-throttled': N_('Trop de tentatives de connexion : réessayez dans {seconds} s.'),
    'second-factor-required': N_("Saisissez le code à 6 chiffres de votre application d'authentification."),
    'permission-denied': N_('Le rôle « {role} » ne permet pas cette action ({permission}).'),
    'role-not-granted': N_(
        "Rôle « {role} » refusé : l'utilisateur {email} n'a que le rôle « {granted} » dans cette "
        'société.'
    ),
    'stale-version': N_(
        '{entity} {id} a été modifié entre-temps (version actuelle {actual}, version attendue '
        '{expected}) : rechargez-le avant de recommencer.'
    ),
    'idempotency-key-reused': N_(
        "La clé d'idempotence {key!r} a déjà servi pour une autre requête : utilisez une nouvelle clé."
    ),
    'corrected-invoice-mismatch': N_("L'avoir ne peut pas corriger {invoice} : {reason}."),
    'invalid-identifier': N_('{what} invalide : {value!r} ({rule}).'),
    'written-off-shortfall': N_(
        '{document} ne peut pas être annulé : un écart de règlement de {amount} y a été passé en perte '
        "(cette perte ne s'annule pas)."
    ),
    'temporarily-unavailable': N_(
        "Service momentanément indisponible : {reason}. Rien n'a été enregistré ; réessayez dans "
        '{retry_after} s.'
    ),
    'exchange-rate-required': N_(
        '{piece} est en {currency} : indiquez son taux de change (combien de {company_currency} pour 1 '
        '{currency}).'
    ),
    'exchange-rate-for-company-currency': N_(
        "Pas de taux de change pour un montant en {currency} : c'est la devise de la société."
    ),
    'bank-line-not-open': N_(
        "La ligne bancaire {line} est {state} : l'opération n'est plus possible (rechargez la page). Rien n'a "
        'été enregistré.'
    ),
    'bank-amount-mismatch': N_(
        'Les règlements choisis font {total} (frais de {fee} compris) : ils ne correspondent pas à la ligne '
        'bancaire de {line_amount}.'
    ),
    'bank-payment-mismatch': N_(
        'Le règlement {number} ne peut pas correspondre à cette ligne bancaire : annulé, sur un autre compte, '
        "dans l'autre sens, dans une autre devise ou déjà rapproché."
    ),
    'bank-confirmation-incomplete': N_(
        'Indiquez soit le tiers et les pièces que cette ligne bancaire règle, soit les règlements déjà saisis '
        "qu'elle représente (des frais ne vont qu'avec ces derniers)."
    ),
    'bank-match-not-found': N_('{entity} introuvable ou déjà annulé ({id}).'),
    'unreadable-statement': N_("Fichier de relevé illisible : {reason}. Rien n'a été importé."),
    'invalid-statement': N_("Relevé refusé, ligne {line} ({field}) : {reason}. Rien n'a été importé."),
    'statement-unbalanced': N_(
        "Relevé refusé : solde d'ouverture {opening} + mouvements {total} ne font pas le solde de clôture "
        "{closing} (écart {difference}). Rien n'a été importé."
    ),
    'statement-currency-mismatch': N_(
        "Relevé en {currency} refusé : le compte {account} est en {account_currency}. Rien n'a été importé."
    ),
    'statement-other-account': N_(
        "Relevé d'un autre compte ({iban}) : le compte {account} a l'IBAN {account_iban}. Rien n'a été importé."
    ),
    'invalid-bank-account': N_('Compte bancaire refusé : {reason}.'),
    'supplier-reference-frozen': N_(
        '{document} est validé : le numéro de facture du fournisseur se saisit sur le brouillon et ne se change '
        "plus ensuite (il est enregistré avec la pièce)."
    ),
}
# fmt: on
