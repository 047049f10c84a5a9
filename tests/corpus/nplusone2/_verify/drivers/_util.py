from django.contrib.auth import get_user_model
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

rf = RequestFactory()


def superuser(name="root"):
    User = get_user_model()
    return User.objects.create_superuser(name, f"{name}@example.com", "pw")


def users(n, prefix="user"):
    User = get_user_model()
    return [User.objects.create_user(f"{prefix}{i}", f"{prefix}{i}@example.com", "pw") for i in range(n)]


def get(path="/", user=None, **params):
    req = rf.get(path, params)
    req.user = user
    req._messages = CookieStorage(req)
    return req


def post(path="/", data=None, user=None):
    req = rf.post(path, data or {})
    req.user = user
    req._messages = CookieStorage(req)
    return req


def render(resp):
    if hasattr(resp, "render") and not getattr(resp, "is_rendered", True):
        resp.render()
    return resp
