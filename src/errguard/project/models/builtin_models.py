"""Django's contrib models, described by hand for projects whose index does not include Django.

Project models point at them (``ForeignKey(settings.AUTH_USER_MODEL)``) and subclass them
(``class User(AbstractUser)``); knowing their fields and relations lets the N+1 analysis follow
``order.customer.user.groups`` instead of stopping at the project's edge.
"""

from __future__ import annotations

from dataclasses import dataclass

from errguard.project.models.classes import RawField

_F = "field"


@dataclass(frozen=True)
class BuiltinModel:
    app_label: str
    name: str
    raw_fields: tuple[RawField, ...]
    abstract: bool = False
    unique_together: tuple[tuple[str, ...], ...] = ()

    def fields(self) -> dict[str, RawField]:
        return {f.name: f for f in self.raw_fields}


def _fields(*names: str, unique: tuple[str, ...] = ()) -> tuple[RawField, ...]:
    return tuple(RawField(name, _F, unique=name in unique) for name in names)


_BASE_USER = _fields("id", "password", "last_login")
_PERMISSIONS = (
    *_fields("is_superuser"),
    RawField("groups", "m2m", target="auth.Group", related_name="user_set"),
    RawField("user_permissions", "m2m", target="auth.Permission", related_name="user_set"),
)
_USER = (
    *_BASE_USER,
    *_PERMISSIONS,
    *_fields(
        "username",
        "first_name",
        "last_name",
        "email",
        "is_staff",
        "is_active",
        "date_joined",
        unique=("username",),
    ),
)

BUILTIN_MODELS: dict[str, BuiltinModel] = {
    "django.contrib.auth.base_user.AbstractBaseUser": BuiltinModel(
        "auth", "AbstractBaseUser", _BASE_USER, abstract=True
    ),
    "django.contrib.auth.models.AbstractBaseUser": BuiltinModel(
        "auth", "AbstractBaseUser", _BASE_USER, abstract=True
    ),
    "django.contrib.auth.models.PermissionsMixin": BuiltinModel(
        "auth", "PermissionsMixin", _PERMISSIONS, abstract=True
    ),
    "django.contrib.auth.models.AbstractUser": BuiltinModel(
        "auth", "AbstractUser", _USER, abstract=True
    ),
    "django.contrib.auth.models.User": BuiltinModel("auth", "User", _USER),
    "django.contrib.auth.models.Group": BuiltinModel(
        "auth",
        "Group",
        (
            *_fields("id", "name", unique=("name",)),
            RawField("permissions", "m2m", target="auth.Permission"),
        ),
    ),
    "django.contrib.auth.models.Permission": BuiltinModel(
        "auth",
        "Permission",
        (
            *_fields("id", "name", "codename"),
            RawField("content_type", "fk", target="contenttypes.ContentType"),
        ),
        unique_together=(("content_type", "codename"),),
    ),
    "django.contrib.contenttypes.models.ContentType": BuiltinModel(
        "contenttypes",
        "ContentType",
        _fields("id", "app_label", "model"),
        unique_together=(("app_label", "model"),),
    ),
    "django.contrib.sites.models.Site": BuiltinModel(
        "sites", "Site", _fields("id", "domain", "name", unique=("domain",))
    ),
    "django.contrib.sessions.models.Session": BuiltinModel(
        "sessions", "Session", _fields("session_key", "session_data", "expire_date")
    ),
    "django.contrib.admin.models.LogEntry": BuiltinModel(
        "admin",
        "LogEntry",
        (
            *_fields("id", "action_time", "object_id", "object_repr", "action_flag"),
            RawField("user", "fk", target="settings.AUTH_USER_MODEL"),
            RawField("content_type", "fk", target="contenttypes.ContentType", null=True),
        ),
    ),
}
