"""Failure triage: failed tests grouped by root cause, classified, compared with the last run.

``fingerprint`` turns one failure (an exception and its traceback) into a JSON-able record with
a stable hash, ``classify`` names its category, ``summary`` groups the records of a session into
causes, ``history`` compares them with the previous run. The pytest hooks are in
``errguard.pytest_plugin.triage``; nothing here imports Django or pytest.
"""
