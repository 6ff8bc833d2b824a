"""Shared fixtures for the per-family scraper tests.

A test module that sets `site_mod` (its yibao.mirror.sites module) and `SITE_ID` gets a
module-scoped mirror serving that one site, its base URL and the site object. Modules
that define their own `mirror` fixture keep theirs.
"""
from __future__ import annotations

import pytest

from yibao.mirror.server import MirrorServer


@pytest.fixture(scope="module")
def mirror(request):
    with MirrorServer(sites=[request.module.site_mod.default_site()]) as srv:
        yield srv


@pytest.fixture(scope="module")
def base(mirror, request) -> str:
    return f"{mirror.base_url}/{request.module.SITE_ID}"


@pytest.fixture(scope="module")
def site(mirror, request):
    return mirror.sites[request.module.SITE_ID]

