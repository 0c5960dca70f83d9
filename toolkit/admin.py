"""The toolkit's admin, one module per part."""

from . import admin_materials  # noqa: F401
