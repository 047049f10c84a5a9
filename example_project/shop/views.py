"""The shop's JSON API. Errors are raised as ApiError and rendered as envelopes by
shop.errors.ErrorEnvelopeMiddleware."""

import logging

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from shop import inventory, payments, reports
from shop.customers import customer_for
from shop.errors import ApiError, parse_json
from shop.models import Order, OrderItem, Product
from shop.receipts import render_receipt

logger = logging.getLogger(__name__)


def _order(order_id):
    try:
        return Order.objects.get(pk=order_id)
    except Order.DoesNotExist:
        raise ApiError("RESOURCE_ORDER_NOT_FOUND", f"No order {order_id}.", 404)


@require_GET
def order_detail(request, order_id):
    order = _order(order_id)
    return JsonResponse({"id": order.pk, "status": order.status, "total_cents": order.total_cents()})


@require_POST
@transaction.atomic
def create_order(request):
    payload = parse_json(request)
    if not isinstance(payload, dict) or not payload.get("items"):
        raise ApiError("VALIDATION_NO_ITEMS", "An order needs at least one item.", 400)
    customer = customer_for(payload.get("email", ""), payload.get("name", ""))
    order = Order.objects.create(customer=customer)
    for line in payload["items"]:
        product = Product.objects.get(sku=line["sku"])
        inventory.reserve(product.sku, line.get("quantity", 1))
        OrderItem.objects.create(
            order=order,
            product=product,
            quantity=line.get("quantity", 1),
            unit_price_cents=product.price_cents,
        )
    order.confirm()
    return JsonResponse({"id": order.pk}, status=201)


@require_POST
def pay_order(request, order_id):
    order = _order(order_id)
    try:
        payment = payments.charge(order)
    except:
        logger.exception("payment failed for order %s", order.pk)
        raise ApiError("INTEGRATION_PAYMENT_FAILED", "The payment could not be made.", 502)
    return JsonResponse({"payment": payment.reference, "status": payment.status})


@require_GET
def order_receipt(request, order_id):
    order = _order(order_id)
    try:
        text = render_receipt(order)
    except Exception as e:
        return JsonResponse({"error": str(e)}, status=500)
    return HttpResponse(text, content_type="text/plain")


@require_GET
def order_report(request):
    return JsonResponse({"orders": reports.order_summaries()})


@require_GET
def sales_report(request):
    return JsonResponse({"days": reports.sales_by_day()})


@require_POST
def import_products(request):
    created = 0
    for row in parse_json(request) or []:
        try:
            Product.objects.create(sku=row["sku"], name=row["name"], price_cents=int(row["price"]))
            created += 1
        except Exception:
            continue
    logger.info("imported %d products", created)
    return JsonResponse({"created": created})


@require_GET
def stock_report(request):
    """The stock page: every product with how many open order lines want it."""
    products = [
        {
            "sku": product.sku,
            "stock": product.stock,
            "open_lines": OrderItem.objects.filter(product=product, order__status="new").count(),
        }
        for product in Product.objects.order_by("sku")
    ]
    return JsonResponse({"products": products})
