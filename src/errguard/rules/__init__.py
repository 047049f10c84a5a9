"""One rule per module. ``errguard.registry.load_rules`` imports them all; nothing to list here."""
