from shop.models import Customer


def customer_for(email, name):
    customer = Customer.objects.filter(email=email).first()
    if customer is None:
        customer = Customer.objects.create(email=email, name=name)
    return customer
