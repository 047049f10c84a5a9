"""Error-envelope checks behind :mod:`errguard.testing` (private: import from there).

``responses`` reads any supported HTTP response into one shape, ``check`` validates its body
against a ``schema`` (fields, the ``catalog`` of code prefixes, ``leaks``), and ``sweep`` probes
every route of a project for answers that bypass the error handler.
"""
