"""Geometry drawn on a map widget in a form, read as safely as an uploaded file.

Django's geometry form fields hand the posted text to GDAL, which follows a `crs` link in it (see
gisfiles), accepts infinite coordinates, and, when the form is shown again with an error, raises an
exception GDAL's widget code does not catch (a 500). `DrawnGeometryField` reads the text with
`gisfiles.read_geojson` instead, and `DrawnGeometryAdmin` gives it to every geometry field of an
admin.
"""

from django.contrib.gis import forms as gis_forms
from django.contrib.gis.db import models as gis_models
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .gisfiles import GeometryFileError, read_geojson


class DrawnGeometryField(gis_forms.GeometryField):
    """A geometry drawn on a map: parsed without GDAL, finite, of the field's type, and (if
    `bounds`, west/south/east/north degrees, is given) inside those bounds."""

    default_error_messages = {
        "outside": _("Put it inside %(area)s: that spot is outside it."),
        "empty": _("The map's drawing is empty. Draw it again."),
    }

    def __init__(self, *, bounds=None, bounds_name=None, **kwargs):
        super().__init__(**kwargs)
        self.bounds, self.bounds_name = bounds, bounds_name or _("Great Britain and its seas")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str):
            return super().to_python(value)
        try:
            collection = read_geojson(value)
        except GeometryFileError as error:
            raise ValidationError(
                _("The map's drawing couldn't be read. %(reason)s Draw it again.")
                % {"reason": error.message},
                code="invalid_geom",
            ) from None
        return collection[0] if len(collection) == 1 else collection

    def clean(self, value):
        geometry = super().clean(value)
        if geometry is not None and geometry.empty:  # no extent to check, nothing to store
            raise ValidationError(self.error_messages["empty"], code="empty")
        if geometry is not None and self.bounds:
            west, south, east, north = self.bounds
            xmin, ymin, xmax, ymax = geometry.extent
            if not (west <= xmin and xmax <= east and south <= ymin and ymax <= north):
                raise ValidationError(
                    self.error_messages["outside"], code="outside", params={"area": self.bounds_name}
                )
        return geometry

    def bound_data(self, data, initial):
        """The posted drawing to show again, or the stored one if the drawing can't be read (the
        widget would otherwise hand it to GDAL again, which cannot read an empty one either)."""
        if isinstance(data, str) and data.strip():
            try:
                collection = read_geojson(data)
            except GeometryFileError:
                return initial
            if not len(collection) or any(geometry.empty for geometry in collection):
                return initial
        return data


class DrawnGeometryAdmin:
    """Admin mixin (before LeafletGeoAdmin or LeafletGeoAdminMixin): every geometry field is a
    DrawnGeometryField, within `geometry_bounds` when set."""

    geometry_bounds = None

    def formfield_for_dbfield(self, db_field, request=None, **kwargs):
        if isinstance(db_field, gis_models.GeometryField) and db_field.editable:
            kwargs.setdefault("form_class", DrawnGeometryField)
            if self.geometry_bounds:
                kwargs.setdefault("bounds", self.geometry_bounds)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
