from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The portal's user; allauth signs people in by their (verified) email address."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    # The one account that the command line, Celery beat and the demo loader act as
    # (``core.permissions.system_actor``): inactive, without a usable password.
    is_system_actor = models.BooleanField(_("system actor"), default=False, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["is_system_actor"],
                condition=models.Q(is_system_actor=True),
                name="user_one_system_actor",
            ),
            models.CheckConstraint(
                condition=models.Q(is_system_actor=False) | models.Q(is_active=False),
                name="user_system_actor_inactive",
            ),
        ]

    def __str__(self) -> str:
        if self.is_system_actor:
            return str(_("System"))
        return self.display_name or self.get_full_name() or self.email or self.username
