"""Baselines: record a code base's findings once, then report only new ones.

``fingerprint`` says what identifies a finding across edits, ``store`` reads and writes the
baseline file, ``matching`` pairs a run's findings with its entries, and ``use`` is what the
command line, ``fix`` and the flake8 plugin call.
"""
