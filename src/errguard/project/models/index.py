"""The project's Django models, resolved across modules: fields, relations both ways, managers.

Built from :class:`RawClass` records (one module at a time, cacheable) by resolving bases and
relation targets, inheriting fields from abstract and concrete parents, and adding the reverse
accessors Django creates (``author.book_set``, ``user.profile``, or the ``related_name``).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import ItemsView, Iterable, Iterator, ValuesView
from dataclasses import dataclass, field

from errguard.project.models.builtin_models import BUILTIN_MODELS, BuiltinModel
from errguard.project.models.classes import RawClass, RawField, RawMember
from errguard.project.reads import record

DJANGO_MODEL_BASES = frozenset(
    {
        "django.db.models.Model",
        "django.db.models.base.Model",
        "django.contrib.gis.db.models.Model",
        "django.contrib.auth.models.AbstractUser",
        "django.contrib.auth.models.AbstractBaseUser",
        "django.contrib.auth.base_user.AbstractBaseUser",
        "django.contrib.auth.models.PermissionsMixin",
        "django.contrib.sessions.base_session.AbstractBaseSession",
    }
)
FORWARD = frozenset({"fk", "o2o", "m2m", "gfk", "generic"})
SINGLE_VALUED = frozenset({"fk", "o2o", "gfk", "reverse_o2o"})
DEFAULT_MANAGERS = ("objects",)
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# Django's own queryset and manager methods: a project class defining one with loading (a
# filter set's ``filter()``) says nothing about the querysets that call Django's.
_QUERYSET_API = frozenset(
    {
        "all", "filter", "exclude", "order_by", "distinct", "reverse", "annotate", "alias",
        "using", "none", "extra", "select_for_update", "get_queryset", "get", "first", "last",
        "union", "intersection", "difference", "iterator", "create", "update", "delete",
    }
)  # fmt: skip
ALWAYS_MANAGERS = ("_default_manager", "_base_manager")


@dataclass(frozen=True)
class Relation:
    """An accessor on a model that reaches other rows."""

    name: str
    kind: str  # fk, o2o, m2m, gfk, generic, reverse_fk, reverse_o2o, reverse_m2m
    target: str | None  # model key, None when the target is outside the index
    null: bool = False
    # For a reverse foreign key: the foreign key on the related model that points back.
    remote: str = ""

    @property
    def single(self) -> bool:
        """Accessing it yields one object (select_related), not a manager (prefetch_related)."""
        return self.kind in SINGLE_VALUED

    @property
    def selectable(self) -> bool:
        """``select_related`` can follow it (forward FK/one-to-one, reverse one-to-one)."""
        return self.kind in ("fk", "o2o", "reverse_o2o")


@dataclass
class ModelInfo:
    key: str
    name: str
    module: str
    app_label: str
    line: int = 0
    abstract: bool = False
    ordered: bool = False
    fields: dict[str, RawField] = field(default_factory=dict)
    relations: dict[str, Relation] = field(default_factory=dict)
    managers: tuple[str, ...] = DEFAULT_MANAGERS
    members: dict[str, RawMember] = field(default_factory=dict)
    unique_sets: list[frozenset[str]] = field(default_factory=list)
    # A class the project does not define, known to be a model only from its use
    # (``Order.objects``): its fields and relations are unknown.
    inferred: bool = False

    @property
    def label(self) -> str:
        return f"{self.app_label}.{self.name}"

    def is_manager(self, name: str) -> bool:
        return name in self.managers or name in ALWAYS_MANAGERS

    def attname_of(self, name: str) -> str | None:
        """``author`` for ``author_id``: the FK whose raw column value this attribute is."""
        if name.endswith("_id"):
            relation = self.relations.get(name[:-3])
            if relation is not None and relation.kind in ("fk", "o2o"):
                return relation.name
        return None

    def is_unique(self, names: Iterable[str]) -> bool:
        lookup = {name.removesuffix("_id") for name in names} - {"pk"}
        if {"pk", "id"} & set(names):
            return True
        return any(group <= lookup for group in self.unique_sets)


class _RecordedModels(dict[str, ModelInfo]):
    """The models by key; a rule that looks one up reads that model, one that goes through
    them all reads the whole index."""

    def get(self, key: str, default: ModelInfo | None = None) -> ModelInfo | None:  # type: ignore[override]
        record("model-key", key)
        return super().get(key, default)

    def values(self) -> ValuesView[ModelInfo]:  # type: ignore[override]
        record("models")
        return super().values()

    def items(self) -> ItemsView[str, ModelInfo]:  # type: ignore[override]
        record("models")
        return super().items()

    def __iter__(self) -> Iterator[str]:
        record("models")
        return super().__iter__()


class _RecordedNames(set[str]):
    """Method names the index knows; a rule testing one reads the whole set."""

    def __init__(self, kind: str, names: Iterable[str]) -> None:
        super().__init__(names)
        self.kind = kind

    def __contains__(self, name: object) -> bool:
        record(self.kind)
        return super().__contains__(name)


def app_label_for(module: str) -> str:
    """Django's default app label: the app package's last component (``shop`` for shop.models)."""
    parts = module.split(".")
    if "models" in parts:
        parts = parts[: parts.index("models")]
    elif len(parts) > 1:
        parts = parts[:-1]
    return (parts[-1] if parts else module).lower()


class ModelIndex:
    """Look up models by qualified class name or by ``app_label.Model`` label."""

    def __init__(self, classes: Iterable[RawClass], auth_user_model: str = "auth.User") -> None:
        self.classes = {f"{raw.module}.{raw.name}": raw for raw in classes}
        self._auth_user_model = auth_user_model
        self._model_memo: dict[str, bool] = {}
        self.models: dict[str, ModelInfo] = {}
        self._by_label: dict[str, str] = {}
        self._by_name: defaultdict[str, list[str]] = defaultdict(list)
        self.loading_methods: set[str] = set()
        self.known_methods: set[str] = set()
        self._by_short: defaultdict[str, list[str]] = defaultdict(list)
        for key in (*self.classes, *BUILTIN_MODELS):
            self._by_short[key.rpartition(".")[2]].append(key)
        self._key_memo: dict[str, str | None] = {}
        self._inferred: dict[str, ModelInfo] = {}
        self._build()
        # From here on, what rules read is noted (see ``project.reads``), by name where it can be.
        self.models = _RecordedModels(self.models)
        self.known_methods = _RecordedNames("model-known-methods", self.known_methods)
        self.loading_methods = _RecordedNames("model-loading-methods", self.loading_methods)

    @property
    def auth_user_model(self) -> str:
        record("model-user")
        return self._auth_user_model

    # -- lookups -----------------------------------------------------------------------------
    def get(self, qualified: str | None) -> ModelInfo | None:
        """The model a qualified class name denotes, following package re-exports."""
        record("model", qualified or "")
        if not qualified:
            return None
        key = self._class_key(qualified)
        return self.models.get(key) if key else None

    def inferred(self, qualified: str) -> ModelInfo | None:
        """A model the index cannot read (imported from outside the project, or from a file
        that is not there), named ``qualified``; None when the project defines that class and it
        is not a model."""
        record("model-inferred", qualified)
        if self._class_key(qualified) is not None:
            return self.get(qualified)
        info = self._inferred.get(qualified)
        if info is None:
            module, _, name = qualified.rpartition(".")
            info = ModelInfo(qualified, name, module, app_label_for(module), inferred=True)
            self._inferred[qualified] = info
        return info

    def named_like(self, variable: str) -> ModelInfo | None:
        """The one concrete model whose class name is ``variable`` in CamelCase (``pick_order``:
        ``PickOrder``), the usual name of a variable holding one of its rows."""
        record("model-named", variable)
        keys = self._by_snake.get(variable, ())
        if len(keys) != 1:
            return None
        info = self.models[keys[0]]
        return None if info.abstract else info

    @functools.cached_property
    def _by_snake(self) -> dict[str, list[str]]:
        found: defaultdict[str, list[str]] = defaultdict(list)
        for key, info in dict.items(self.models):
            found[_CAMEL_BOUNDARY.sub("_", info.name).lower()].append(key)
        return found

    def method_owner(self, key: str, name: str) -> RawClass | None:
        """The nearest class of a model's ancestry that defines method ``name``."""
        record("model-method", f"{key} {name}")
        return next((raw for raw in self._ancestry(key) if name in raw.methods), None)

    def by_label(self, label: str) -> ModelInfo | None:
        record("model-label", label)
        key = self._by_label.get(label.lower())
        return self.models.get(key) if key else None

    def __len__(self) -> int:
        record("model-count")
        return len(self.models)

    @property
    def model_modules(self) -> frozenset[str]:
        """Modules that define models, and ``models`` packages above them (``shop.models``)."""
        record("model-modules")
        return self._model_modules

    @functools.cached_property
    def _model_modules(self) -> frozenset[str]:
        modules = set()
        for info in dict.values(self.models):
            modules.add(info.module)
            package = info.module.rpartition(".")[0]
            if package.endswith(".models") or package == "models":
                modules.add(package)
        return frozenset(modules)

    def _class_key(self, qualified: str) -> str | None:
        """The key of the class a name denotes; ``pkg.models.Book`` finds ``pkg.models.book.Book``
        when the package re-exports it (one candidate only)."""
        if qualified in self.classes or qualified in self.models:
            return qualified
        if qualified not in self._key_memo:
            package, _, name = qualified.rpartition(".")
            candidates = {k for k in self._by_short.get(name, ()) if k.startswith(f"{package}.")}
            self._key_memo[qualified] = candidates.pop() if len(candidates) == 1 else None
        return self._key_memo[qualified]

    # -- building ----------------------------------------------------------------------------
    def _is_model(self, key: str, seen: frozenset[str] = frozenset()) -> bool:
        if key in self._model_memo:
            return self._model_memo[key]
        raw = self.classes[key]
        result = False
        for base in raw.bases:
            base_key = self._class_key(base)
            if base in DJANGO_MODEL_BASES or base in BUILTIN_MODELS:
                result = True
            elif base_key is not None and base_key not in seen and base_key in self.classes:
                result = self._is_model(base_key, seen | {key})
            elif base_key is None and raw.fields:
                # A third-party base we cannot read (TimeStampedModel, MPTTModel): model fields
                # declared with django.db.models make it a model all the same.
                result = True
            if result:
                break
        self._model_memo[key] = result
        return result

    def _build(self) -> None:
        for raw in self.classes.values():
            self.known_methods.update(raw.methods)
            self.loading_methods.update(raw.loading_methods)
        self._add_indirect_loading_methods()
        model_keys = [key for key in self.classes if self._is_model(key)]
        for qualified, spec in BUILTIN_MODELS.items():
            if qualified not in self.classes:
                self.models[qualified] = _builtin_info(qualified, spec)
        for key in model_keys:
            self.models[key] = self._model_info(key)
        for key, info in self.models.items():
            self._by_label.setdefault(info.label.lower(), key)
            self._by_name[info.name].append(key)
        for info in self.models.values():
            self._resolve_targets(info)
        for info in list(self.models.values()):
            if not info.abstract:
                self._add_reverse_relations(info)

    def _add_indirect_loading_methods(self) -> None:
        """A custom manager or queryset method that calls one changing loading changes it too
        (``last_changes()`` ending in ``.prefetch_for_render()``); methods are known by name,
        as they are called on querysets whose class is not tracked."""
        calls = [
            (name, frozenset(called) - _QUERYSET_API)
            for raw in self.classes.values()
            for name, called in raw.method_calls
        ]
        changed = True
        while changed:
            changed = False
            for name, called in calls:
                if name not in self.loading_methods and not self.loading_methods.isdisjoint(called):
                    self.loading_methods.add(name)
                    changed = True

    def _ancestry(self, key: str) -> list[RawClass]:
        """The class and its model ancestors, nearest first, each once."""
        order: list[RawClass] = []
        stack, seen = [key], set()
        while stack:
            current = stack.pop(0)
            if current in seen or current not in self.classes:
                continue
            seen.add(current)
            order.append(self.classes[current])
            stack.extend(
                base_key
                for base in self.classes[current].bases
                if (base_key := self._class_key(base)) is not None
            )
        return order

    def _model_info(self, key: str) -> ModelInfo:
        raw = self.classes[key]
        ancestry = self._ancestry(key)
        info = ModelInfo(
            key=key,
            name=raw.name,
            module=raw.module,
            app_label=(raw.app_label or app_label_for(raw.module)).lower(),
            line=raw.line,
            abstract=raw.abstract,
        )
        managers: list[str] = []
        info.ordered = any(ancestor.ordered for ancestor in ancestry)
        for ancestor in reversed(ancestry):
            info.fields.update({f.name: f for f in ancestor.fields})
            info.members.update({m.name: m for m in ancestor.members})
            managers.extend(m for m in ancestor.managers if m not in managers)
            info.unique_sets.extend(frozenset(group) for group in ancestor.unique_together)
        for base in raw.bases:  # builtin parents (AbstractUser) bring their fields too
            spec = BUILTIN_MODELS.get(base)
            if spec is not None:
                info.fields = {**spec.fields(), **info.fields}
        info.managers = tuple(managers) or DEFAULT_MANAGERS
        info.unique_sets.extend(
            frozenset({f.name}) for f in info.fields.values() if f.unique or f.primary_key
        )
        return info

    def _target_key(self, target: str | None, owner: ModelInfo) -> str | None:
        if not target:
            return None
        if target == "self":
            return owner.key
        if target == "settings.AUTH_USER_MODEL":
            target = self.auth_user_model
        if "." in target and target.count(".") == 1 and target.lower() in self._by_label:
            return self._by_label[target.lower()]
        if "." not in target:
            same_app = self._by_label.get(f"{owner.app_label}.{target}".lower())
            if same_app:
                return same_app
            named = self._by_name.get(target, [])
            return named[0] if len(named) == 1 else None
        found = self._class_key(target)
        return found if found in self.models else None

    def _resolve_targets(self, info: ModelInfo) -> None:
        for raw in info.fields.values():
            if raw.kind in FORWARD:
                target = None if raw.kind == "gfk" else self._target_key(raw.target, info)
                info.relations[raw.name] = Relation(raw.name, raw.kind, target, raw.null)

    def _add_reverse_relations(self, source: ModelInfo) -> None:
        for raw in source.fields.values():
            if raw.kind not in ("fk", "o2o", "m2m"):
                continue
            target = self.models.get(source.relations[raw.name].target or "")
            accessor = self._reverse_accessor(raw, source)
            if target is None or accessor is None:
                continue
            if raw.kind == "m2m" and raw.target == "self":
                continue  # symmetrical by default: no reverse accessor
            kind = {"fk": "reverse_fk", "o2o": "reverse_o2o", "m2m": "reverse_m2m"}[raw.kind]
            remote = raw.name if raw.kind == "fk" else ""
            target.relations.setdefault(
                accessor, Relation(accessor, kind, source.key, True, remote)
            )

    @staticmethod
    def _reverse_accessor(raw: RawField, source: ModelInfo) -> str | None:
        if raw.related_name is not None:
            if raw.related_name.endswith("+"):
                return None
            return raw.related_name % {
                "class": source.name.lower(),
                "model_name": source.name.lower(),
                "app_label": source.app_label,
            }
        lower = source.name.lower()
        return lower if raw.kind == "o2o" else f"{lower}_set"


def _builtin_info(qualified: str, spec: BuiltinModel) -> ModelInfo:
    fields = spec.fields()
    unique = [frozenset({f.name}) for f in fields.values() if f.unique or f.name == "id"]
    return ModelInfo(
        key=qualified,
        name=spec.name,
        module=qualified.rpartition(".")[0],
        app_label=spec.app_label,
        abstract=spec.abstract,
        fields=fields,
        unique_sets=unique + [frozenset(group) for group in spec.unique_together],
    )
