import csv

from django.http import JsonResponse, StreamingHttpResponse
from django.views import View

from .models import Observation, ObservingRun, Proposal, Target


class Echo:
    def write(self, value):
        return value


def _observation_rows(observations):
    yield ["night", "proposal", "target", "instrument", "exposure_s"]
    for obs in observations:
        yield [
            obs.run.night.isoformat(),
            obs.run.proposal.code,
            obs.target.name,
            obs.run.instrument.name,
            obs.exposure_s,
        ]


def export_observations(request):
    observations = Observation.objects.select_related("run__proposal", "target").order_by("run__night", "pk")
    writer = csv.writer(Echo())
    return StreamingHttpResponse(
        (writer.writerow(row) for row in _observation_rows(observations.iterator(chunk_size=1000))),
        content_type="text/csv",
    )


class NightLogView(View):
    def get(self, request, night):
        runs = ObservingRun.objects.filter(night=night).select_related("instrument__telescope", "proposal")
        good = Observation.objects.filter(quality="ok")
        log = []
        for run in runs:
            n_good = good.filter(run=run).count()
            first = run.observations.all()[0] if n_good else None
            log.append(
                {
                    "telescope": run.instrument.telescope.name,
                    "proposal": run.proposal.code,
                    "good": n_good,
                    "first_target_id": first.target_id if first else None,
                }
            )
        return JsonResponse({"night": night, "runs": log})


class ProposalUsageView(View):
    def get(self, request):
        usage = []
        for proposal in Proposal.objects.select_related("pi").order_by("code"):
            used_s = sum(o.exposure_s for o in Observation.objects.filter(run__proposal=proposal).only("exposure_s"))
            usage.append((proposal.code, proposal.pi.name, used_s / 3600))
        return JsonResponse({"usage": usage})


def unobserved_targets(request):
    missing = []
    for target in Target.objects.order_by("name"):
        for obs in target.observations.all():
            if obs.quality == "ok":
                break
        else:
            missing.append(target.name)
    return JsonResponse({"missing": missing})


def runs_per_target(request):
    counts = {}
    for target in Target.objects.prefetch_related("observations"):
        counts[target.name] = len(target.observations.all())
    return JsonResponse(counts)
