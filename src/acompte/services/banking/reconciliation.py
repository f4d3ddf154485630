"""Confirming a bank line (recording the payment it stands for, or linking payments typed by hand), undoing a
confirmation, ignoring a line, and reconciling automatically the lines whose best candidate is certain.

Every change locks the line first (`SELECT … FOR UPDATE`; on SQLite the transaction already holds the write
lock), then checks its state and version, and moves it with `uow.bank.set_state` (which checks the version once
more); the partial unique index on active matches is the last guard. So a line is reconciled at most once, even
when two clerks confirm it at the same moment: the second gets `BankLineNotOpen` and nothing it did is kept.
Payments are recorded, allocated, written off, refunded and cancelled through the ledger's and credits' own use
cases, with their refusals."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from acompte.domain.bank_events import BankLineIgnored, BankLineReconciled, BankLineReopened, BankMatchUndone
from acompte.domain.banking.confirmation import (
    AUTO_RECONCILE_SETTING,
    METHOD_CODES,
    BankMatch,
    Confirmation,
    MatchedPayment,
    check_linked_sum,
    direction_of,
    line_method,
)
from acompte.domain.banking.errors import BankLineNotOpen, BankMatchNotFound, BankPaymentMismatch
from acompte.domain.banking.lines import BankLine, LineState
from acompte.domain.banking.matching import Candidate, CandidateKind
from acompte.domain.credits import CreditRef
from acompte.domain.errors import DomainError, InvalidSetting, NotFound, Reason, StaleVersion
from acompte.domain.money import Money
from acompte.domain.parties import Company
from acompte.domain.payments import PaymentState
from acompte.services import credits, payment_changes, payments
from acompte.services.banking import matching
from acompte.services.messagebus import publish
from acompte.services.ports import Ctx, UnitOfWork


@dataclass(frozen=True, slots=True)
class Reconciled:
    """What a confirmation did: the match, the payments it recorded and those it linked, the fee it booked."""

    match_id: int
    line_id: int
    recorded: tuple[int, ...]
    linked: tuple[int, ...]
    fee: Money | None

    @property
    def payment_ids(self) -> tuple[int, ...]:
        return (*self.recorded, *self.linked)


def _locked_line(uow: UnitOfWork, ctx: Ctx, line_id: int) -> BankLine:
    line = uow.bank.line(ctx.company_id, line_id, lock=True)
    if line is None:
        raise NotFound(entity="Ligne bancaire", id=line_id)
    return line


def _check(line: BankLine, state: LineState, expected_version: int | None) -> None:
    if line.state is not state:
        raise BankLineNotOpen(line=_line_words(line), state=line.state)
    if expected_version is not None and line.version != expected_version:
        raise StaleVersion(entity="La ligne bancaire", id=line.id, expected=expected_version, actual=line.version)


def _line_words(line: BankLine) -> str:
    return f"{line.booking_date:%d/%m/%Y} {line.amount}"


def _move(uow: UnitOfWork, ctx: Ctx, line: BankLine, state: LineState) -> None:
    if not uow.bank.set_state(ctx.company_id, line.id, state, line.version):
        raise BankLineNotOpen(line=_line_words(line), state=line.state)


def method_for(company: Company, line: BankLine) -> str:
    """The company's payment method for this kind of movement (a transfer when the company lacks the right one)."""
    for code in METHOD_CODES[line_method(line)]:
        if company.method(code) is not None:
            return code
    raise InvalidSetting(reason=Reason.UNKNOWN_PAYMENT_METHOD, method=METHOD_CODES[line_method(line)][0])


