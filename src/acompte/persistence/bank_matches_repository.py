"""`uow.bank_matches`: confirmed matches of bank lines with payments, their fees, and the figures of an account's
balance as per the bank and as per acompte. A line has at most one active match: the partial unique index
`uq_bank_matches_active_line` refuses a second even when two confirmations race past every earlier check."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, and_, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from acompte.domain.banking.confirmation import BankMatch, MatchedPayment
from acompte.domain.banking.errors import BankLineNotOpen
from acompte.domain.money import Money
from acompte.persistence.bank_rows import BankImportRow, BankLineRow, BankMatchPaymentRow, BankMatchRow
from acompte.persistence.rows import PaymentRow, TreasuryAccountRow
from acompte.services.ports.banking import AccountFigures, BankFee, UnmatchedPayment
from acompte.services.ports.clock import Clock, SystemClock


class BankMatchRepository:
    def __init__(self, session: Session, clock: Clock | None = None) -> None:
        self.session = session
        self.clock: Clock = clock or SystemClock()

    def add(
        self,
        company_id: int,
        line_id: int,
        payments: Sequence[MatchedPayment],
        *,
        origin: str = "user",
        score: int = 0,
        reasons: Sequence[dict[str, object]] = (),
        fee: Money | None = None,
        created_by: str = "",
    ) -> int:
        """Store the match and its payments; BankLineNotOpen if the line already has an active match."""
        row = BankMatchRow(
            company_id=company_id,
            line_id=line_id,
            origin=origin,
            score=score,
            reasons=list(reasons),
            fee_minor=fee.minor_units if fee is not None else 0,
            created_by=created_by,
            created_at=self.clock.now(),
            undone_at=None,
        )
        try:
            with self.session.begin_nested():
                self.session.add(row)
                self.session.flush()
        except IntegrityError:
            raise BankLineNotOpen(line=line_id, state="reconciled") from None
        for payment in payments:
            self.session.add(
                BankMatchPaymentRow(
                    match_id=row.id, payment_id=payment.payment_id, company_id=company_id, recorded=payment.recorded
                )
            )
        self.session.flush()
        return row.id

    def _matches(self, company_id: int, rows: Iterable[BankMatchRow]) -> list[BankMatch]:
        found = list(rows)
        if not found:
            return []
        currencies: dict[int, str] = {
            line_id: currency
            for line_id, currency in self.session.execute(
                select(BankLineRow.id, BankLineRow.currency).where(
                    BankLineRow.company_id == company_id, BankLineRow.id.in_([r.line_id for r in found])
                )
            )
        }
        linked: dict[int, list[MatchedPayment]] = {}
        for match_id, payment_id, recorded in self.session.execute(
            select(BankMatchPaymentRow.match_id, BankMatchPaymentRow.payment_id, BankMatchPaymentRow.recorded)
            .where(
                BankMatchPaymentRow.company_id == company_id, BankMatchPaymentRow.match_id.in_([r.id for r in found])
            )
            .order_by(BankMatchPaymentRow.payment_id)
        ):
            linked.setdefault(match_id, []).append(MatchedPayment(payment_id, bool(recorded)))
        return [
            BankMatch(
                id=r.id,
                line_id=r.line_id,
                origin=r.origin,
                score=r.score,
                reasons=tuple(r.reasons or ()),
                fee=Money.from_minor(r.fee_minor, currencies[r.line_id]) if r.fee_minor else None,
                created_by=r.created_by,
                undone=r.undone_at is not None,
                payments=tuple(linked.get(r.id, ())),
            )
            for r in found
        ]

    def get(self, company_id: int, match_id: int) -> BankMatch | None:
        row = self.session.scalar(
            select(BankMatchRow).where(BankMatchRow.company_id == company_id, BankMatchRow.id == match_id)
        )
        return next(iter(self._matches(company_id, [row])), None) if row is not None else None

    def active_for_lines(self, company_id: int, line_ids: Sequence[int]) -> dict[int, BankMatch]:
        if not line_ids:
            return {}
        rows = self.session.scalars(
            select(BankMatchRow).where(
                BankMatchRow.company_id == company_id,
                BankMatchRow.line_id.in_(list(line_ids)),
                BankMatchRow.undone_at.is_(None),
            )
        )
        return {m.line_id: m for m in self._matches(company_id, rows)}

    def mark_undone(self, company_id: int, match_id: int) -> bool:
        """Mark the match undone if it is still active; False when another transaction undid it first."""
        done = self.session.execute(
            update(BankMatchRow)
            .where(BankMatchRow.company_id == company_id, BankMatchRow.id == match_id, BankMatchRow.undone_at.is_(None))
            .values(undone_at=self.clock.now())
        )
        return bool(getattr(done, "rowcount", 0) == 1)

    def matched_payments(self, company_id: int, payment_ids: Sequence[int]) -> set[int]:
        """Those of these payments an active match already stands for."""
        if not payment_ids:
            return set()
        return set(
            self.session.scalars(
                select(BankMatchPaymentRow.payment_id)
                .join(BankMatchRow, BankMatchRow.id == BankMatchPaymentRow.match_id)
                .where(
                    BankMatchPaymentRow.company_id == company_id,
                    BankMatchPaymentRow.payment_id.in_(list(payment_ids)),
                    BankMatchRow.undone_at.is_(None),
                )
            )
        )

    def fees(self, company_id: int) -> list[BankFee]:
        """Every bank fee a match booked, undone ones too (an exported fee undone is reversed, never erased)."""
        rows = self.session.execute(
            select(BankMatchRow, BankLineRow)
            .join(BankLineRow, BankLineRow.id == BankMatchRow.line_id)
            .where(BankMatchRow.company_id == company_id, BankMatchRow.fee_minor != 0)
            .order_by(BankMatchRow.id)
        )
        return [
            BankFee(
                match_id=m.id,
                line_id=line.id,
                account_id=line.account_id,
                booking_date=line.booking_date,
                amount=Money.from_minor(m.fee_minor, line.currency),
                label=line.label,
                reference=line.reference,
                undone_on=m.undone_at.date() if m.undone_at is not None else None,
            )
            for m, line in rows
        ]

    # -- an account's balance ------------------------------------------------------------------------------------

    def account_figures(self, company_id: int, account_id: int) -> AccountFigures | None:
        account = self.session.scalar(
            select(TreasuryAccountRow).where(
                TreasuryAccountRow.company_id == company_id, TreasuryAccountRow.id == account_id
            )
        )
        if account is None:
            return None
        currency = account.currency
        in_out = self.session.execute(
            select(
                func.coalesce(func.sum(BankLineRow.amount_minor), 0),
                func.coalesce(
                    func.sum(
                        case(
                            (and_(BankLineRow.state == "open", BankLineRow.amount_minor > 0), BankLineRow.amount_minor),
                            else_=0,
                        )
                    ),
                    0,
                ),
                func.coalesce(
                    func.sum(
                        case(
                            (and_(BankLineRow.state == "open", BankLineRow.amount_minor < 0), BankLineRow.amount_minor),
                            else_=0,
                        )
                    ),
                    0,
                ),
                func.count(case((BankLineRow.state == "open", 1))),
                func.coalesce(func.sum(case((BankLineRow.state == "ignored", BankLineRow.amount_minor), else_=0)), 0),
                func.coalesce(
                    func.sum(case((BankLineRow.state == "reconciled", BankLineRow.amount_minor), else_=0)), 0
                ),
            ).where(BankLineRow.company_id == company_id, BankLineRow.account_id == account_id)
        ).one()
        last = self.session.execute(
            select(BankImportRow.closing_balance_minor, BankImportRow.period_to)
            .where(
                BankImportRow.company_id == company_id,
                BankImportRow.account_id == account_id,
                BankImportRow.closing_balance_minor.is_not(None),
            )
            .order_by(BankImportRow.period_to.desc().nulls_last(), BankImportRow.id.desc())
            .limit(1)
        ).first()
        signed = case((PaymentRow.direction == "in", PaymentRow.amount_minor), else_=-PaymentRow.amount_minor)
        recorded = self.session.scalar(
            select(func.coalesce(func.sum(signed), 0)).where(
                PaymentRow.company_id == company_id,
                PaymentRow.account_id == account_id,
                PaymentRow.state == "active",
                PaymentRow.currency == currency,
            )
        )
        unmatched = self.session.execute(
            select(
                func.coalesce(func.sum(case((PaymentRow.direction == "in", PaymentRow.amount_minor), else_=0)), 0),
                func.coalesce(func.sum(case((PaymentRow.direction == "out", PaymentRow.amount_minor), else_=0)), 0),
                func.count(PaymentRow.id),
            ).where(*self._unmatched(company_id, account_id, currency))
        ).one()
        fees = self.session.scalar(
            select(func.coalesce(func.sum(BankMatchRow.fee_minor), 0))
            .join(BankLineRow, BankLineRow.id == BankMatchRow.line_id)
            .where(
                BankMatchRow.company_id == company_id,
                BankLineRow.account_id == account_id,
                BankMatchRow.undone_at.is_(None),
            )
        )
        return AccountFigures(
            account_id=account.id,
            name=account.name,
            currency=currency,
            opening=Money.from_minor(account.opening_balance_minor, currency),
            opening_date=account.opening_date,
            lines_total=Money.from_minor(int(in_out[0]), currency),
            open_in=Money.from_minor(int(in_out[1]), currency),
            open_out=Money.from_minor(int(in_out[2]), currency),
            open_count=int(in_out[3]),
            ignored_total=Money.from_minor(int(in_out[4]), currency),
            last_closing=Money.from_minor(int(last[0] or 0), currency) if last is not None else None,
            last_closing_date=last[1] if last is not None else None,
            recorded_total=Money.from_minor(int(recorded or 0), currency),
            fees_total=Money.from_minor(int(fees or 0), currency),
            unmatched_in=Money.from_minor(int(unmatched[0]), currency),
            unmatched_out=Money.from_minor(-int(unmatched[1]), currency),
            unmatched_count=int(unmatched[2]),
        )

    @staticmethod
    def _unmatched(company_id: int, account_id: int, currency: str) -> list[ColumnElement[bool]]:
        active = (
            select(BankMatchPaymentRow.payment_id)
            .join(BankMatchRow, BankMatchRow.id == BankMatchPaymentRow.match_id)
            .where(BankMatchPaymentRow.company_id == company_id, BankMatchRow.undone_at.is_(None))
        )
        return [
            PaymentRow.company_id == company_id,
            PaymentRow.account_id == account_id,
            PaymentRow.state == "active",
            PaymentRow.currency == currency,
            PaymentRow.id.not_in(active),
        ]

    def unmatched_payments(
        self, company_id: int, account_id: int, currency: str, limit: int = 200
    ) -> list[UnmatchedPayment]:
        """Active payments on the account that no active match stands for: recorded, not on the statement yet."""
        rows = self.session.scalars(
            select(PaymentRow)
            .where(*self._unmatched(company_id, account_id, currency))
            .order_by(PaymentRow.payment_date, PaymentRow.id)
            .limit(limit)
        )
        return [
            UnmatchedPayment(
                payment_id=r.id,
                number=r.number,
                payment_date=r.payment_date,
                amount=Money.from_minor(r.amount_minor if r.direction == "in" else -r.amount_minor, r.currency),
            )
            for r in rows
        ]
