"""The Django model index: what each module says about its models (classes), resolved across
modules (index), with Django's own contrib models, attribute reads and prefetched lookups."""
