from django.db import models


class Company(models.Model):
    name = models.CharField(max_length=120)
    registration_number = models.CharField(max_length=30, blank=True)


class Department(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(max_length=80)
    cost_center = models.CharField(max_length=12)
    manager = models.ForeignKey(
        "Employee", on_delete=models.SET_NULL, null=True, blank=True, related_name="managed_departments"
    )

    def __str__(self):
        return self.name


class Employee(models.Model):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="employees")
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    email = models.EmailField()
    hired_on = models.DateField()
    active = models.BooleanField(default=True)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"


class SalaryComponent(models.Model):
    BASE, BONUS, ALLOWANCE = "base", "bonus", "allowance"
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="salary_components")
    kind = models.CharField(max_length=20, default=BASE)
    amount = models.DecimalField(max_digits=10, decimal_places=2)


class Payslip(models.Model):
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="payslips")
    period = models.CharField(max_length=7)
    gross = models.DecimalField(max_digits=12, decimal_places=2)
    department_name = models.CharField(max_length=80)
    cost_center = models.CharField(max_length=12)
