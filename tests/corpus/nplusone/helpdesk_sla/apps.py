from django.apps import AppConfig


class HelpdeskSlaConfig(AppConfig):
    name = "helpdesk_sla"
    verbose_name = "Helpdesk"

    def ready(self):
        from . import signals  # noqa: F401
