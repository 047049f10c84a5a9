from django.conf import settings
from django.db import models


class Department(models.Model):
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=120)


class Employee(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    employee_no = models.CharField(max_length=12, unique=True)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="employees")
    manager = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    salary = models.DecimalField(max_digits=10, decimal_places=2)
    hired = models.DateField()
    active = models.BooleanField(default=True)
    bio = models.TextField(blank=True)


class PayPeriod(models.Model):
    start = models.DateField()
    end = models.DateField()
    closed = models.BooleanField(default=False)


class Payslip(models.Model):
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="payslips")
    period = models.ForeignKey(PayPeriod, on_delete=models.PROTECT, related_name="payslips")
    gross = models.DecimalField(max_digits=10, decimal_places=2)
    tax = models.DecimalField(max_digits=10, decimal_places=2)
    net = models.DecimalField(max_digits=10, decimal_places=2)


class Deduction(models.Model):
    payslip = models.ForeignKey(Payslip, on_delete=models.CASCADE, related_name="deductions")
    kind = models.CharField(max_length=20)
    amount = models.DecimalField(max_digits=8, decimal_places=2)


class LeaveRequest(models.Model):
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="leave_requests")
    approver = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="leave_to_approve")
    days = models.DecimalField(max_digits=4, decimal_places=1)
    status = models.CharField(max_length=10, default="pending")
