"""Check-then-create and read-modify-write code whose results must survive errguard's fixes."""

from raceapp.models import Counter, Customer, Label


def case_if_not_exists(email, name):
    if not Customer.objects.filter(email=email).exists():
        Customer.objects.create(email=email, name=name)
    return list(Customer.objects.order_by("email").values_list("email", "name"))


def case_first_then_create(email, name):
    customer = Customer.objects.filter(email=email).first()
    if customer is None:
        customer = Customer.objects.create(email=email, name=name)
    return [customer.email, customer.name, Customer.objects.count()]


def case_get_does_not_exist(email, name):
    try:
        customer = Customer.objects.get(email=email)
    except Customer.DoesNotExist:
        customer = Customer.objects.create(email=email, name=name)
    return [customer.email, customer.name, Customer.objects.count()]


def case_count_zero_not_unique(email, name):
    if Label.objects.filter(text=name).count() == 0:
        Label.objects.create(text=name, colour="blue")
    return list(Label.objects.order_by("text").values_list("text", "colour"))


def case_increment_and_read(email, name):
    counter = Counter.objects.filter(name=name).first()
    if counter is None:
        counter = Counter.objects.create(name=name)
    counter = Counter.objects.get(pk=counter.pk)
    counter.hits += 2
    counter.save()
    return [counter.name, counter.hits]


def case_two_counters_one_save(email, name):
    counter = Counter.objects.get(name=name)  # made by case_increment_and_read, run first
    counter.hits += 3
    counter.misses -= 1
    counter.save()
    return [counter.hits, counter.misses]
