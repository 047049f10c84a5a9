from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .models import Choice, Poll, Vote


def detail(request, slug):
    poll = get_object_or_404(Poll, slug=slug)
    has_voted = (
        request.user.is_authenticated
        and Vote.objects.filter(poll=poll, user=request.user).exists()
    )
    return render(
        request,
        "polls/detail.html",
        {"poll": poll, "choices": poll.choices.all(), "has_voted": has_voted},
    )


@login_required
@require_POST
def vote(request, slug):
    poll = get_object_or_404(Poll, slug=slug)
    if not poll.is_open:
        return HttpResponseForbidden("This poll is closed.")
    choice = get_object_or_404(Choice, pk=request.POST.get("choice"), poll=poll)

    if Vote.objects.filter(poll=poll, user=request.user).count() == 0:
        Vote.objects.create(poll=poll, choice=choice, user=request.user)
        choice.votes += 1
        choice.save()
        messages.success(request, "Thanks for voting!")
    else:
        messages.warning(request, "You have already voted in this poll.")
    return redirect("polls:results", slug=poll.slug)


@login_required
@require_POST
def vote_api(request, slug):
    poll = get_object_or_404(Poll, slug=slug)
    choice = get_object_or_404(Choice, pk=request.POST.get("choice"), poll=poll)
    try:
        with transaction.atomic():
            Vote.objects.create(poll=poll, choice=choice, user=request.user)
            Choice.objects.filter(pk=choice.pk).update(votes=F("votes") + 1)
    except IntegrityError:
        return JsonResponse({"error": "already voted"}, status=409)
    choice.refresh_from_db(fields=["votes"])
    return JsonResponse({"choice": choice.pk, "votes": choice.votes})


def results(request, slug):
    poll = get_object_or_404(Poll, slug=slug)
    choices = list(poll.choices.order_by("-votes"))
    total = poll.choices.aggregate(total=Sum("votes"))["total"] or 0
    return render(
        request, "polls/results.html", {"poll": poll, "choices": choices, "total": total}
    )


@staff_member_required
@require_POST
def reset_poll(request, slug):
    poll = get_object_or_404(Poll, slug=slug)
    with transaction.atomic():
        Vote.objects.filter(poll=poll).delete()
        for choice in poll.choices.all():
            choice.votes = 0
            choice.save(update_fields=["votes"])
    messages.info(request, f"Poll '{poll}' has been reset.")
    return redirect("polls:results", slug=poll.slug)
