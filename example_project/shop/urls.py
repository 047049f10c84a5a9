from django.urls import path

from shop import views

urlpatterns = [
    path("orders/", views.create_order, name="create-order"),
    path("orders/<int:order_id>/", views.order_detail, name="order-detail"),
    path("orders/<int:order_id>/pay/", views.pay_order, name="pay-order"),
    path("products/import/", views.import_products, name="import-products"),
]
