"""Where the toolkit's files are kept: in a folder of their own (TOOLKIT_FILES_ROOT), outside
MEDIA_ROOT and without an address, so that a web server serving /media/ (species images, sighting
photos) can never hand out a draft's file, or a published one without counting the download.
The portal's download view (`toolkit:download`) is the only way out."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="toolkit.storage.ToolkitFileStorage")
class ToolkitFileStorage(FileSystemStorage):
    # Read from the settings on every use (not once, as FileSystemStorage does with MEDIA_ROOT).
    @property
    def base_location(self):
        return str(settings.TOOLKIT_FILES_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        """None: these files have no address of their own (so no link can leak the storage path)."""
        return None


toolkit_files = ToolkitFileStorage()
