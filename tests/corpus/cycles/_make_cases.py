"""Generates the case projects under /tmp/blind/cycles/<case>/.

Ground truth is NOT decided here: _verify.py runs every module and derives
crashes and labels from the observed tracebacks.
"""
import os
import shutil
import textwrap

ROOT = os.path.dirname(os.path.abspath(__file__))
CASES = {}


def case(name, files):
    CASES[name] = {p: textwrap.dedent(src).lstrip("\n") for p, src in files.items()}


# ---------------------------------------------------------------- crashing
case("c01_shop_models_signals", {
    "shop/__init__.py": "",
    "shop/models.py": '''
        """Order model; wires up signal handlers at import time."""
        from shop.signals import order_saved


        class Order:
            def __init__(self, total):
                self.total = total

            def save(self):
                order_saved(self)
    ''',
    "shop/signals.py": '''
        from shop.models import Order

        RECEIVERS = []


        def order_saved(instance):
            assert isinstance(instance, Order)
            for receiver in RECEIVERS:
                receiver(instance)
    ''',
})

case("c02_shop_models_managers", {
    "shop/__init__.py": "",
    "shop/models.py": '''
        from .managers import OrderManager


        class Order:
            objects = OrderManager()

            def __init__(self, pk):
                self.pk = pk
    ''',
    "shop/managers.py": '''
        class OrderManager:
            def all(self):
                return [models.Order(1), models.Order(2)]


        from . import models  # noqa: E402

        DEFAULT_MODEL = models.Order
    ''',
})

case("c03_blog_init_reexport", {
    "blog/__init__.py": '''
        from .models import Post, Comment
        from .feeds import LatestPostsFeed

        __all__ = ["Post", "Comment", "LatestPostsFeed"]
    ''',
    "blog/models.py": '''
        from .moderation import moderate


        class Post:
            def __init__(self, title):
                self.title = title


        class Comment:
            def __init__(self, post, text):
                self.post = post
                self.text = moderate(text)
    ''',
    "blog/moderation.py": '''
        from blog import Comment

        BANNED = {"spam"}


        def moderate(text):
            return " ".join(w for w in text.split() if w not in BANNED)


        def is_comment(obj):
            return isinstance(obj, Comment)
    ''',
    "blog/feeds.py": '''
        from blog.models import Post


        class LatestPostsFeed:
            model = Post
    ''',
})

case("c04_billing_services_utils", {
    "billing/__init__.py": "",
    "billing/services.py": '''
        from billing.utils import format_money

        DEFAULT_CURRENCY = "EUR"


        def invoice_line(amount):
            return format_money(amount, DEFAULT_CURRENCY)
    ''',
    "billing/utils.py": '''
        def format_money(amount, currency):
            return f"{amount:.2f} {currency}"


        from billing.services import DEFAULT_CURRENCY  # noqa: E402


        def default_money(amount):
            return format_money(amount, DEFAULT_CURRENCY)
    ''',
})

case("c05_api_serializers_views", {
    "api/__init__.py": "",
    "api/serializers.py": '''
        from .views import OrderDetailView


        class OrderSerializer:
            fields = ("id", "total")

            def detail_url(self, obj):
                return OrderDetailView.url_for(obj)
    ''',
    "api/views.py": '''
        from .serializers import OrderSerializer


        class OrderDetailView:
            serializer_class = OrderSerializer

            @staticmethod
            def url_for(obj):
                return f"/orders/{obj['id']}/"
    ''',
})

case("c06_shapes_base_class", {
    "shapes/__init__.py": "",
    "shapes/base.py": '''
        """Base class; importing the concrete shapes registers them."""
        from shapes import circle  # noqa: F401  (registration side effect)


        class Shape:
            registry = []

            def area(self):
                raise NotImplementedError
    ''',
    "shapes/circle.py": '''
        import math

        from shapes import base


        class Circle(base.Shape):
            def __init__(self, r):
                self.r = r

            def area(self):
                return math.pi * self.r ** 2
    ''',
})

