"""Sign-ups and the welcome mail: a new customer gets one, a returning one does not."""

from django.core.mail import send_mail
from django.db import transaction

from shop.models import Customer, Order


def sign_up(email, name):
    with transaction.atomic():
        customer = Customer.objects.create(email=email, name=name)
        send_mail("Welcome to the shop", f"Hello {name}!", "shop@example.com", [email])
    return customer


def has_ordered(customer):
    if Order.objects.filter(customer=customer):
        return True
    return False
