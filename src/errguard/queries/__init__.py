"""Query recording and runtime N+1 detection behind errguard's pytest plugin (private).

The public surface is the pytest plugin (``errguard.pytest_plugin.queries``): the ``queries``
fixture, the ``max_queries`` and ``allow_nplusone`` markers and the ``--nplusone`` option. The
modules that import Django (``django_api``, ``recorder``, ``tagging``, ``nplusone``, ``runtime``)
are imported only once Django's settings are configured; the others need neither Django nor
sqlparse until a report is built.
"""
