import datetime
from decimal import Decimal

from django.contrib import admin
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils import timezone

from municipal_permits import views
from municipal_permits.models import Applicant, Fee, Inspection, Inspector, Parcel, Permit, PermitType

from ._util import get, rf, superuser, users


def seed(n):
    root = superuser()
    us = users(n, "insp")
    ptype = PermitType.objects.create(code="BLD", name="Building", fee=Decimal("100"))
    appl = Applicant.objects.create(name="Jo", email="jo@example.com")
    inspectors = [Inspector.objects.create(user=u, district=f"Z{i}") for i, u in enumerate(us)]
    me = inspectors[0]
    ids = []
    for i in range(n):
        parcel = Parcel.objects.create(apn=f"APN{i}", address=f"{i} Main St", zoning=f"Z{i}")
        p = Permit.objects.create(applicant=appl, parcel=parcel, permit_type=ptype, number=f"P{i}")
        Inspection.objects.create(permit=p, inspector=me, scheduled=timezone.now())
        Fee.objects.create(permit=p, amount=Decimal("10"))
        ids.append(p.pk)
    return {"root": root, "me": me.user, "ids": ids, "appl": appl}


def _bulk(c):
    req = rf.post("/", {"permit": c["ids"]})
    req.user = c["root"]
    views.bulk_approve(req)


def _action(c):
    req = rf.post("/", {"action": "schedule_inspections", "_selected_action": c["ids"], "index": 0})
    req.user = c["root"]
    req._messages = CookieStorage(req)
    req._dont_enforce_csrf_checks = True
    admin.site._registry[Permit].changelist_view(req)


SCENARIOS = [
    ("bulk_approve", _bulk),
    ("schedule", lambda c: views.inspector_schedule(get(user=c["me"]))),
    ("fees", lambda c: views.fee_statement(get(), applicant_id=c["appl"].pk)),
    ("permit_changelist", lambda c: admin.site._registry[Permit].changelist_view(get(user=c["root"])).render()),
    ("inspector_changelist", lambda c: admin.site._registry[Inspector].changelist_view(get(user=c["root"])).render()),
    ("schedule_action", _action),
]

EXPECT = [
    ("views.py", 'permit = get_object_or_404(Permit, pk=pk, status="review")', "EG102",
     "get_object_or_404 per posted permit id"),
    ("views.py", '"permit_type": inspection.permit.permit_type.name,', "EG101",
     "select_related('permit__parcel') does not include permit.permit_type; loaded per inspection"),
    ("admin.py", "return obj.user.get_full_name() or obj.user.username", "EG101",
     "InspectorAdmin list_display method reads obj.user for every changelist row; no list_select_related"),
]

NEGATIVES = [
    ("views.py", '"address": inspection.permit.parcel.address,', "permit__parcel select_related"),
    ("views.py", '"inspector": inspection.inspector.district,',
     "rows come from inspector.inspections: reverse manager caches the inspector"),
    ("views.py", "lines = [(p.number, str(p.outstanding or 0), p.applicant.name) for p in permits]",
     "Sum annotation; applicant cached by applicant.permit_set (default _set accessor)"),
    ("admin.py", "return obj._n_inspections", "Count annotation in get_queryset"),
    ("admin.py", 'list_select_related = ("applicant", "permit_type")', "FK columns in list_display covered"),
    ("admin.py", "if not permit.permit_type.requires_inspection:", "select_related('parcel', 'permit_type')"),
    ("admin.py", "inspector = by_district.get(permit.parcel.zoning)", "dict built before the loop; parcel select_related"),
]
