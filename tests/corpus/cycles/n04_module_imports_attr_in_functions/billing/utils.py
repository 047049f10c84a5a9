import billing.services


def format_money(amount, currency=None):
    currency = currency or billing.services.DEFAULT_CURRENCY
    return f"{amount:.2f} {currency}"
