"""Errors whose messages are written for shoppers and safe to display."""


class ShopError(Exception):
    http_status = 400


class PaymentDeclined(ShopError):
    http_status = 402

    def __init__(self):
        super().__init__("Your payment was declined. Please try another card.")


class GiftCardInvalid(ShopError):
    def __init__(self, reason="This gift card is not valid"):
        super().__init__(reason)
