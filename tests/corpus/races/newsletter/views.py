import json

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from .forms import SubscribeForm
from .models import MailingList, Subscriber, Subscription


@require_POST
def subscribe(request, slug):
    mailing_list = get_object_or_404(MailingList, slug=slug, is_public=True)
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "newsletter/subscribe.html",
            {"form": form, "mailing_list": mailing_list},
            status=400,
        )

    email = form.cleaned_data["email"].strip().lower()
    subscriber = Subscriber.objects.filter(email=email).first()
    if subscriber is None:
        subscriber = Subscriber.objects.create(
            email=email,
            first_name=form.cleaned_data.get("first_name", ""),
        )

    if not Subscription.objects.filter(
        mailing_list=mailing_list, subscriber=subscriber
    ).exists():
        Subscription.objects.create(
            mailing_list=mailing_list,
            subscriber=subscriber,
            source=Subscription.SOURCE_WEB,
        )
        messages.success(request, f"You are now subscribed to {mailing_list.name}.")
    else:
        messages.info(request, "You are already subscribed to this list.")
    return redirect("newsletter:detail", slug=mailing_list.slug)


@require_GET
def subscription_status(request, slug):
    """Used by the widget to decide which button to render."""
    mailing_list = get_object_or_404(MailingList, slug=slug)
    email = request.GET.get("email", "").strip().lower()
    is_subscribed = bool(email) and Subscription.objects.filter(
        mailing_list=mailing_list, subscriber__email=email
    ).exists()
    return JsonResponse({"list": mailing_list.slug, "subscribed": is_subscribed})


@require_POST
def api_subscribe(request, slug):
    mailing_list = get_object_or_404(MailingList, slug=slug, is_public=True)
    try:
        data = json.loads(request.body)
    except ValueError:
        return JsonResponse({"error": "invalid JSON"}, status=400)

    form = SubscribeForm(data)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)

    email = form.cleaned_data["email"].strip().lower()
    subscriber, _ = Subscriber.objects.get_or_create(
        email=email,
        defaults={"first_name": form.cleaned_data.get("first_name", "")},
    )
    subscription, created = Subscription.objects.get_or_create(
        mailing_list=mailing_list,
        subscriber=subscriber,
        defaults={"source": Subscription.SOURCE_API},
    )
    return JsonResponse(
        {"id": subscription.pk, "created": created},
        status=201 if created else 200,
    )


@require_POST
def unsubscribe(request, slug):
    mailing_list = get_object_or_404(MailingList, slug=slug)
    email = request.POST.get("email", "").strip().lower()
    deleted, _ = Subscription.objects.filter(
        mailing_list=mailing_list, subscriber__email=email
    ).delete()
    if deleted:
        messages.success(request, "You have been unsubscribed.")
    return redirect("newsletter:detail", slug=mailing_list.slug)
