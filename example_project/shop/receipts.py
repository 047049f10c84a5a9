"""Plain-text receipts."""


def render_receipt(order):
    lines = [f"Order {order.pk} for {order.customer.name}"]
    items = order.items.select_related("product")
    lines += [f"{item.quantity} x {item.product.name}" for item in items]
    lines.append(f"Total: {order.total_cents() / 100:.2f}")
    return "\n".join(lines)
