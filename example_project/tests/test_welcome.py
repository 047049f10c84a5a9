"""Sign-ups: the welcome mail goes out once the customer's row is committed."""

import pytest

from shop.welcome import has_ordered, sign_up

pytestmark = pytest.mark.django_db


def test_sign_up_sends_the_welcome_mail(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        customer = sign_up("new@example.com", "New")
    assert [mail.to for mail in mailoutbox] == [["new@example.com"]]
    assert not has_ordered(customer)


def test_a_customer_with_orders_has_ordered(orders):
    assert has_ordered(orders[0].customer)
