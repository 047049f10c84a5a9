from decimal import Decimal

from django.db import transaction
from django.db.models import F

from .models import Transaction, Wallet


class InsufficientFunds(Exception):
    pass


class AlreadyRefunded(Exception):
    pass


def top_up(wallet_id, amount, reference):
    """Called from the payment provider webhook once a card payment succeeds."""
    amount = Decimal(amount)
    wallet = Wallet.objects.get(pk=wallet_id)
    wallet.balance = wallet.balance + amount
    wallet.save()
    Transaction.objects.create(
        wallet=wallet, amount=amount, kind=Transaction.TOPUP, reference=reference
    )
    return wallet


def withdraw(wallet_id, amount, reference):
    amount = Decimal(amount)
    with transaction.atomic():
        wallet = Wallet.objects.select_for_update().get(pk=wallet_id)
        if wallet.balance < amount:
            raise InsufficientFunds(wallet_id)
        wallet.balance -= amount
        wallet.save(update_fields=["balance", "updated_at"])
        Transaction.objects.create(
            wallet=wallet, amount=-amount, kind=Transaction.WITHDRAWAL, reference=reference
        )
    return wallet


def refund(transaction_id):
    original = Transaction.objects.select_related("wallet").get(pk=transaction_id)
    refund_reference = f"refund:{original.reference}"
    if Transaction.objects.filter(reference=refund_reference).exists():
        raise AlreadyRefunded(refund_reference)
    Wallet.objects.filter(pk=original.wallet_id).update(
        balance=F("balance") + original.amount
    )
    return Transaction.objects.create(
        wallet=original.wallet,
        amount=original.amount,
        kind=Transaction.REFUND,
        reference=refund_reference,
    )


def credit_bonus(wallet, amount, campaign):
    wallet.balance = F("balance") + Decimal(amount)
    wallet.save(update_fields=["balance", "updated_at"])
    wallet.refresh_from_db(fields=["balance"])
    Transaction.objects.create(
        wallet=wallet,
        amount=Decimal(amount),
        kind=Transaction.BONUS,
        reference=f"bonus:{campaign}:{wallet.pk}",
    )
    return wallet.balance


def statement(wallet, limit=50):
    running = wallet.balance
    rows = []
    for tx in wallet.transactions.all()[:limit]:
        rows.append({"date": tx.created_at, "amount": tx.amount, "balance": running})
        running -= tx.amount
    return rows
