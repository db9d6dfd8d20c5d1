"""How every form of the site marks a field at fault: Django gives it aria-invalid="true" (what a
screen reader says), and this renderer adds the class "invalid" (what the eye sees, static/css), on
the application's pages and in the admin alike (settings.FORM_RENDERER)."""

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates

INVALID_CLASS = "invalid"


class MarkedBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if not widget.is_hidden and self.errors:
            # The widget's own class would be replaced by this one, not joined: keep both.
            classes = (attrs.get("class") or widget.attrs.get("class") or "").split()
            attrs["class"] = " ".join([*classes, INVALID_CLASS])
        return attrs


class FormRenderer(DjangoTemplates):
    bound_field_class = MarkedBoundField
