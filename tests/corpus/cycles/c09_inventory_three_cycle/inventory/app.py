"""Entry point outside the cycle."""
from inventory.stock import StockLevel


def main():
    return StockLevel(5)
