from shipping_tracking import tasks
from shipping_tracking.models import Customer, SalesOrder, Shipment, TrackingEvent


def seed(n):
    events = []
    for i in range(n):
        c = Customer.objects.create(name="c%d" % i, email="c%d@x.io" % i)
        o = SalesOrder.objects.create(customer=c, reference="SO%d" % i)
        Shipment.objects.create(order=o, tracking_number="TN%d" % i, carrier="DHL", status="delivered")
        events.append({"tracking_number": "TN%d" % i, "code": "delivered", "description": "Delivered",
                       "occurred_at": "2024-05-01T10:00:00+00:00"})
    return {"events": events}


def ingest(n, d):
    tasks.ingest_tracking_events.delay(d["events"])
    TrackingEvent.objects.all().delete()


SCENARIOS = {
    "ingest": ingest,
    "status": lambda n, d: tasks.update_shipment_status(d["events"]),
    "notify": lambda n, d: tasks.notify_delivered(),
}

# ---- labels ----
POSITIVES = [
    dict(file="tasks.py", match='shipment = Shipment.objects.get(tracking_number=event["tracking_number"])', code="EG102",
         why="get() per webhook event"),
    dict(file="tasks.py", match="recipient = shipment.order.customer.email", code="EG101",
         why="second hop order.customer not loaded (select_related('order') only)"),
]
NEGATIVES = [
    dict(file="tasks.py", match='shipment = shipments.get(event["tracking_number"])', why="dict from in_bulk(field_name=...)"),
    dict(file="tasks.py", match='Shipment.objects.bulk_update(changed, ["status", "last_event"])', fixed=True, why="bulk_update after loop"),
    dict(file="tasks.py", match='f"Order {shipment.order.reference} delivered",', why="select_related('order')"),
]