case("c07_tasks_decorator", {
    "tasks/__init__.py": "",
    "tasks/registry.py": '''
        from tasks import jobs  # noqa: F401  load job definitions

        TASKS = {}


        def task(fn):
            TASKS[fn.__name__] = fn
            return fn
    ''',
    "tasks/jobs.py": '''
        from tasks import registry


        @registry.task
        def send_welcome_email(user_id):
            return f"mail to {user_id}"


        @registry.task
        def rebuild_search_index():
            return "ok"
    ''',
})

case("c08_config_settings_constants", {
    "config/__init__.py": "",
    "config/settings.py": '''
        from config.constants import DEFAULT_TIMEOUT

        RETRIES = 3
        TIMEOUT = DEFAULT_TIMEOUT
    ''',
    "config/constants.py": '''
        DEFAULT_TIMEOUT = 30

        from config import settings  # noqa: E402

        MAX_ATTEMPTS = settings.RETRIES + 1
    ''',
})

case("c09_inventory_three_cycle", {
    "inventory/__init__.py": "",
    "inventory/app.py": '''
        """Entry point outside the cycle."""
        from inventory.stock import StockLevel


        def main():
            return StockLevel(5)
    ''',
    "inventory/stock.py": '''
        from inventory.warehouse import Warehouse


        class StockLevel:
            def __init__(self, qty, warehouse=None):
                self.qty = qty
                self.warehouse = warehouse or Warehouse("main")
    ''',
    "inventory/warehouse.py": '''
        from inventory.product import Product


        class Warehouse:
            def __init__(self, name):
                self.name = name
                self.products = [Product("sku-1")]
    ''',
    "inventory/product.py": '''
        from inventory.stock import StockLevel


        class Product:
            def __init__(self, sku):
                self.sku = sku

            def stock(self):
                return StockLevel(0)
    ''',
})

case("c10_reports_import_as", {
    "reports/__init__.py": "",
    "reports/formatting.py": '''
        import reports.export as export

        BOLD = "**"


        def bold(text):
            return f"{BOLD}{text}{BOLD}"


        def render(rows):
            return export.to_csv(rows)
    ''',
    "reports/export.py": '''
        import reports.formatting as fmt

        HEADER = fmt.BOLD + "Report" + fmt.BOLD


        def to_csv(rows):
            return "\\n".join(",".join(map(str, r)) for r in rows)
    ''',
})

case("c11_dotted_attribute_access", {
    "geo/__init__.py": "",
    "geo/units.py": '''
        import geo.distance

        METRE = 1.0
        KILOMETRE = 1000 * METRE


        def km(value):
            return geo.distance.Distance(value * KILOMETRE)
    ''',
    "geo/distance.py": '''
        import geo.units


        class Distance:
            unit = geo.units.METRE

            def __init__(self, metres):
                self.metres = metres
    ''',
})

case("c12_cross_package_accounts_billing", {
    "accounts/__init__.py": "",
    "accounts/models.py": '''
        from billing.invoices import Invoice


        class Account:
            def __init__(self, name):
                self.name = name

            def invoice(self, amount):
                return Invoice(self, amount)
    ''',
    "billing/__init__.py": "",
    "billing/invoices.py": '''
        from accounts.models import Account


        class Invoice:
            def __init__(self, account, amount):
                assert isinstance(account, Account)
                self.account = account
                self.amount = amount
    ''',
})

case("c13_default_argument", {
    "webclient/__init__.py": "",
    "webclient/client.py": '''
        from webclient import config


        def fetch(url, timeout=config.DEFAULT_TIMEOUT):
            return url, timeout
    ''',
    "webclient/config.py": '''
        from webclient import client

        DEFAULT_TIMEOUT = 10


        def ping():
            return client.fetch("/ping")
    ''',
})

case("c14_runtime_annotations", {
    "orders/__init__.py": "",
    "orders/models.py": '''
        from orders import handlers


        class Order:
            def __init__(self, pk):
                self.pk = pk

            def process(self):
                return handlers.handle(self)
    ''',
    "orders/handlers.py": '''
        from orders import models


        def handle(order: models.Order) -> bool:
            return order.pk is not None
    ''',
})

