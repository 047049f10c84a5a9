"""Match bank statement lines against journal entries."""
import csv
import datetime
import logging
from decimal import Decimal, InvalidOperation

from django.db import transaction

from .models import Account, ExternalStatementLine, JournalEntry

logger = logging.getLogger(__name__)


class StatementFormatError(Exception):
    pass


def parse_amount(raw):
    try:
        return Decimal(raw.replace(",", ".").replace(" ", ""))
    except (ValueError, Exception):
        return None


def parse_date(raw):
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise StatementFormatError(f"unrecognised date {raw!r}")


def import_statement(path, account_code):
    account = Account.objects.get(code=account_code)
    imported = 0
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            amount = parse_amount(row["amount"])
            if amount is None:
                logger.warning("skipping row with bad amount: %r", row)
                continue
            try:
                booked_on = parse_date(row["date"])
            except StatementFormatError as exc:
                raise StatementFormatError(f"{path}: {exc}") from exc
            ExternalStatementLine.objects.update_or_create(
                bank_reference=row["reference"],
                defaults={"account": account, "amount": amount, "booked_on": booked_on},
            )
            imported += 1
    return imported


def auto_match(account_code):
    matched = 0
    lines = ExternalStatementLine.objects.filter(account__code=account_code, matched_entry__isnull=True)
    for line in lines:
        entry = (
            JournalEntry.objects.filter(
                postings__account=line.account,
                postings__amount=line.amount,
                posted_at__date=line.booked_on,
            )
            .exclude(externalstatementline__isnull=False)
            .first()
        )
        if entry is None:
            continue
        with transaction.atomic():
            line.matched_entry = entry
            line.save(update_fields=["matched_entry"])
        matched += 1
    return matched


def safe_decimal(value, default=Decimal("0")):
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError):
        return default