def confirm(
    uow: UnitOfWork,
    ctx: Ctx,
    line_id: int,
    confirmation: Confirmation,
    expected_version: int | None = None,
    *,
    origin: str = "user",
) -> Reconciled:
    """Reconcile a bank line: record the payment it stands for, or link payments already typed. One
    transaction: a refusal anywhere (over-allocation, a shortfall above the threshold, amounts that do not add
    up, a line reconciled meanwhile) writes nothing."""
    with uow:
        line = _locked_line(uow, ctx, line_id)
        _check(line, LineState.OPEN, expected_version)
        confirmation.check(line)
        if confirmation.links:
            matched, party_ids = _link(uow, ctx, line, confirmation)
        elif confirmation.refund_of is not None:
            matched, party_ids = _refund(uow, ctx, line, confirmation, confirmation.refund_of)
        else:
            matched, party_ids = _record(uow, ctx, line, confirmation)
        _move(uow, ctx, line, LineState.RECONCILED)
        match_id = uow.bank_matches.add(
            ctx.company_id,
            line.id,
            matched,
            origin=origin,
            score=confirmation.score,
            reasons=confirmation.reasons(),
            fee=confirmation.fee if confirmation.fee is not None and confirmation.fee.is_positive else None,
            created_by=ctx.actor,
        )
        if len(party_ids) == 1:
            _learn_iban(uow, ctx, line, party_ids[0])
        done = Reconciled(
            match_id=match_id,
            line_id=line.id,
            recorded=tuple(m.payment_id for m in matched if m.recorded),
            linked=tuple(m.payment_id for m in matched if not m.recorded),
            fee=confirmation.fee if confirmation.fee is not None and confirmation.fee.is_positive else None,
        )
        for payment_id in done.payment_ids:
            publish(
                uow,
                ctx,
                BankLineReconciled(
                    company_id=ctx.company_id,
                    payment_id=payment_id,
                    party_id=uow.payments.get(ctx.company_id, payment_id).party_id,
                    line_id=line.id,
                    match_id=match_id,
                    amount=line.amount,
                    booking_date=line.booking_date,
                    origin=origin,
                    recorded=done.recorded,
                    linked=done.linked,
                    fee=done.fee,
                    score=confirmation.score,
                ),
            )
        uow.commit()
        return done


def _record(
    uow: UnitOfWork, ctx: Ctx, line: BankLine, confirmation: Confirmation
) -> tuple[list[MatchedPayment], list[int]]:
    """Record the payment through the ledger: the line's account, date, amount and reference; the method its
    transaction code tells; what it brings beyond the documents follows the excess choice."""
    assert confirmation.party_id is not None
    company = uow.companies.get(ctx.company_id)
    amount = Money(abs(line.amount.amount), line.amount.currency)
    record = credits.receive_writing_off if confirmation.write_off_shortfall else payments.record_payment
    view = record(
        uow,
        ctx,
        party_id=confirmation.party_id,
        amount=amount,
        method=confirmation.method or method_for(company, line),
        direction=direction_of(line),
        payment_date=line.booking_date,
        account_id=line.account_id,
        reference=(line.reference or line.entry_reference)[:200],
        allocations=list(confirmation.allocations),
    )
    # a refund of the excess is money of its own, on a line of its own: the match does not stand for it
    credits.handle_excess(uow, ctx, view.id, confirmation.excess, refund_method=confirmation.refund_method)
    return [MatchedPayment(view.id, True)], [confirmation.party_id]


def _refund(
    uow: UnitOfWork, ctx: Ctx, line: BankLine, confirmation: Confirmation, payment_id: int
) -> tuple[list[MatchedPayment], list[int]]:
    """Money out paying back a party's credit (the unused part of its payment): the refund is recorded through
    credits, on the line's account and date; a line larger than the credit is refused there."""
    company = uow.companies.get(ctx.company_id)
    view = credits.refund(
        uow,
        ctx,
        source=CreditRef.payment(payment_id),
        method=confirmation.method or method_for(company, line),
        amount=Money(abs(line.amount.amount), line.amount.currency),
        payment_date=line.booking_date,
        reference=(line.reference or line.entry_reference)[:200],
        account_id=line.account_id,
    )
    return [MatchedPayment(view.payment_id, True)], [view.party_id]


def _link(
    uow: UnitOfWork, ctx: Ctx, line: BankLine, confirmation: Confirmation
) -> tuple[list[MatchedPayment], list[int]]:
    """Link payments typed by hand: each active, on the line's account, in its direction and currency, and not
    already on another line; together they make the line (plus a card settlement's fee)."""
    ids = sorted(set(confirmation.payment_ids))
    found = [uow.payments.get(ctx.company_id, payment_id, lock=True) for payment_id in ids]
    taken = uow.bank_matches.matched_payments(ctx.company_id, ids)
    direction = direction_of(line)
    for payment in found:
        if (
            payment.state is not PaymentState.ACTIVE
            or payment.account_id != line.account_id
            or payment.direction is not direction
            or payment.currency != line.amount.currency
            or payment.id in taken
        ):
            raise BankPaymentMismatch(number=payment.number)
    check_linked_sum(line, [p.amount for p in found], confirmation.fee)
    return [MatchedPayment(p.id, False) for p in found], sorted({p.party_id for p in found})


