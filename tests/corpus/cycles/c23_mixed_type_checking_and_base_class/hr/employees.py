from __future__ import annotations

from typing import TYPE_CHECKING

from hr import payroll

if TYPE_CHECKING:
    from hr.departments import Department


class Employee:
    def __init__(self, name: str, department: Department | None = None):
        self.name = name
        self.department = department

    def salary(self):
        return payroll.salary_for(self)
