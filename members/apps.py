from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members"

    def ready(self):
        from allauth.account.signals import email_changed

        email_changed.connect(_email_changed, dispatch_uid="members.account_changed")


def _email_changed(sender, *, user, **kwargs) -> None:
    """A member made another address their primary one in their account settings."""
    from members.services import account_changed

    account_changed(user)