def _learn_iban(uow: UnitOfWork, ctx: Ctx, line: BankLine, party_id: int) -> None:
    """The counterparty's IBAN, once a match says whose it is, helps the matcher recognise the party next time."""
    iban = "".join(line.counterparty_iban.split()).upper()
    if not iban:
        return
    if all(held.iban != iban for held in uow.party_banks.of_party(ctx.company_id, party_id)):
        uow.party_banks.add(ctx.company_id, party_id, iban, source="learned")


def get_line(uow: UnitOfWork, ctx: Ctx, line_id: int) -> BankLine:
    with uow:
        line = uow.bank.line(ctx.company_id, line_id)
        if line is None:
            raise NotFound(entity="Ligne bancaire", id=line_id)
        return line


def get_match(uow: UnitOfWork, ctx: Ctx, match_id: int) -> BankMatch:
    """A match, active or undone."""
    with uow:
        match = uow.bank_matches.get(ctx.company_id, match_id)
        if match is None:
            raise BankMatchNotFound(entity="Rapprochement bancaire", id=match_id)
        return match


def undo(uow: UnitOfWork, ctx: Ctx, match_id: int) -> BankMatch:
    """Undo a confirmation: the payments it recorded are cancelled (with the ledger's refusals: an exported or
    digital payment stays, and so does the match), those it linked are left as typed, the fee goes, the line is
    open again. The match is kept, marked undone. Of two clerks undoing at once, the second finds it gone."""
    with uow:
        seen = uow.bank_matches.get(ctx.company_id, match_id)
        if seen is None or seen.undone:
            raise BankMatchNotFound(entity="Rapprochement bancaire", id=match_id)
        line = _locked_line(uow, ctx, seen.line_id)
        match = uow.bank_matches.get(ctx.company_id, match_id)  # under the line's lock: still active?
        if match is None or match.undone or not uow.bank_matches.mark_undone(ctx.company_id, match_id):
            raise BankMatchNotFound(entity="Rapprochement bancaire", id=match_id)
        for payment_id in match.recorded:
            # a refund of the excess the confirmation chose is unwound before the payment it gave back
            for refund in uow.credits.refunds(ctx.company_id, source=CreditRef.payment(payment_id)):
                payment_changes.cancel_payment(uow, ctx, refund.payment_id, reason="rapprochement bancaire annulé")
            payment_changes.cancel_payment(uow, ctx, payment_id, reason="rapprochement bancaire annulé")
        _move(uow, ctx, line, LineState.OPEN)
        match = replace(match, undone=True)
        for payment_id in (*match.recorded, *match.linked):
            publish(
                uow,
                ctx,
                BankMatchUndone(
                    company_id=ctx.company_id,
                    payment_id=payment_id,
                    party_id=uow.payments.get(ctx.company_id, payment_id).party_id,
                    line_id=line.id,
                    match_id=match.id,
                    amount=line.amount,
                    cancelled=match.recorded,
                    unlinked=match.linked,
                    fee=match.fee,
                ),
            )
        uow.commit()
        return match


def ignore(
    uow: UnitOfWork, ctx: Ctx, line_id: int, *, reason: str = "", expected_version: int | None = None
) -> BankLine:
    """Set a line aside (bank fees booked elsewhere, a transfer between the company's own accounts)."""
    return _set_aside(uow, ctx, line_id, LineState.OPEN, LineState.IGNORED, reason, expected_version)


def unignore(uow: UnitOfWork, ctx: Ctx, line_id: int, *, expected_version: int | None = None) -> BankLine:
    """Bring an ignored line back among those to reconcile."""
    return _set_aside(uow, ctx, line_id, LineState.IGNORED, LineState.OPEN, "", expected_version)


