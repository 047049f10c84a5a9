"""A URLconf where errors bypass the envelope: Django's HTML 404 and 500, an empty 405."""

from __future__ import annotations

from django.urls import path

from tests.pytest_plugin import envelope_django_views as views

urlpatterns = [
    path("orders/<int:pk>/", views.order_detail),
    path("legacy/<int:pk>/", views.legacy_order),
    path("import/", views.import_products),
]
