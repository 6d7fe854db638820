# ruff: noqa: E501 - each message is written as its package writes it
"""Messages that pages of the portal show from other packages and that those packages' own
Greek or Polish catalogues lack: django-import-export and django-simple-history ship no Greek
catalogue, and Django's Greek admin catalogue misses its newest messages ("Show counts").

They are listed here only so that ``make messages`` extracts them into ``locale/el`` and
``locale/pl``, which take precedence over the packages' catalogues (``LOCALE_PATHS``). When one of
these packages is upgraded, ``tests/core/test_translations.py`` names any message of theirs
still missing here.
"""

from django.utils.translation import gettext_lazy, ngettext_lazy

MESSAGES = (
    # django-import-export
    gettext_lazy("Import"),
    gettext_lazy("%s through import_export"),
    gettext_lazy("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
    gettext_lazy(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen the correct format for the file."
    ),
    gettext_lazy(
        "No valid data to import. Ensure your file has the correct headers or data for import."
    ),
    gettext_lazy("Export"),
    gettext_lazy("Export selected %(verbose_name_plural)s"),
    gettext_lazy("export failed due to IllegalCharacterError"),
    gettext_lazy("Resource"),
    gettext_lazy("Format"),
    gettext_lazy("File to import"),
    gettext_lazy("Form is not validated, call `is_valid` first"),
    gettext_lazy('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_lazy(
        "The following fields are declared in 'import_id_fields' but are not present in the resource fields: %s"
    ),
    gettext_lazy(
        "The following fields are declared in 'import_id_fields' but are not present in the file headers: %s"
    ),
    gettext_lazy("call to force_str() on instance failed: %s"),
    gettext_lazy("Home"),
    ngettext_lazy("Export %(len)s selected item.", "Export %(len)s selected items.", 1),
    gettext_lazy("This exporter will export the following fields: "),
    gettext_lazy("Select all"),
    gettext_lazy("Submit"),
    gettext_lazy(
        "Below is a preview of data to be imported. If you are satisfied with the results, click 'Confirm import'"
    ),
    gettext_lazy("Confirm import"),
    gettext_lazy("Errors"),
    gettext_lazy("Line number"),
    gettext_lazy("Some rows failed to validate"),
    gettext_lazy(
        "Please correct these errors in your data where possible, then reupload it using the form above."
    ),
    gettext_lazy("Row"),
    gettext_lazy("Non field specific"),
    gettext_lazy("Preview"),
    gettext_lazy("New"),
    gettext_lazy("Skipped"),
    gettext_lazy("Delete"),
    gettext_lazy("Update"),
    gettext_lazy("This importer will import the following fields: "),
    gettext_lazy("Value could not be parsed."),
    gettext_lazy("use_natural_foreign_keys and key_is_id cannot both be True"),
    # django-simple-history
    gettext_lazy("View history: %s"),
    gettext_lazy("Change history: %s"),
    gettext_lazy('The %(name)s "%(obj)s" was changed successfully.'),
    gettext_lazy("You may edit it again below"),
    gettext_lazy("View %s"),
    gettext_lazy("Revert %s"),
    gettext_lazy("Created"),
    gettext_lazy("Changed"),
    gettext_lazy("Deleted"),
    gettext_lazy("Deleted %(type_name)s"),
    gettext_lazy(
        "Choose a date from the list below to revert to a previous version of this object."
    ),
    gettext_lazy("This object doesn't have a change history."),
    gettext_lazy("History"),
    gettext_lazy("View %(verbose_name)s"),
    gettext_lazy("Revert %(verbose_name)s"),
    gettext_lazy("View on site"),
    gettext_lazy("Press the 'Revert' button below to revert to this version of the object."),
    gettext_lazy("Press the 'Change History' button below to edit the history."),
    gettext_lazy("Object"),
    gettext_lazy("Date/time"),
    gettext_lazy("Comment"),
    gettext_lazy("Changed by"),
    gettext_lazy("Change reason"),
    gettext_lazy("Changes"),
    gettext_lazy("None"),
    ngettext_lazy("entry", "entries", 1),
    gettext_lazy("Revert"),
    gettext_lazy("Change History"),
    gettext_lazy("Close"),
    # Django (admin)
    gettext_lazy("Select this object for an action - {}"),
    gettext_lazy("Breadcrumbs"),
    gettext_lazy("Model name"),
    gettext_lazy("Add link"),
    gettext_lazy("Change or view list link"),
    gettext_lazy("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_lazy("Error:"),
    gettext_lazy("Set password"),
    gettext_lazy(
        "This action will <strong>enable</strong> password-based authentication for this user."
    ),
    gettext_lazy("Disable password-based authentication"),
    gettext_lazy("Enable password-based authentication"),
    gettext_lazy("Skip to main content"),
    gettext_lazy("Hide counts"),
    gettext_lazy("Show counts"),
    gettext_lazy("Toggle theme (current theme: auto)"),
    gettext_lazy("Toggle theme (current theme: light)"),
    gettext_lazy("Toggle theme (current theme: dark)"),
    gettext_lazy("Added:"),
    gettext_lazy("Changed:"),
    gettext_lazy("Deleted:"),
    gettext_lazy("Forgotten your login credentials?"),
    gettext_lazy("Sidebar"),
    gettext_lazy("Start typing to filter…"),
    gettext_lazy("Filter navigation items"),
    gettext_lazy("View selected %(model)s"),
    gettext_lazy("Thanks for spending some quality time with the web site today."),
    gettext_lazy("In case you’ve forgotten, you are:"),
    gettext_lazy("Select all objects on this page for an action"),
    # Django (auth)
    gettext_lazy("Conflicting form data submitted. Please try again."),
    gettext_lazy("Password-based authentication was disabled."),
    gettext_lazy("Set password: %s"),
    gettext_lazy("Reset password"),
    gettext_lazy(
        "Whether the user will be able to authenticate using a password or not. If disabled, they may still be able to authenticate using other backends, such as Single Sign-On or LDAP."
    ),
    gettext_lazy("Password-based authentication"),
    gettext_lazy("Enabled"),
    gettext_lazy("Disabled"),
    gettext_lazy("Raw passwords are not stored, so there is no way to see the user’s password."),
    gettext_lazy("Enable password-based authentication for this user by setting a password."),
    gettext_lazy("block size"),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        1,
    ),
    gettext_lazy(
        "Enter a valid username. This value may contain only unaccented lowercase a-z and uppercase A-Z letters, numbers, and @/./+/-/_ characters."
    ),
    # Django (core)
    gettext_lazy("Central Kurdish (Sorani)"),
    gettext_lazy("Malay"),
    gettext_lazy("Uyghur"),
    gettext_lazy("…"),
    gettext_lazy("Enter a valid domain name."),
    gettext_lazy("Enter a valid %(protocol)s address."),
    gettext_lazy("IPv4"),
    gettext_lazy("IPv6"),
    gettext_lazy("IPv4 or IPv6"),
    gettext_lazy("Ensure this value is a multiple of step size %(limit_value)s."),
    gettext_lazy(
        "Ensure this value is a multiple of step size %(limit_value)s, starting from %(offset)s, e.g. %(offset)s, %(valid_value1)s, %(valid_value2)s, and so on."
    ),
    gettext_lazy("Constraint “%(name)s” is violated."),
    gettext_lazy("String (unlimited)"),
    gettext_lazy("%(model)s instance with %(field)s %(value)r is not a valid choice."),
    gettext_lazy(
        "ManagementForm data is missing or has been tampered with. Missing fields: %(field_names)s. You may need to file a bug report if the issue persists."
    ),
    ngettext_lazy("Please submit at most %(num)d form.", "Please submit at most %(num)d forms.", 1),
    ngettext_lazy(
        "Please submit at least %(num)d form.", "Please submit at least %(num)d forms.", 1
    ),
    ngettext_lazy("%(num)d year", "%(num)d years", 1),
    ngettext_lazy("%(num)d month", "%(num)d months", 1),
    ngettext_lazy("%(num)d week", "%(num)d weeks", 1),
    ngettext_lazy("%(num)d day", "%(num)d days", 1),
    ngettext_lazy("%(num)d hour", "%(num)d hours", 1),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", 1),
    gettext_lazy(
        "You are seeing this message because this HTTPS site requires a “Referer header” to be sent by your web browser, but none was sent. This header is required for security reasons, to ensure that your browser is not being hijacked by third parties."
    ),
)
