from django.db.models import F, Sum
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from .models import Choice, Question


@require_POST
def vote(request, question_id):
    question = get_object_or_404(Question, pk=question_id)
    choice_ids = request.POST.getlist("choice")
    if not choice_ids or (len(choice_ids) > 1 and not question.allow_multiple):
        return HttpResponseBadRequest("invalid selection")
    selected = []
    for choice_id in choice_ids:
        try:
            selected.append(Choice.objects.get(pk=choice_id, question=question))
        except Choice.DoesNotExist:
            return HttpResponseBadRequest(f"unknown choice {choice_id}")
    Choice.objects.filter(pk__in=[c.pk for c in selected]).update(votes=F("votes") + 1)
    return JsonResponse({"voted": [c.text for c in selected]})


@require_POST
def vote_v2(request, question_id):
    question = get_object_or_404(Question, pk=question_id)
    choice_ids = request.POST.getlist("choice")
    valid = question.choices.filter(pk__in=choice_ids)
    updated = valid.update(votes=F("votes") + 1)
    return JsonResponse({"voted": updated})


def results(request):
    questions = Question.objects.annotate(total_votes=Sum("choices__votes")).order_by("-pub_date")
    data = [{"question": q.text, "total": q.total_votes or 0} for q in questions]
    return JsonResponse({"results": data})


def results_detailed(request):
    data = []
    for question in Question.objects.order_by("-pub_date"):
        total = question.choices.aggregate(total=Sum("votes"))["total"] or 0
        data.append({"question": question.text, "total": total})
    return JsonResponse({"results": data})
