"""Print every labelled line (and negatives) so line numbers can be eyeballed."""
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for l in json.load(open(os.path.join(ROOT, "labels.json"))):
    src = open(os.path.join(ROOT, l["path"])).read().splitlines()[l["line"] - 1]
    print("%s %s:%d  %s" % (l["code"], l["path"], l["line"], src.strip()))
