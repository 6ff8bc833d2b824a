"""Renderers: one module per CMS family, discovered automatically.

A renderer module defines a class with ``family = "<family>"`` and
``handle(self, site: MirrorSite, req: Request) -> Response | None`` (None = 404),
and may define ``default_site() -> MirrorSite`` which ``yibao.mirror.content``
picks up for the default scenario.

Division of work with the server (``yibao.mirror.server``):
- the server handles robots.txt, the generic failure modes ``challenge_412``,
  ``ruishu``, ``503`` and ``slow`` (it delays, then calls the renderer), and adds
  ETag/Last-Modified + 304 to every 200 text/html GET response;
- renderers handle ``site.failure == "redesign"`` (list container renamed) and
  ``"empty"`` (a valid list page with zero records) themselves.
Renderers build hrefs with :func:`site_href` so links resolve on the mirror.
"""
from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any, Protocol

from yibao.mirror.model import MirrorSite, Request, Response


class Renderer(Protocol):
    family: str

    def handle(self, site: MirrorSite, req: Request) -> Response | None: ...


def site_href(site: MirrorSite, path: str) -> str:
    """'/col/col104/index.html' -> '/nhsa/col/col104/index.html'."""
    return f"/{site.id}{path if path.startswith('/') else '/' + path}"


def family_modules() -> dict[str, ModuleType]:
    """Every renderer module in this package, keyed by module name."""
    mods: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            mods[info.name] = importlib.import_module(f"{__name__}.{info.name}")
    return mods


def discover_renderers() -> dict[str, Any]:
    """family -> renderer instance, for every class with a ``family`` and ``handle``."""
    renderers: dict[str, Any] = {}
    for mod in family_modules().values():
        for obj in vars(mod).values():
            if isinstance(obj, type) and getattr(obj, "__module__", "") == mod.__name__ \
                    and isinstance(getattr(obj, "family", None), str) and callable(getattr(obj, "handle", None)):
                renderers[obj.family] = obj()
    return renderers
