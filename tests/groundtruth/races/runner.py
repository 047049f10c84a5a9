"""Call every ``case_*`` of raceapp.cases twice with the same arguments (the second call finds
what the first created), then once more with new ones; print the JSON results.

Usage: python runner.py <directory holding raceapp>
"""

import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from django_sandbox import setup  # noqa: E402

setup(sys.argv[1], "raceapp")

cases = importlib.import_module("raceapp.cases")
calls = [("ann@example.com", "Ann"), ("ann@example.com", "Ann"), ("bob@example.com", "Bob")]
results = {
    name: [getattr(cases, name)(*arguments) for arguments in calls]
    for name in sorted(dir(cases))
    if name.startswith("case_")
}
json.dump(results, sys.stdout, sort_keys=True)
