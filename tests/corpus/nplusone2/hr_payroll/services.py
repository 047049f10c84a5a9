from django.db.models import Count

from .models import Employee, LeaveRequest


def headcount_by_manager():
    rows = Employee.objects.filter(manager__isnull=False).values("manager__last_name").annotate(n=Count("id"))
    return {row["manager__last_name"]: row["n"] for row in rows}


def team_payroll_cost(manager):
    return sum(r.salary for r in manager.reports.filter(active=True).only("salary"))


def payslip_register(period):
    slips = period.payslips.select_related("employee").only(
        "net", "period", "employee__employee_no", "employee__first_name", "employee__last_name"
    )
    for slip in slips:
        yield slip.employee.employee_no, slip.employee.first_name, slip.net


def deduction_breakdown(period):
    rows = []
    for slip in period.payslips.order_by("employee_id"):
        for deduction in slip.deductions.all():
            rows.append((slip.employee_id, deduction.kind, deduction.amount))
    return rows


def pending_leave_for(approver):
    pending = LeaveRequest.objects.filter(approver=approver, status="pending")
    return [(lr.employee.last_name, lr.days) for lr in pending]


def directory():
    people = Employee.objects.defer("bio", "salary").select_related("department").annotate(n_reports=Count("reports"))
    return [
        {
            "name": f"{e.first_name} {e.last_name}",
            "dept": e.department.name,
            "reports": e.n_reports,
        }
        for e in people
    ]
