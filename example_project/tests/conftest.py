import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from shop import payments
from shop.models import Customer, Order, OrderItem, Product


class FakeGateway:
    """The payment gateway, as a real HTTP server on 127.0.0.1 that records what it receives."""

    def __init__(self):
        self.received = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.received.append((self.path, body))
                answer = json.dumps(
                    {"status": "captured", "reference": f"ch_{len(gateway.received)}"}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    server = FakeGateway()
    settings.PAYMENT_GATEWAY_URL = server.url
    settings.PAYMENT_TIMEOUT_SECONDS = 0.5
    payments._gateway = None  # build the client (and its circuit breaker) afresh
    yield server
    server.stop()
    payments._gateway = None


@pytest.fixture
def products(db):
    return [
        Product.objects.create(sku=f"SKU-{n}", name=f"Product {n}", price_cents=100 * n, stock=10)
        for n in range(1, 4)
    ]


@pytest.fixture
def orders(products):
    """Five orders of two lines each, for five customers."""
    created = []
    for n in range(5):
        customer = Customer.objects.create(email=f"c{n}@example.com", name=f"Customer {n}")
        order = Order.objects.create(customer=customer)
        for product in products[:2]:
            OrderItem.objects.create(
                order=order, product=product, quantity=n + 1, unit_price_cents=product.price_cents
            )
        created.append(order)
    return created
