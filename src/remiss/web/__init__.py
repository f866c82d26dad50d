"""The coordinators' desk: FastAPI pages rendered on the server, htmx for partial updates."""

from remiss.web.app import create_app

__all__ = ["create_app"]
