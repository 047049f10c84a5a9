import logging

import stripe
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import Order, Payment

logger = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_SECRET_KEY


@login_required
@require_POST
def create_payment_intent(request, order_id):
    order = Order.objects.get(pk=order_id, user=request.user)
    try:
        intent = stripe.PaymentIntent.create(
            amount=order.total_cents,
            currency=order.currency,
            metadata={"order_id": order.pk},
        )
    except stripe.error.StripeError as e:
        payload = {"ok": False, "error": str(e)}
        return JsonResponse(payload, status=502)
    Payment.objects.create(order=order, intent_id=intent.id)
    return JsonResponse({"ok": True, "client_secret": intent.client_secret})


@csrf_exempt
@require_POST
def stripe_webhook(request):
    sig_header = request.META.get("HTTP_STRIPE_SIGNATURE", "")
    try:
        event = stripe.Webhook.construct_event(
            request.body, sig_header, settings.STRIPE_WEBHOOK_SECRET
        )
    except ValueError:
        return HttpResponseBadRequest("invalid payload")
    except stripe.error.SignatureVerificationError:
        return HttpResponseBadRequest("invalid signature")

    if event["type"] == "payment_intent.succeeded":
        intent = event["data"]["object"]
        try:
            payment = Payment.objects.get(intent_id=intent["id"])
            payment.mark_paid()
        except Exception:
            return JsonResponse({"received": True})
    return JsonResponse({"received": True})
