import billing.utils

DEFAULT_CURRENCY = "EUR"


def invoice_line(amount):
    return billing.utils.format_money(amount, DEFAULT_CURRENCY)
