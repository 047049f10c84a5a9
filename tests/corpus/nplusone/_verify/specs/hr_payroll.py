import datetime
import io

from django.core.management import call_command

from hr_payroll.models import Company, Department, Employee, SalaryComponent


def seed(n):
    co = Company.objects.create(name="Acme")
    boss_dep = Department.objects.create(company=co, name="Board", cost_center="B1")
    today = datetime.date.today()
    for i in range(n):
        d = Department.objects.create(company=co, name="D%d" % i, cost_center="C%d" % i)
        mgr = Employee.objects.create(department=boss_dep, first_name="M", last_name="%d" % i,
                                      email="m%d@x.io" % i, hired_on=today - datetime.timedelta(days=900))
        d.manager = mgr
        d.save()
        e = Employee.objects.create(department=d, first_name="E", last_name="%d" % i,
                                    email="e%d@x.io" % i, hired_on=today)
        SalaryComponent.objects.create(employee=e, amount=1000)
        SalaryComponent.objects.create(employee=mgr, amount=2000)
    return {}


def cmd(name, *args, **kw):
    out = io.StringIO()
    call_command(name, *args, stdout=out, **kw)
    return out.getvalue()


SCENARIOS = {
    "payslips": lambda n, d: cmd("generate_payslips", "2024-05"),
    "payslips_dry_run": lambda n, d: cmd("generate_payslips", "2024-06", "--dry-run"),
    "org_chart": lambda n, d: cmd("org_chart"),
    "new_hires": lambda n, d: cmd("notify_new_hires", "--days", "3"),
}

# ---- labels ----
POSITIVES = [
    dict(file="management/commands/generate_payslips.py",
         match="totals = SalaryComponent.objects.filter(employee=employee).aggregate(", code="EG102",
         why="aggregate() query per employee in loop"),
    dict(file="management/commands/generate_payslips.py", match="department = employee.department",
         code="EG101", why="department FK not select_related"),
    dict(file="management/commands/notify_new_hires.py", match="manager = hire.department.manager",
         code="EG101", why="second hop department.manager not loaded (only select_related('department'))"),
]
NEGATIVES = [
    dict(file="management/commands/generate_payslips.py", match='self.stdout.write(f"{slip.employee.full_name}: {slip.gross}")',
         why="slip.employee was assigned from an already-loaded instance (cached), unsaved Payslip objects"),
    dict(file="management/commands/org_chart.py", match="employee.department.company.name",
         why="select_related('department__company')"),
    dict(file="management/commands/org_chart.py", match="employee.full_name,",
         why="property over plain fields"),
    dict(file="management/commands/notify_new_hires.py", match='subject=f"New colleague in {hire.department.name}"',
         why="department loaded by select_related"),
    dict(file="management/commands/generate_payslips.py", match="department_name=department.name",
         why="uses the already-loaded related object"),
]
