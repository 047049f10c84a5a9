from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from .models import Order


def _orders_for_request(request):
    qs = Order.objects.all()
    status = request.GET.get("status")
    if status:
        qs = qs.filter(status=status)
    return qs


@require_GET
def order_list(request):
    orders = _orders_for_request(request)
    results = []
    for order in orders:
        results.append(
            {
                "id": order.pk,
                "customer": order.customer.name,
                "status": order.get_status_display(),
                "item_count": order.items.count(),
                "total": str(order.total),
            }
        )
    return JsonResponse({"results": results})


@require_GET
def order_dashboard(request):
    orders = (
        _orders_for_request(request)
        .select_related("customer")
        .annotate(item_count=Count("items"))
    )
    rows = []
    for order in orders:
        rows.append(
            {
                "id": order.pk,
                "customer": order.customer.name,
                "tier": order.customer.loyalty_tier,
                "item_count": order.item_count,
            }
        )
    return JsonResponse({"rows": rows})


@require_GET
def campaign_audience(request):
    customer_ids = sorted({order.customer_id for order in _orders_for_request(request)})
    return JsonResponse({"customer_ids": customer_ids})


@require_GET
def order_detail(request, pk):
    order = get_object_or_404(Order.objects.select_related("customer"), pk=pk)
    lines = []
    for item in order.items.select_related("product"):
        lines.append(
            {
                "sku": item.product.sku,
                "qty": item.quantity,
                "line_total": str(item.line_total),
            }
        )
    return JsonResponse({"order": order.pk, "customer": order.customer.email, "lines": lines})
