from django.urls import path

from . import exports, views

app_name = "lab"

urlpatterns = [
    path("worklist/", views.worklist, name="worklist"),
    path("patients/<str:mrn>/history/", views.patient_history, name="patient-history"),
    path("orders/<int:order_id>/critical/", views.first_critical, name="order-critical"),
    path("export/results.csv", exports.export_results_csv, name="export-results"),
]
