from django.urls import path

from shop import views

urlpatterns = [
    path("orders/", views.create_order, name="create-order"),
    path("orders/<int:order_id>/", views.order_detail, name="order-detail"),
    path("orders/<int:order_id>/pay/", views.pay_order, name="pay-order"),
    path("orders/<int:order_id>/receipt/", views.order_receipt, name="order-receipt"),
    path("reports/orders/", views.order_report, name="order-report"),
    path("reports/sales/", views.sales_report, name="sales-report"),
    path("reports/stock/", views.stock_report, name="stock-report"),
    path("products/import/", views.import_products, name="import-products"),
]
