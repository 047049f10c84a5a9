import datetime
from decimal import Decimal

from observatory import views
from observatory.models import Instrument, Investigator, Observation, ObservingRun, Proposal, Target, Telescope

from ._util import get

NIGHT = datetime.date(2024, 3, 1)


def seed(n):
    tel = Telescope.objects.create(name="WHT", aperture_m=Decimal("4.2"), site="La Palma")
    inst = Instrument.objects.create(telescope=tel, name="ISIS")
    for i in range(n):
        pi = Investigator.objects.create(name=f"PI{i}", institute="X")
        prop = Proposal.objects.create(code=f"P{i}", title="t", pi=pi, hours_awarded=Decimal("10"))
        run = ObservingRun.objects.create(proposal=prop, instrument=inst, night=NIGHT)
        t = Target.objects.create(name=f"NGC{i}", ra_deg=1.0, dec_deg=2.0)
        Target.objects.create(name=f"Z{i}", ra_deg=1.0, dec_deg=2.0)
        Observation.objects.create(run=run, target=t, exposure_s=600)
        Observation.objects.create(run=run, target=t, exposure_s=300, quality="bad")
    return {}


def _export(c):
    resp = views.export_observations(get())
    b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in resp.streaming_content)


SCENARIOS = [
    ("export", _export),
    ("night", lambda c: views.NightLogView.as_view()(get(), night=NIGHT.isoformat())),
    ("usage", lambda c: views.ProposalUsageView.as_view()(get())),
    ("unobserved", lambda c: views.unobserved_targets(get())),
    ("runs_per_target", lambda c: views.runs_per_target(get())),
]

EXPECT = [
    ("views.py", "obs.run.instrument.name,", "EG101",
     "streaming CSV generator: select_related('run__proposal', 'target') does not include run.instrument; loaded per observation"),
    ("views.py", "n_good = good.filter(run=run).count()", "EG102",
     "COUNT on a queryset built before the loop, re-filtered per run"),
    ("views.py", "first = run.observations.all()[0] if n_good else None", "EG101",
     "indexing the unprefetched reverse manager issues a LIMIT 1 query per run"),
    ("views.py", 'used_s = sum(o.exposure_s for o in Observation.objects.filter(run__proposal=proposal).only("exposure_s"))', "EG102",
     "Observation queryset evaluated per proposal"),
    ("views.py", "for obs in target.observations.all():", "EG101",
     "reverse FK evaluated per target in a for/else search loop"),
]

NEGATIVES = [
    ("views.py", "obs.run.night.isoformat(),", "run select_related (works with iterator(chunk_size=...))"),
    ("views.py", "obs.run.proposal.code,", "run__proposal select_related"),
    ("views.py", "obs.target.name,", "target select_related"),
    ("views.py", '"telescope": run.instrument.telescope.name,', "instrument__telescope select_related"),
    ("views.py", '"first_target_id": first.target_id if first else None,', "raw FK id"),
    ("views.py", "usage.append((proposal.code, proposal.pi.name, used_s / 3600))", "pi select_related"),
    ("views.py", "counts[target.name] = len(target.observations.all())", "len() of a prefetched .all()"),
]