case("c15_bottom_import_trap", {
    "catalog/__init__.py": "",
    "catalog/base.py": '''
        class Item:
            def __init__(self, name):
                self.name = name

            def label(self):
                return slugify(self.name)


        # imported at the bottom "to avoid the circular import"
        from catalog.text import slugify  # noqa: E402
    ''',
    "catalog/text.py": '''
        from catalog.base import Item


        def slugify(value):
            return value.lower().replace(" ", "-")


        def item_slug(item: Item):
            return slugify(item.name)
    ''',
})

case("c16_init_order_trap", {
    "engine/__init__.py": '''
        from .impl import FastEngine
        from .base import BaseEngine

        __all__ = ["BaseEngine", "FastEngine"]
    ''',
    "engine/base.py": '''
        class BaseEngine:
            name = "base"


        from .impl import FastEngine  # noqa: E402

        DEFAULT = FastEngine
    ''',
    "engine/impl.py": '''
        from .base import BaseEngine


        class FastEngine(BaseEngine):
            name = "fast"
    ''',
})

case("c17_try_wrong_exception", {
    "cache/__init__.py": "",
    "cache/backends.py": '''
        try:
            from cache.serializers import dumps
        except ModuleNotFoundError:  # only guards a missing module
            import json

            dumps = json.dumps


        class MemoryBackend:
            def set(self, key, value):
                return {key: dumps(value)}
    ''',
    "cache/serializers.py": '''
        from cache.backends import MemoryBackend


        def dumps(value):
            return repr(value)


        def default_backend():
            return MemoryBackend()
    ''',
})

case("c18_conditional_block", {
    "compat/__init__.py": "",
    "compat/strings.py": '''
        import sys

        if sys.version_info >= (3, 8):
            from compat.encoding import DEFAULT_ENCODING
        else:
            DEFAULT_ENCODING = "ascii"


        def to_bytes(s):
            return s.encode(DEFAULT_ENCODING)
    ''',
    "compat/encoding.py": '''
        from compat.strings import to_bytes

        DEFAULT_ENCODING = "utf-8"


        def encode_all(items):
            return [to_bytes(i) for i in items]
    ''',
})

case("c19_mixed_crash_and_harmless", {
    "store/__init__.py": "",
    "store/models.py": '''
        from store.signals import post_save


        class Product:
            def save(self):
                post_save(self)
    ''',
    "store/signals.py": '''
        from store.models import Product


        def post_save(instance):
            return isinstance(instance, Product)
    ''',
    "store/utils.py": '''
        from store import helpers


        def slug(text):
            return helpers.clean(text).replace(" ", "-")
    ''',
    "store/helpers.py": '''
        from store import utils


        def clean(text):
            return text.strip().lower()


        def make_slug(text):
            return utils.slug(text)
    ''',
})

