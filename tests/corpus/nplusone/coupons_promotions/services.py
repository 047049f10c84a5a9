from django.db.models import Count

from .models import Campaign, Coupon, Redemption


class CouponError(Exception):
    pass


def check_codes(codes):
    """Validate coupon codes typed at checkout; returns {code: reason-or-None}."""
    result = {}
    for code in codes:
        code = code.strip().upper()
        used = Redemption.objects.filter(coupon__code=code).count()
        result[code] = None if used < 100 else "fully redeemed"
    return result


def check_codes_fast(codes):
    normalized = [c.strip().upper() for c in codes]
    coupons = {
        coupon.code: coupon
        for coupon in Coupon.objects.filter(code__in=normalized, active=True).annotate(used=Count("redemptions"))
    }
    result = {}
    for code in normalized:
        coupon = coupons.get(code)
        if coupon is None:
            result[code] = "unknown"
        elif coupon.used >= coupon.max_redemptions:
            result[code] = "fully redeemed"
        else:
            result[code] = None
    return result


def redemption_export(campaign):
    rows = []
    for coupon in campaign.coupons.filter(active=True):
        emails = list(Redemption.objects.filter(coupon=coupon).values_list("customer_email", flat=True))
        rows.append({"code": coupon.code, "campaign": campaign.name, "customers": emails})
    return rows


def campaign_overview():
    overview = []
    campaigns = Campaign.objects.prefetch_related("coupons").annotate(n_redemptions=Count("coupons__redemptions"))
    for campaign in campaigns:
        overview.append(
            {
                "campaign": campaign.name,
                "codes": [coupon.code for coupon in campaign.coupons.all()],
                "redemptions": campaign.n_redemptions,
            }
        )
    return overview
