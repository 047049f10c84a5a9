from billing.utils import format_money

DEFAULT_CURRENCY = "EUR"


def invoice_line(amount):
    return format_money(amount, DEFAULT_CURRENCY)
