from collections import defaultdict

from django.db.models import Count, Q

from .models import AdverseEvent, Consent, Participant, Site, Visit


def enrollment_by_site(trial):
    sites = trial.sites.select_related("principal_investigator").annotate(
        enrolled=Count("participants", filter=Q(participants__withdrawn=False))
    )
    return [(s.name, s.principal_investigator.name, s.enrolled) for s in sites]


def consent_audit(trial):
    problems = []
    for participant in Participant.objects.filter(site__trial=trial, withdrawn=False).select_related("site"):
        try:
            consent = participant.consent
        except Consent.DoesNotExist:
            problems.append((participant.subject_code, "missing"))
            continue
        if consent.version < trial.current_consent_version:
            problems.append((participant.subject_code, f"v{consent.version}"))
    return problems


def consent_versions(trial):
    participants = Participant.objects.filter(site__trial=trial).select_related("consent")
    return {p.subject_code: p.consent.version for p in participants if hasattr(p, "consent")}


def serious_events(trial):
    events = AdverseEvent.objects.filter(participant__site__trial=trial, serious=True).select_related(
        "participant__site", "visit"
    )
    rows = []
    for ev in events:
        visit_no = ev.visit.visit_number if ev.visit else ""
        reporter = ev.audit_label()
        rows.append([ev.participant.subject_code, ev.participant.site.name, visit_no, ev.term, reporter])
    return rows


def overdue_visits(today):
    visits = Visit.objects.filter(completed__isnull=True, scheduled__lt=today).select_related("participant")
    by_site = defaultdict(list)
    for visit in visits:
        by_site[visit.participant.site_id].append(visit.participant.subject_code)
    sites = Site.objects.in_bulk(list(by_site))
    return {sites[site_id].name: codes for site_id, codes in by_site.items()}


def visit_compliance(trial):
    out = []
    for participant in Participant.objects.filter(site__trial=trial).order_by("subject_code"):
        done = Visit.objects.filter(participant=participant, completed__isnull=False).count()
        out.append((participant.subject_code, done))
    return out
