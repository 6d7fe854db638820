"""The demo data set, built from the portal's source pages: one TOML file per page, loaded
through the services by ``load_demo()`` (the ``load_demo`` management command)."""

from .loader import DemoReport, load_demo

__all__ = ["DemoReport", "load_demo"]
