from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from crm_contacts.models import Company, Contact, Tag

rf = RequestFactory()


def seed(n):
    t = Tag.objects.create(name="vip")
    for i in range(n):
        u = User.objects.create(username="owner%d" % i, email="o%d@x.io" % i)
        co = Company.objects.create(name="Co%d" % i)
        c = Contact.objects.create(first_name="F", last_name="%d" % i, email="c%d@x.io" % i, company=co, owner=u)
        c.tags.add(t)
    return {}


def request():
    r = rf.post("/admin/crm_contacts/contact/")
    r._messages = CookieStorage(r)
    return r


def act(name):
    ma = admin.site._registry[Contact]
    return getattr(ma, name)(request(), Contact.objects.all())


SCENARIOS = {
    "export": lambda n, d: act("export_as_csv"),
    "notify": lambda n, d: act("notify_owners"),
    "promote": lambda n, d: act("promote_to_prospect"),
}

# ---- labels ----
POSITIVES = [
    dict(file="admin.py", match="company = contact.company", code="EG101",
         why="company FK not select_related in CSV export action"),
    dict(file="admin.py", match="contact.owner.get_username(),", code="EG101",
         why="owner FK not select_related in CSV export action"),
    dict(file="admin.py", match='", ".join(contact.tags.values_list("name", flat=True)),', code="EG101",
         why="values_list on M2M manager is a query per contact"),
]
NEGATIVES = [
    dict(file="admin.py", match="by_owner[contact.owner.email].append(contact.full_name)",
         why="queryset.select_related('owner')"),
    dict(file="admin.py", match='company.name if company else ""', why="uses already-fetched object"),
    dict(file="admin.py", match='send_mail("Contacts needing attention"',
         why="loop over in-memory dict; no query (one mail per owner)"),
]
