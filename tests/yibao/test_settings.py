"""Where messages' links point: an address staff cannot open is said, not silent."""
from __future__ import annotations

import pytest

from yibao.settings import public_url_warning


@pytest.mark.parametrize("url", ["http://localhost:8080/yibao", "http://127.0.0.1:9/yibao", "http://[::1]/yibao",
                                 "http://airflow.localhost/yibao", "http://0.0.0.0:8080/yibao", "http://127.1/yibao"])
def test_a_loopback_public_url_is_warned_about(monkeypatch, url):
    monkeypatch.setenv("YIBAO_PUBLIC_URL", url)
    assert "loopback address" in public_url_warning()


def test_an_unset_public_url_is_warned_about(monkeypatch):
    monkeypatch.delenv("YIBAO_PUBLIC_URL", raising=False)
    assert public_url_warning().startswith("YIBAO_PUBLIC_URL is not set")


@pytest.mark.parametrize("url", ["https://airflow.hospital.example.cn/yibao", "http://10.1.2.3:8080/yibao",
                                 "http://yibao/yibao", "http://192.168.1.20/yibao"])
def test_an_address_others_reach_is_not_warned_about(monkeypatch, url):
    monkeypatch.setenv("YIBAO_PUBLIC_URL", url)
    assert public_url_warning() is None
