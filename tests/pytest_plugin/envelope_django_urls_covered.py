"""A URLconf where every error, including 404s from routing and 405s, is an envelope."""

from __future__ import annotations

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from tests.pytest_plugin import envelope_django_views as views

router = SimpleRouter()
router.register("products", views.ProductViewSet, basename="product")

shop_patterns = [path("items/<uuid:token>/", views.shop_item)]

urlpatterns = [
    path("orders/", views.OrderListView.as_view()),
    path("orders/new/", views.create_order),
    path("orders/<int:pk>/", views.order_detail),
    path("shops/<slug:shop>/", include(shop_patterns)),
    re_path(r"^archive/(?P<year>[0-9]{4})/$", views.archive),
    re_path(r"^(?:old|older)/stuff/$", views.archive),
    path("api/", include(router.urls)),
    path("api/ping/", views.drf_ping),
]

handler404 = views.handler404
handler500 = views.handler500
