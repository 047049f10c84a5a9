import datetime
from decimal import Decimal

from django.contrib import admin
from django.contrib.messages.storage.cookie import CookieStorage

from property_mgmt.models import Building, Lease, MaintenanceRequest, Payment, Tenant, Unit

from ._util import get, rf, superuser


def seed(n):
    today = datetime.date.today()
    leases = []
    for i in range(n):
        b = Building.objects.create(name=f"Block {i}", address="1 High St")
        u = Unit.objects.create(building=b, number=f"{i}A")
        t = Tenant.objects.create(name=f"Tenant {i}", email=f"t{i}@example.com")
        lease = Lease.objects.create(unit=u, tenant=t, start=today, monthly_rent=Decimal("1000"))
        Payment.objects.create(lease=lease, amount=Decimal("400"), paid_on=today)
        MaintenanceRequest.objects.create(unit=u, reported_by=t, summary="leak")
        leases.append(lease.pk)
    return {"admin": superuser(), "leases": leases}


def _changelist(model):
    def run(c):
        ma = admin.site._registry[model]
        ma.changelist_view(get("/admin/", user=c["admin"])).render()
    return run


def _action(name):
    def run(c):
        req = rf.post("/admin/property_mgmt/lease/", {"action": name, "_selected_action": c["leases"], "index": 0})
        req.user = c["admin"]
        req._messages = CookieStorage(req)
        req._dont_enforce_csrf_checks = True
        resp = admin.site._registry[Lease].changelist_view(req)
        assert resp.status_code in (200, 302), resp.status_code
    return run


SCENARIOS = [
    ("lease_changelist", _changelist(Lease)),
    ("unit_changelist", _changelist(Unit)),
    ("arrears_action", _action("send_arrears_notice")),
    ("rentroll_action", _action("export_rent_roll")),
]

EXPECT = [
    ("admin.py", "return obj.unit.building.name", "EG101",
     "list_display method called per changelist row; list_select_related=('tenant', 'unit') does not reach unit.building"),
    ("admin.py", 'return obj.maintenancerequest_set.filter(status="open").count()', "EG101",
     "default reverse manager maintenancerequest_set queried (COUNT) for every changelist row"),
    ("admin.py", 'paid = Payment.objects.filter(lease=lease).aggregate(total=Sum("amount"))["total"] or 0', "EG102",
     "aggregate query per selected lease in the admin action"),
]

NEGATIVES = [
    ("admin.py", "return obj.tenant.name", "tenant in list_select_related"),
    ("admin.py", "return obj.unit.number", "unit in list_select_related"),
    ("admin.py", "return obj._paid", "Sum annotation in get_queryset"),
    ("admin.py", 'list_select_related = ("building",)', "UnitAdmin 'building' column covered by list_select_related"),
    ("admin.py", 'f"Dear {lease.tenant.name}, your balance', "select_related('tenant') in the action loop"),
    ("admin.py", "[lease.unit.building.name, lease.unit.number, lease.tenant.name",
     "select_related('unit__building', 'tenant'); last payment from a dict built before the loop"),
]
