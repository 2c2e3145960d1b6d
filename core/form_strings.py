"""Django's own form and validator messages, repeated here so that they get good Vietnamese.

Django 5.2's Vietnamese catalogue leaves some of these untranslated (so a peer saw English
next to a Vietnamese field) and renders others awkwardly ("Nhập một số tổng thể", a stray
space before the full stop). The core app's catalogue takes precedence over Django's, so the
translations in core/locale/vi win. Nothing imports this module: it exists for makemessages.
"""

from django.utils.translation import gettext_lazy, ngettext_lazy

FORM_STRINGS = (
    gettext_lazy("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_lazy("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_lazy("Enter a whole number."),
    gettext_lazy("Enter a valid email address."),
    # ProhibitNullCharactersValidator, on every CharField (Django's vi catalogue is empty here).
    gettext_lazy("Null characters are not allowed."),
    gettext_lazy("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_lazy("Select a valid choice. That choice is not one of the available choices."),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
)
