from crm.companies import Company


class Contact:
    def __init__(self, company: Company):
        self.company = company