case("c20_relative_parent_subpackages", {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/engine.py": '''
        from ..plugins.loader import load_plugins


        class Engine:
            def __init__(self):
                self.plugins = load_plugins(self)
    ''',
    "app/plugins/__init__.py": "",
    "app/plugins/loader.py": '''
        from ..core.engine import Engine


        def load_plugins(engine):
            assert isinstance(engine, Engine)
            return []
    ''',
})

case("c21_four_module_chain", {
    "pipeline/__init__.py": "",
    "pipeline/extract.py": '''
        from . import transform


        def extract():
            return transform.transform([1, 2, 3])
    ''',
    "pipeline/transform.py": '''
        from .load import Loader


        def transform(rows):
            return Loader().load([r * 2 for r in rows])
    ''',
    "pipeline/load.py": '''
        from . import validate


        class Loader(validate.Validated):
            def load(self, rows):
                return rows
    ''',
    "pipeline/validate.py": '''
        from .extract import extract


        class Validated:
            pass


        def revalidate():
            return extract()
    ''',
})

case("c22_signals_connect_bottom", {
    "crm/__init__.py": "",
    "crm/models.py": '''
        class Contact:
            def __init__(self, email):
                self.email = email


        from . import signals  # noqa: E402

        signals.connect(Contact)
    ''',
    "crm/signals.py": '''
        from .models import Contact

        _connected = []


        def connect(sender):
            _connected.append(sender)


        def is_contact(obj):
            return isinstance(obj, Contact)
    ''',
})


case("c23_mixed_type_checking_and_base_class", {
    "hr/__init__.py": "",
    "hr/employees.py": '''
        from __future__ import annotations

        from typing import TYPE_CHECKING

        from hr import payroll

        if TYPE_CHECKING:
            from hr.departments import Department


        class Employee:
            def __init__(self, name: str, department: Department | None = None):
                self.name = name
                self.department = department

            def salary(self):
                return payroll.salary_for(self)
    ''',
    "hr/departments.py": '''
        from hr.employees import Employee


        class Department:
            def __init__(self, name):
                self.name = name
                self.staff: list[Employee] = []

            def hire(self, name):
                self.staff.append(Employee(name, self))
    ''',
    "hr/payroll.py": '''
        from hr import employees


        def salary_for(employee):
            return 1000


        class Contractor(employees.Employee):
            def salary(self):
                return 800
    ''',
})

# ------------------------------------------------------------- negatives
case("n01_deferred_function_imports", {
    "shop/__init__.py": "",
    "shop/models.py": '''
        from shop.signals import order_saved


        class Order:
            def save(self):
                order_saved(self)
    ''',
    "shop/signals.py": '''
        def order_saved(instance):
            from shop.models import Order

            return isinstance(instance, Order)


        def connect():
            from shop import models

            return models.Order
    ''',
})

case("n02_type_checking", {
    "shop/__init__.py": "",
    "shop/models.py": '''
        from shop.services import total_for


        class Order:
            def __init__(self, lines):
                self.lines = lines

            def total(self):
                return total_for(self)
    ''',
    "shop/services.py": '''
        from __future__ import annotations

        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from shop.models import Order


        def total_for(order: Order) -> int:
            return sum(order.lines)
    ''',
})

case("n03_typing_dot_type_checking", {
    "crm/__init__.py": "",
    "crm/contacts.py": '''
        from crm.companies import Company


        class Contact:
            def __init__(self, company: Company):
                self.company = company
    ''',
    "crm/companies.py": '''
        import typing

        if typing.TYPE_CHECKING:
            from crm.contacts import Contact


        class Company:
            def __init__(self):
                self.contacts: "list[Contact]" = []

            def add(self, contact: "Contact") -> None:
                self.contacts.append(contact)
    ''',
})

case("n04_module_imports_attr_in_functions", {
    "billing/__init__.py": "",
    "billing/services.py": '''
        import billing.utils

        DEFAULT_CURRENCY = "EUR"


        def invoice_line(amount):
            return billing.utils.format_money(amount, DEFAULT_CURRENCY)
    ''',
    "billing/utils.py": '''
        import billing.services


        def format_money(amount, currency=None):
            currency = currency or billing.services.DEFAULT_CURRENCY
            return f"{amount:.2f} {currency}"
    ''',
})

case("n05_names_defined_before_import", {
    "config/__init__.py": "",
    "config/settings.py": '''
        RETRIES = 3

        from config.constants import DEFAULT_TIMEOUT  # noqa: E402

        TIMEOUT = DEFAULT_TIMEOUT
    ''',
    "config/constants.py": '''
        DEFAULT_TIMEOUT = 30

        from config.settings import RETRIES  # noqa: E402

        MAX_ATTEMPTS = RETRIES + 1
    ''',
})

case("n06_try_except_fallback", {
    "cache/__init__.py": "",
    "cache/backends.py": '''
        try:
            from cache.serializers import dumps
        except ImportError:  # circular during bootstrap: fall back
            import json

            dumps = json.dumps


        class MemoryBackend:
            def set(self, key, value):
                return {key: dumps(value)}
    ''',
    "cache/serializers.py": '''
        try:
            from cache.backends import MemoryBackend
        except ImportError:
            MemoryBackend = None


        def dumps(value):
            return repr(value)
    ''',
})

case("n07_from_package_import_submodule", {
    "shop/__init__.py": "",
    "shop/models.py": '''
        from shop import signals


        class Order:
            def save(self):
                signals.order_saved(self)
    ''',
    "shop/signals.py": '''
        from shop import models


        def order_saved(instance):
            return isinstance(instance, models.Order)
    ''',
})

case("n08_import_as_submodule_function_use", {
    "reports/__init__.py": "",
    "reports/formatting.py": '''
        import reports.export as export

        BOLD = "**"


        def render(rows):
            return export.to_csv(rows)
    ''',
    "reports/export.py": '''
        import reports.formatting as fmt


        def to_csv(rows):
            return fmt.BOLD + "\\n".join(",".join(map(str, r)) for r in rows)
    ''',
})

case("n09_future_annotations", {
    "orders/__init__.py": "",
    "orders/models.py": '''
        from orders import handlers


        class Order:
            def __init__(self, pk):
                self.pk = pk

            def process(self):
                return handlers.handle(self)
    ''',
    "orders/handlers.py": '''
        from __future__ import annotations

        from orders import models


        def handle(order: models.Order) -> bool:
            return order.pk is not None
    ''',
})

case("n10_string_annotations", {
    "geo/__init__.py": "",
    "geo/points.py": '''
        from geo import shapes


        class Point:
            def __init__(self, x, y):
                self.x, self.y = x, y

            def inside(self, poly: "shapes.Polygon") -> bool:
                return poly.contains(self)
    ''',
    "geo/shapes.py": '''
        from geo import points


        class Polygon:
            def __init__(self, *pts: "points.Point"):
                self.pts = pts

            def contains(self, p: "points.Point") -> bool:
                return p in self.pts
    ''',
})

case("n11_pep562_lazy_getattr", {
    "toolkit/__init__.py": '''
        import importlib

        __all__ = ["Widget", "Theme"]
        _LAZY = {"Widget": ".widgets", "Theme": ".themes"}


        def __getattr__(name):
            if name in _LAZY:
                module = importlib.import_module(_LAZY[name], __name__)
                return getattr(module, name)
            raise AttributeError(name)
    ''',
    "toolkit/widgets.py": '''
        import toolkit


        class Widget:
            def theme(self):
                return toolkit.Theme()
    ''',
    "toolkit/themes.py": '''
        import toolkit


        class Theme:
            def widget(self):
                return toolkit.Widget()
    ''',
})

case("n12_init_reexport_no_back_edge", {
    "library/__init__.py": '''
        from .models import Book
        from .services import lend

        __all__ = ["Book", "lend"]
    ''',
    "library/models.py": '''
        class Book:
            def __init__(self, title):
                self.title = title
    ''',
    "library/services.py": '''
        from library.models import Book


        def lend(book: Book):
            return f"lent {book.title}"
    ''',
})

case("n13_importlib_registry_deferred", {
    "plugins/__init__.py": "",
    "plugins/registry.py": '''
        import importlib

        PLUGINS = {}
        PLUGIN_MODULES = ["plugins.csv_plugin", "plugins.json_plugin"]


        def register(cls):
            PLUGINS[cls.name] = cls
            return cls


        def autodiscover():
            for path in PLUGIN_MODULES:
                importlib.import_module(path)
            return PLUGINS
    ''',
    "plugins/csv_plugin.py": '''
        from plugins.registry import register


        @register
        class CsvPlugin:
            name = "csv"
    ''',
    "plugins/json_plugin.py": '''
        from plugins import registry


        @registry.register
        class JsonPlugin:
            name = "json"
    ''',
})

case("n14_bottom_import_safe", {
    "crm/__init__.py": "",
    "crm/models.py": '''
        class Contact:
            def __init__(self, email):
                self.email = email


        from . import signals  # noqa: E402,F401  (connect receivers)
    ''',
    "crm/signals.py": '''
        from .models import Contact

        _connected = []


        def connect(sender):
            _connected.append(sender)


        connect(Contact)
    ''',
})

case("n15_init_order_safe", {
    "engine/__init__.py": '''
        from .base import BaseEngine
        from .impl import FastEngine

        __all__ = ["BaseEngine", "FastEngine"]
    ''',
    "engine/base.py": '''
        class BaseEngine:
            name = "base"


        from .impl import FastEngine  # noqa: E402

        DEFAULT = FastEngine
    ''',
    "engine/impl.py": '''
        from .base import BaseEngine


        class FastEngine(BaseEngine):
            name = "fast"
    ''',
})

case("n16_main_guard", {
    "cli/__init__.py": "",
    "cli/commands.py": '''
        from cli.output import echo


        def run(name):
            echo(f"running {name}")


        if __name__ == "__main__":
            from cli.output import main

            main()
    ''',
    "cli/output.py": '''
        def echo(msg):
            print(msg)


        def main():
            echo("main")


        if __name__ == "__main__":
            from cli.commands import run

            run("demo")
    ''',
})

case("n17_same_basename_packages", {
    "shop/__init__.py": "",
    "shop/models.py": '''
        from billing.models import Invoice


        class Order:
            def invoice(self):
                return Invoice(self)
    ''',
    "shop/utils.py": '''
        def money(x):
            return round(x, 2)
    ''',
    "billing/__init__.py": "",
    "billing/models.py": '''
        from shop.utils import money


        class Invoice:
            def __init__(self, order, amount=0):
                self.order = order
                self.amount = money(amount)
    ''',
    "billing/utils.py": '''
        from .models import Invoice


        def empty_invoice():
            return Invoice(None)
    ''',
})

case("n18_apps_ready_deferred", {
    "polls/__init__.py": "",
    "polls/apps.py": '''
        class PollsConfig:
            name = "polls"

            def ready(self):
                from . import signals  # noqa: F401

                return signals.RECEIVERS
    ''',
    "polls/models.py": '''
        from .apps import PollsConfig


        class Question:
            app_config = PollsConfig
    ''',
    "polls/signals.py": '''
        from .models import Question

        RECEIVERS = [Question]


        def config():
            from .apps import PollsConfig

            return PollsConfig()
    ''',
})

case("n19_three_cycle_safe", {
    "inventory/__init__.py": "",
    "inventory/stock.py": '''
        from inventory import warehouse


        class StockLevel:
            def where(self):
                return warehouse.Warehouse()
    ''',
    "inventory/warehouse.py": '''
        from inventory import product


        class Warehouse:
            def products(self):
                return [product.Product()]
    ''',
    "inventory/product.py": '''
        import inventory.stock


        class Product:
            def stock(self):
                return inventory.stock.StockLevel()
    ''',
})

case("n20_class_body_lazy_use", {
    "forms/__init__.py": "",
    "forms/fields.py": '''
        from forms import widgets


        class CharField:
            widget_factory = staticmethod(lambda: widgets.TextInput())

            def __init__(self, widget=None):
                self.widget = widget or widgets.TextInput()
    ''',
    "forms/widgets.py": '''
        from forms import fields


        class TextInput:
            def field(self):
                return fields.CharField(self)
    ''',
})

case("n21_try_except_both_sides", {
    "compat/__init__.py": "",
    "compat/json_impl.py": '''
        try:
            from compat.speedups import fast_dumps as dumps
        except ImportError:
            from json import dumps

        NAME = "json_impl"
    ''',
    "compat/speedups.py": '''
        try:
            from compat.json_impl import NAME as BASE_NAME
        except ImportError:
            BASE_NAME = "unknown"


        def fast_dumps(obj):
            return repr(obj)
    ''',
})

case("n22_package_constant_before_submodule", {
    "metrics/__init__.py": '''
        VERSION = "1.4"
        DEFAULT_NAMESPACE = "app"

        from . import counters  # noqa: E402
        from .counters import Counter  # noqa: E402

        __all__ = ["Counter", "counters", "VERSION"]
    ''',
    "metrics/counters.py": '''
        import metrics
        from metrics import DEFAULT_NAMESPACE

        USER_AGENT = "metrics/" + metrics.VERSION


        class Counter:
            namespace = DEFAULT_NAMESPACE

            def __init__(self, name):
                self.name = name
    ''',
})


def main():
    for name in os.listdir(ROOT):
        p = os.path.join(ROOT, name)
        if os.path.isdir(p) and name[:1] in "cn" and name[1:3].isdigit():
            shutil.rmtree(p)
    for name, files in CASES.items():
        for rel, src in files.items():
            path = os.path.join(ROOT, name, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as fh:
                fh.write(src)
    print(len(CASES), "cases written")


if __name__ == "__main__":
    main()
