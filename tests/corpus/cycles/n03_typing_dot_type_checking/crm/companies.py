import typing

if typing.TYPE_CHECKING:
    from crm.contacts import Contact


class Company:
    def __init__(self):
        self.contacts: "list[Contact]" = []

    def add(self, contact: "Contact") -> None:
        self.contacts.append(contact)
