import requests
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

from .errors import GiftCardInvalid, ShopError
from .payments import charge_card, redeem_gift_card
from .shipping import quote_shipping


@require_POST
def pay(request, order_id):
    try:
        charge_card(order_id, request.POST["token"])
    except KeyError:
        return JsonResponse({"error": "missing token"}, status=400)
    except ShopError as e:
        return JsonResponse({"error": str(e)}, status=e.http_status)
    return JsonResponse({"paid": True})


@require_POST
def redeem(request, order_id):
    try:
        redeem_gift_card(request.POST.get("code", ""), order_id)
    except GiftCardInvalid as e:
        return JsonResponse({"error": e.args[0]}, status=400)
    return JsonResponse({"redeemed": True})


@require_GET
def shipping_quote(request, order_id):
    try:
        quote = quote_shipping(order_id, request.GET.get("postcode", ""))
    except requests.RequestException as e:
        return JsonResponse(
            {"error": "shipping quote unavailable", "reason": str(e)}, status=502
        )
    return JsonResponse({"amount": str(quote.amount), "carrier": quote.carrier})
