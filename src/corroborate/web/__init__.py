"""The web face: HTML pages, a JSON API and local API docs over a store."""

from corroborate.web.app import create_app

__all__ = ["create_app"]