def _set_aside(
    uow: UnitOfWork,
    ctx: Ctx,
    line_id: int,
    before: LineState,
    after: LineState,
    reason: str,
    expected_version: int | None,
) -> BankLine:
    with uow:
        line = _locked_line(uow, ctx, line_id)
        _check(line, before, expected_version)
        _move(uow, ctx, line, after)
        if after is LineState.IGNORED:
            publish(
                uow,
                ctx,
                BankLineIgnored(
                    company_id=ctx.company_id,
                    line_id=line.id,
                    amount=line.amount,
                    booking_date=line.booking_date,
                    reason=reason,
                ),
            )
        else:
            publish(
                uow,
                ctx,
                BankLineReopened(
                    company_id=ctx.company_id, line_id=line.id, amount=line.amount, booking_date=line.booking_date
                ),
            )
        moved = uow.bank.line(ctx.company_id, line.id)
        assert moved is not None
        uow.commit()
        return moved


# -- automatic reconciliation ------------------------------------------------------------------------------------

#: Candidates for one line, best first: an alternative to the matcher's (a test's, a bench's).
CandidateSource = Callable[[UnitOfWork, Ctx, int], Sequence[Candidate]]


@dataclass(frozen=True, slots=True)
class AutoResult:
    enabled: bool  # the company's setting: off, nothing was examined
    reconciled: tuple[Reconciled, ...]
    examined: int
    refused: tuple[tuple[int, str], ...]  # (line id, error code) of certain candidates the ledger refused
    #: (line id, candidate) of every line confirmed: what the matcher was sure of.
    chosen: tuple[tuple[int, Candidate], ...] = ()


def auto_enabled(company: Company) -> bool:
    return bool(company.settings.get(AUTO_RECONCILE_SETTING, False))


def auto_reconcile(
    uow: UnitOfWork, ctx: Ctx, account_id: int | None = None, *, candidates: CandidateSource | None = None
) -> AutoResult:
    """Confirm every open line whose best candidate is certain, each in its own transaction (one refused line
    leaves the others reconciled). Does nothing unless the company turned automatic reconciliation on.

    The candidates are found as the proposals find them: the ledger's facts read once, every open line matched
    in memory. Only the finding is shared: each confirmation locks its line and checks everything again against
    the ledger as it is then (a payment another line took meanwhile, an invoice paid since, is refused there)."""
    with uow:
        company = uow.companies.get(ctx.company_id)
        if account_id is not None and account_id not in {a[0] for a in uow.companies.accounts(ctx.company_id)}:
            raise NotFound(entity="Compte bancaire", id=account_id)
        if not auto_enabled(company):
            return AutoResult(False, (), 0, ())
        lines = list(uow.bank.lines(ctx.company_id, account_id, LineState.OPEN, limit=AUTO_LIMIT))
    if candidates is None:
        proposed = matching.proposals(uow, ctx, account_id, per_line=2, limit=AUTO_LIMIT)
        found = [(line, [view.candidate for view in views]) for line, views in proposed]
    else:
        found = [(line, list(candidates(uow, ctx, line.id))) for line in lines]
    sure = [(line, ranked[0]) for line, ranked in found if _sure(ranked)]
    claimed = Counter(key for _line, best in sure for key in _claims(best))
    done: list[Reconciled] = []
    chosen: list[tuple[int, Candidate]] = []
    refused: list[tuple[int, str]] = []
    for line, best in sure:
        if any(claimed[key] > 1 for key in _claims(best)):
            continue  # two lines sure of the same invoice or payment: at least one of them is wrong
        try:
            done.append(confirm(uow, ctx, line.id, Confirmation.from_candidate(best), line.version, origin="auto"))
            chosen.append((line.id, best))
        except DomainError as error:
            refused.append((line.id, error.code))
    return AutoResult(True, tuple(done), len(found), tuple(refused), tuple(chosen))


#: The most open lines one automatic reconciliation examines.
AUTO_LIMIT = 100_000


def _sure(ranked: Sequence[Candidate]) -> bool:
    """The best candidate is certain, and alone so: two certain candidates for one line are no certainty."""
    return bool(ranked) and ranked[0].certain and not (len(ranked) > 1 and ranked[1].certain)


def _claims(candidate: Candidate) -> set[tuple[str, int]]:
    documents = "order" if candidate.kind is CandidateKind.DEPOSIT else "document"  # a deposit names its order
    return {(documents, i) for i in candidate.document_ids} | {("payment", i) for i in candidate.payment_ids}
