from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    # allauth's email addresses are listed as "Accounts" already.
    verbose_name = "Users"
