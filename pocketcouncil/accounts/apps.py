from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pocketcouncil.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from allauth.account.decorators import secure_admin_login
        from django.contrib import admin

        from pocketcouncil.accounts import personal_data, receivers

        receivers.connect()
        personal_data.register_accounts()
        # Django admin signs in through allauth, so two-factor authentication applies there too.
        admin.site.login = secure_admin_login(admin.site.login)
