"""Double-entry posting engine."""
import datetime
import uuid
from decimal import ROUND_HALF_EVEN, Decimal

from django.db import transaction
from django.db.models import F

from .models import Account, DailyTotal, JournalEntry, Posting


class UnbalancedEntry(ValueError):
    pass


class AccountFrozen(Exception):
    pass


def post_entry(reference, lines, description=""):
    """Post a balanced journal entry.

    ``lines`` is a list of ``(account_code, Decimal amount)``; debits are
    positive, credits negative.
    """
    if sum(amount for _code, amount in lines) != Decimal("0"):
        raise UnbalancedEntry(reference)

    with transaction.atomic():
        entry = JournalEntry.objects.create(reference=reference, description=description)
        codes = sorted({code for code, _amount in lines})
        accounts = {a.code: a for a in Account.objects.select_for_update().filter(code__in=codes).order_by("pk")}
        for code, amount in lines:
            account = accounts[code]
            if account.frozen:
                raise AccountFrozen(code)
            Posting.objects.create(entry=entry, account=account, amount=amount)
            account.balance += amount
            account.save(update_fields=["balance"])
            _bump_daily_total(account, amount)
    return entry


def _bump_daily_total(account, amount):
    total, _created = DailyTotal.objects.get_or_create(account=account, day=datetime.date.today())
    column = "debit" if amount >= 0 else "credit"
    DailyTotal.objects.filter(pk=total.pk).update(
        **{column: F(column) + abs(amount)}, posting_count=F("posting_count") + 1
    )


def record_settlement_total(account_id, day, amount):
    """Called by the card-settlement importer for each settled batch."""
    total, _created = DailyTotal.objects.get_or_create(account_id=account_id, day=day)
    total.debit += amount
    total.posting_count = F("posting_count") + 1
    total.save(update_fields=["debit", "posting_count"])
    return total


def transfer(source_id, target_id, amount):
    with transaction.atomic():
        source = Account.objects.get(pk=source_id)
        target = Account.objects.get(pk=target_id)
        if source.frozen or target.frozen:
            raise AccountFrozen()
        source.balance -= amount
        target.balance = F("balance") + amount
        source.save(update_fields=["balance"])
        target.save(update_fields=["balance"])
        ref = f"TRF-{uuid.uuid4().hex[:12]}"
        entry = JournalEntry.objects.create(reference=ref, description="internal transfer")
        Posting.objects.bulk_create(
            [
                Posting(entry=entry, account_id=source_id, amount=-amount),
                Posting(entry=entry, account_id=target_id, amount=amount),
            ]
        )
    return entry


def apply_monthly_interest(rate):
    rate = Decimal(rate)
    for account in Account.objects.filter(kind=Account.Kind.ASSET, frozen=False):
        interest = (account.balance * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
        if not interest:
            continue
        account.balance = account.balance + interest
        account.save(update_fields=["balance"])


def charge_fee(account_id, fee):
    updated = Account.objects.filter(pk=account_id, frozen=False).update(balance=F("balance") - fee)
    if not updated:
        raise AccountFrozen(account_id)


def reverse_entry(reference):
    original = JournalEntry.objects.prefetch_related("postings").get(reference=reference)
    reversal = JournalEntry(reference=f"REV-{reference}", description=f"Reversal of {reference}")
    reversal.description += " (automatic)"
    lines = [(p.account.code, -p.amount) for p in original.postings.all()]
    return post_entry(reversal.reference, lines, reversal.description)


def rebuild_balance(account_id):
    """Recompute a balance from its postings, e.g. after a data fix."""
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account_id)
        account.balance = Decimal("0")
        for posting in account.postings.all():
            account.balance += posting.amount
        account.save(update_fields=["balance"])
    return account.balance
