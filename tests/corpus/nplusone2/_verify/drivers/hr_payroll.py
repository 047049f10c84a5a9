import datetime
import io
from decimal import Decimal

from django.core.management import call_command

from hr_payroll import services
from hr_payroll.models import Deduction, Department, Employee, LeaveRequest, PayPeriod, Payslip


def seed(n):
    today = datetime.date.today()
    dept = Department.objects.create(code="ENG", name="Engineering")
    boss = Employee.objects.create(employee_no="E000", first_name="Big", last_name="Boss", department=dept,
                                   salary=Decimal("120000"), hired=today)
    closed = PayPeriod.objects.create(start=today, end=today, closed=True)
    period = PayPeriod.objects.create(start=today, end=today)
    for i in range(n):
        d = Department.objects.create(code=f"D{i}", name=f"Dept{i}")
        mgr = Employee.objects.create(employee_no=f"M{i}", first_name="Mid", last_name=f"Mgr{i}", department=d,
                                      manager=boss, salary=Decimal("90000"), hired=today, bio="x" * 500)
        e = Employee.objects.create(employee_no=f"E{i + 1}", first_name="Em", last_name=f"Ploy{i}", department=d,
                                    manager=mgr, salary=Decimal("60000"), hired=today)
        slip = Payslip.objects.create(employee=e, period=closed, gross=1, tax=0, net=1)
        Deduction.objects.create(payslip=slip, kind="pension", amount=Decimal("50"))
        LeaveRequest.objects.create(employee=e, approver=boss, days=Decimal("2"))
    return {"period": period, "closed": closed, "boss": boss}


SCENARIOS = [
    ("run_payroll", lambda c: call_command("run_payroll", str(c["period"].pk), stdout=io.StringIO())),
    ("org_chart", lambda c: call_command("org_chart", stdout=io.StringIO())),
    ("headcount", lambda c: services.headcount_by_manager()),
    ("team_cost", lambda c: services.team_payroll_cost(c["boss"])),
    ("register", lambda c: list(services.payslip_register(c["closed"]))),
    ("deductions", lambda c: services.deduction_breakdown(c["closed"])),
    ("leave", lambda c: services.pending_leave_for(c["boss"])),
    ("directory", lambda c: services.directory()),
]

EXPECT = [
    ("services.py", 'return sum(r.salary for r in manager.reports.filter(active=True).only("salary"))', "EG101",
     "only('salary') on a reverse-manager queryset defers the manager_id FK column; while iterating, Django reads "
     "manager_id on every row to attach the known parent, so each row triggers a deferred-field load"),
    ("management/commands/org_chart.py", "boss = emp.manager", "EG101",
     "self-referential manager FK (only() keeps manager_id) loaded per employee"),
    ("services.py", "for deduction in slip.deductions.all():", "EG101",
     "deductions reverse FK evaluated per payslip"),
    ("services.py", "return [(lr.employee.last_name, lr.days) for lr in pending]", "EG101",
     "employee FK loaded per leave request (filter(approver=...) caches nothing)"),
]

NEGATIVES = [
    ("management/commands/run_payroll.py", 'self.stdout.write(f"{emp.employee_no:>8} {emp.department.code:<6} {gross:>10}")',
     "department select_related; bio deferred but never read"),
    ("management/commands/run_payroll.py", "gross = (emp.salary / 12).quantize(Decimal(\"0.01\"))", "salary not deferred"),
    ("management/commands/org_chart.py", 'self.stdout.write(f"{emp.last_name}: reports into {emp.manager.department.name}")',
     "select_related('manager__department') covers the two-hop self-referential chain"),
    ("services.py", 'return {row["manager__last_name"]: row["n"] for row in rows}', "values() + Count"),
    ("services.py", "yield slip.employee.employee_no, slip.employee.first_name, slip.net",
     "generator over select_related + only() that keeps the period FK and the employee__ fields it reads"),
    ("services.py", "rows.append((slip.employee_id, deduction.kind, deduction.amount))", "raw FK id"),
    ("services.py", '"dept": e.department.name,', "department select_related"),
    ("services.py", '"reports": e.n_reports,', "Count annotation"),
]
