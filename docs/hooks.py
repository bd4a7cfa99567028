"""MkDocs hook: nav entries whose page does not exist (yet) are dropped with an info message, so
the nav can name pages that other branches are adding. Every page that does exist must be in
the nav (mkdocs.yml: validation.omitted_files is a warning, and the build is --strict)."""

from __future__ import annotations

import logging
import os

log = logging.getLogger("mkdocs.hooks.nav")


def _keep(item, docs_dir: str):
    if isinstance(item, str):
        return item if _exists(item, docs_dir) else None
    if isinstance(item, dict):
        out = {}
        for title, value in item.items():
            if isinstance(value, list):
                kept = [k for k in (_keep(v, docs_dir) for v in value) if k is not None]
                if kept:
                    out[title] = kept
            elif isinstance(value, str) and not _exists(value, docs_dir):
                log.info("nav: %s (%s) is not in docs/ yet: left out", title, value)
            else:
                out[title] = value
        return out or None
    return item


def _exists(path: str, docs_dir: str) -> bool:
    if "://" in path:
        return True
    return os.path.isfile(os.path.join(docs_dir, path))


def on_config(config, **_):
    nav = config.get("nav")
    if nav:
        config["nav"] = [k for k in (_keep(i, config["docs_dir"]) for i in nav) if k is not None]
    return config
