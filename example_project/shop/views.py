"""The shop's JSON API."""

import json
import logging

from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

from shop import payments
from shop.models import Customer, Order, OrderItem, Product

logger = logging.getLogger(__name__)


@require_GET
def order_detail(request, order_id):
    try:
        order = Order.objects.get(pk=order_id)
    except Order.DoesNotExist:
        return JsonResponse({"error": "order not found"}, status=404)
    return JsonResponse({"id": order.pk, "status": order.status, "total_cents": order.total_cents()})


@require_POST
def create_order(request):
    try:
        payload = json.loads(request.body)
        customer = Customer.objects.get(email=payload["email"])
        order = Order.objects.create(customer=customer)
        for line in payload["items"]:
            product = Product.objects.get(sku=line["sku"])
            OrderItem.objects.create(order=order, product=product, quantity=line.get("quantity", 1))
    except Exception as e:
        return JsonResponse({"error": str(e)}, status=400)
    return JsonResponse({"id": order.pk}, status=201)


@require_POST
def pay_order(request, order_id):
    order = Order.objects.get(pk=order_id)
    try:
        payment = payments.charge(order)
    except:
        logger.exception("payment failed for order %s", order.pk)
        order.status = "payment_failed"
        order.save(update_fields=["status"])
        return JsonResponse({"error": "payment failed"}, status=502)
    return JsonResponse({"payment": payment.reference, "status": payment.status})


@require_POST
def import_products(request):
    created = 0
    for row in json.loads(request.body):
        try:
            Product.objects.create(sku=row["sku"], name=row["name"], price_cents=int(row["price"]))
            created += 1
        except Exception:
            continue
    logger.info("imported %d products", created)
    return JsonResponse({"created": created})
