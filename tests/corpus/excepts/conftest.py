import os
import shutil
import tempfile

import pytest
from django.core.cache import cache


@pytest.fixture
def media_root(settings):
    path = tempfile.mkdtemp(prefix="media-")
    settings.MEDIA_ROOT = path
    yield path
    try:
        shutil.rmtree(path)
    except:
        pass


@pytest.fixture(autouse=True)
def clear_cache():
    yield
    cache.clear()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def test_upload_rejects_empty(api_client, media_root):
    resp = api_client.post("/api/upload/", {})
    assert resp.status_code == 400
    assert os.listdir(media_root) == []


def test_parse_amount_invalid():
    from billing.utils import parse_amount

    with pytest.raises(ValueError):
        parse_amount("12,,5")
