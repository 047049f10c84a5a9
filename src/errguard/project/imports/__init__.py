"""The import graph: per-module import facts, a fast byte scan, the graph, the replay of an
import in a fresh interpreter, and the cycles that crash (EG501) or are fragile (EG502)."""
