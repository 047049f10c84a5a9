def format_money(amount, currency):
    return f"{amount:.2f} {currency}"


from billing.services import DEFAULT_CURRENCY  # noqa: E402


def default_money(amount):
    return format_money(amount, DEFAULT_CURRENCY)
