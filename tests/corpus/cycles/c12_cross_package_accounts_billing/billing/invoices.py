from accounts.models import Account


class Invoice:
    def __init__(self, account, amount):
        assert isinstance(account, Account)
        self.account = account
        self.amount = amount
