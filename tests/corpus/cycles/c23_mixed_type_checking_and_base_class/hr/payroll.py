from hr import employees


def salary_for(employee):
    return 1000


class Contractor(employees.Employee):
    def salary(self):
        return 800
