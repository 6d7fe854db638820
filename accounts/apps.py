from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from allauth.account import signals as account_signals
        from allauth.mfa import signals as mfa_signals
        from django.apps import apps
        from django.contrib.auth.signals import user_logged_in

        # modeltranslation works out every model's relations while it registers the
        # translations, before the change-history models (registered after it, in the apps'
        # translation.py) exist, and the registry refreshes nothing until it is ready. Refresh
        # them, or deleting an account that authored history would not unlink those rows and
        # fail on their foreign key.
        for model in apps.get_models(include_auto_created=True):
            model._meta._expire_cache()

        from . import receivers, services  # noqa: F401 - services register the User writer

        user_logged_in.connect(receivers.session_started, dispatch_uid="accounts.session_started")
        for name in ("authenticator_added", "authenticator_removed", "authenticator_reset"):
            getattr(mfa_signals, name).connect(
                receivers.authenticators_changed, dispatch_uid=f"accounts.mfa.{name}"
            )
        for name in ("password_set", "password_changed", "password_reset"):
            getattr(account_signals, name).connect(
                receivers.password_changed, dispatch_uid=f"accounts.account.{name}"
            )
        for name in ("email_added", "email_removed", "email_changed"):
            getattr(account_signals, name).connect(
                receivers.email_addresses_changed, dispatch_uid=f"accounts.account.{name}"
            )
