import logging

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .models import Cart, Coupon, StockItem

logger = logging.getLogger(__name__)


class CheckoutError(Exception):
    """Base class for errors whose message is safe to show to the shopper."""

    status_code = 400


class OutOfStock(CheckoutError):
    status_code = 409

    def __init__(self, line):
        super().__init__("%s is out of stock" % line.product.name)


class CouponExpired(CheckoutError):
    def __init__(self):
        super().__init__("This coupon has expired")


def _reserve(cart):
    for line in cart.lines.select_related("product"):
        stock = StockItem.objects.select_for_update().get(product=line.product)
        if stock.available < line.quantity:
            raise OutOfStock(line)
        stock.available -= line.quantity
        stock.save(update_fields=["available"])


@login_required
@require_POST
def checkout(request):
    cart = Cart.objects.for_user(request.user)
    code = request.POST.get("coupon")
    try:
        with transaction.atomic():
            if code:
                coupon = Coupon.objects.get(code=code)
                if coupon.is_expired():
                    raise CouponExpired()
                cart.apply(coupon)
            _reserve(cart)
            order = cart.to_order()
    except Coupon.DoesNotExist:
        return JsonResponse({"error": "Unknown coupon code"}, status=400)
    except CheckoutError as e:
        return JsonResponse({"error": str(e)}, status=e.status_code)
    except Exception:
        logger.exception("checkout failed for user %s", request.user.pk)
        return JsonResponse({"error": "Checkout failed, please try again"}, status=500)
    return JsonResponse({"order": order.number}, status=201)
