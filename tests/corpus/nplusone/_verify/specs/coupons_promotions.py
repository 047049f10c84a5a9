from coupons_promotions import services
from coupons_promotions.models import Campaign, Coupon, Redemption


def seed(n):
    big = Campaign.objects.create(name="Spring")
    codes = []
    for i in range(n):
        camp = Campaign.objects.create(name="C%d" % i)
        Coupon.objects.create(campaign=camp, code="X%d" % i, percent_off=5)
        cp = Coupon.objects.create(campaign=big, code="SPRING%d" % i, percent_off=10)
        Redemption.objects.create(coupon=cp, customer_email="a%d@x.io" % i, order_reference="O%d" % i)
        codes.append("spring%d " % i)
    return {"big": big, "codes": codes}


SCENARIOS = {
    "check": lambda n, d: services.check_codes(d["codes"]),
    "check_fast": lambda n, d: services.check_codes_fast(d["codes"]),
    "export": lambda n, d: services.redemption_export(d["big"]),
    "overview": lambda n, d: services.campaign_overview(),
}

# ---- labels ----
POSITIVES = [
    dict(file="services.py", match="used = Redemption.objects.filter(coupon__code=code).count()", code="EG102",
         why="count() per submitted code"),
    dict(file="services.py", match='emails = list(Redemption.objects.filter(coupon=coupon).values_list("customer_email", flat=True))',
         code="EG102", why="queryset evaluated with list() per coupon"),
]
NEGATIVES = [
    dict(file="services.py", match="coupon = coupons.get(code)", why="dict built from one annotated IN query"),
    dict(file="services.py", match="elif coupon.used >= coupon.max_redemptions:", why="annotate(Count('redemptions'))"),
    dict(file="services.py", match='rows.append({"code": coupon.code, "campaign": campaign.name, "customers": emails})',
         why="campaign is the function argument, not a lazy relation of the loop variable"),
    dict(file="services.py", match='"codes": [coupon.code for coupon in campaign.coupons.all()],', why="prefetch_related('coupons')"),
    dict(file="services.py", match='"redemptions": campaign.n_redemptions,', why="annotate(Count(...))"),
]
