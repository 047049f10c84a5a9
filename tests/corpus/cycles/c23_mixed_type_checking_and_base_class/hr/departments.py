from hr.employees import Employee


class Department:
    def __init__(self, name):
        self.name = name
        self.staff: list[Employee] = []

    def hire(self, name):
        self.staff.append(Employee(name, self))
