import datetime

from clinical_trials import reports, views
from clinical_trials.models import (AdverseEvent, Consent, Investigator, Participant, Site, Sponsor, Trial,
                                    Visit)

from ._util import get, render, users


def seed(n):
    today = datetime.date.today()
    us = users(n, "crc")
    sponsor = Sponsor.objects.create(name="Pharma")
    trial = Trial.objects.create(protocol_id="ABC-1", title="t", phase="II", sponsor=sponsor, created_by=us[0],
                                 current_consent_version=2)
    for i in range(n):
        inv = Investigator.objects.create(name=f"Inv{i}", email="i@example.com")
        site = Site.objects.create(trial=trial, name=f"Site{i}", principal_investigator=inv, created_by=us[i])
        p = Participant.objects.create(site=site, subject_code=f"S{i:03d}", arm="A", created_by=us[i])
        Consent.objects.create(participant=p, version=1, signed_on=today)
        v = Visit.objects.create(participant=p, visit_number=1, scheduled=today - datetime.timedelta(days=5),
                                 created_by=us[i])
        Visit.objects.create(participant=p, visit_number=0, scheduled=today - datetime.timedelta(days=9),
                             completed=today)
        AdverseEvent.objects.create(participant=p, visit=v, term="rash", serious=True, created_by=us[i])
    return {"trial": trial}


SCENARIOS = [
    ("detail", lambda c: render(views.TrialDetailView.as_view()(get(), protocol_id="ABC-1"))),
    ("versions", lambda c: reports.consent_versions(c["trial"])),
    ("overdue", lambda c: reports.overdue_visits(datetime.date.today())),
    ("compliance", lambda c: reports.visit_compliance(c["trial"])),
]

EXPECT = [
    ("reports.py", "consent = participant.consent", "EG101",
     "reverse one-to-one participant.consent loaded per participant (only site is select_related)"),
    ("reports.py", "reporter = ev.audit_label()", "EG101",
     "audit_label() (abstract base method) reads self.created_by, which is not select_related"),
    ("reports.py", "done = Visit.objects.filter(participant=participant, completed__isnull=False).count()", "EG102",
     "COUNT per participant"),
]

NEGATIVES = [
    ("reports.py", "return [(s.name, s.principal_investigator.name, s.enrolled) for s in sites]",
     "select_related('principal_investigator') plus filtered Count annotation"),
    ("reports.py", 'return {p.subject_code: p.consent.version for p in participants if hasattr(p, "consent")}',
     "reverse one-to-one covered by select_related('consent')"),
    ("reports.py", 'visit_no = ev.visit.visit_number if ev.visit else ""', "visit select_related"),
    ("reports.py", "rows.append([ev.participant.subject_code, ev.participant.site.name, visit_no, ev.term, reporter])",
     "participant__site select_related"),
    ("reports.py", "by_site[visit.participant.site_id].append(visit.participant.subject_code)",
     "participant select_related; site_id is a column"),
    ("reports.py", "return {sites[site_id].name: codes for site_id, codes in by_site.items()}", "in_bulk dict"),
    ("views.py", 'context["sponsor"] = self.object.sponsor.name', "single object, sponsor select_related"),
]
