import datetime

from saas_billing import tasks
from saas_billing.models import Customer, Invoice, PaymentMethod, Plan, Subscription


def seed(n):
    plan = Plan.objects.create(name="Pro", price_cents=1000)
    past = datetime.date.today() - datetime.timedelta(days=1)
    for i in range(n):
        pm = PaymentMethod.objects.create(token="tok%d" % i, brand="visa", last4="4242")
        c = Customer.objects.create(name="c%d" % i, email="c%d@x.io" % i, payment_method=pm)
        Subscription.objects.create(customer=c, plan=plan, current_period_end=past)
    return {}


def bill(n, d):
    tasks.bill_due_subscriptions.delay()
    Invoice.objects.all().delete()


SCENARIOS = {
    "bill": bill,
    "renewal": lambda n, d: tasks.send_renewal_notices(),
}

# ---- labels ----
POSITIVES = [
    dict(file="tasks.py", match="if Invoice.objects.filter(subscription=sub, period_start=sub.current_period_end).exists():",
         code="EG102", why="exists() per due subscription"),
    dict(file="tasks.py", match="method = sub.customer.payment_method", code="EG101",
         why="second hop customer.payment_method not loaded (select_related('plan', 'customer'))"),
]
NEGATIVES = [
    dict(file="tasks.py", match="amount = sub.plan.price_cents", why="select_related('plan')"),
    dict(file="tasks.py", match="card = sub.customer.payment_method", why="select_related('customer__payment_method')"),
    dict(file="tasks.py", match='f"Your {sub.plan.name} plan renews', why="select_related('plan')"),
]
