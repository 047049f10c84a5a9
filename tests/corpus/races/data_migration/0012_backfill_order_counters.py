from django.db import migrations
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

DEFAULT_CHANNELS = [
    ("web", "Web shop"),
    ("pos", "Point of sale"),
    ("marketplace", "Marketplace"),
]


def backfill_order_counts(apps, schema_editor):
    Customer = apps.get_model("shop", "Customer")
    Order = apps.get_model("shop", "Order")
    per_customer = (
        Order.objects.filter(customer=OuterRef("pk"))
        .order_by()
        .values("customer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Customer.objects.update(order_count=Coalesce(Subquery(per_customer), 0))


def create_default_channels(apps, schema_editor):
    SalesChannel = apps.get_model("shop", "SalesChannel")
    for code, name in DEFAULT_CHANNELS:
        SalesChannel.objects.get_or_create(code=code, defaults={"name": name})


def fix_order_sequence(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('shop_order', 'id'), "
            "COALESCE((SELECT MAX(id) FROM shop_order), 1))"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("shop", "0011_customer_order_count_saleschannel"),
    ]

    operations = [
        migrations.RunPython(backfill_order_counts, migrations.RunPython.noop),
        migrations.RunPython(create_default_channels, migrations.RunPython.noop),
        migrations.RunPython(fix_order_sequence, migrations.RunPython.noop),
    ]
