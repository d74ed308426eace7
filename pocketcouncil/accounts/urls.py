from django.urls import include, path

from pocketcouncil.accounts import oidc
from pocketcouncil.accounts.views import profile, staff, stepup

urlpatterns = [
    # allauth's OpenID Connect views, with private_key_jwt added (see accounts/oidc.py).
    path("accounts/oidc/<str:provider_id>/login/", oidc.login, name="openid_connect_login"),
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        oidc.callback,
        name="openid_connect_callback",
    ),
    path("accounts/", include("allauth.urls")),
    path("your-account/", profile.profile, name="accounts-profile"),
    path("your-account/data/", profile.data, name="accounts-data"),
    path("your-account/name/", profile.name, name="accounts-name"),
    path("your-account/mobile/", profile.mobile, name="accounts-mobile"),
    path("your-account/mobile/code/", profile.mobile_code, name="accounts-mobile-code"),
    path("your-account/mobile/remove/", profile.mobile_remove, name="accounts-mobile-remove"),
    path("your-account/home/", profile.home, name="accounts-home"),
    path("your-account/places/add/", profile.place_add, name="accounts-place-add"),
    path("your-account/places/<int:pk>/", profile.place_edit, name="accounts-place-edit"),
    path(
        "your-account/places/<int:pk>/remove/",
        profile.place_remove,
        name="accounts-place-remove",
    ),
    path("your-account/topics/", profile.interests, name="accounts-interests"),
    path("your-account/contact/", profile.channels, name="accounts-channels"),
    path("your-account/identity/", profile.identity, name="accounts-identity"),
    path("your-account/identity/remove/", profile.identity_remove, name="accounts-identity-remove"),
    path(
        "your-account/sign-out-everywhere/",
        profile.sign_out_everywhere,
        name="accounts-sign-out-everywhere",
    ),
    path("more-needed/<str:token>/", stepup.stepup_page, name="accounts-stepup"),
    path("staff/", staff.staff_home, name="accounts-staff-home"),
    path("staff/assist/", staff.assist, name="accounts-staff-assist"),
    path("staff/assist/stop/", staff.assist_stop, name="accounts-staff-assist-stop"),
    path("staff/identity-check/", staff.identity_check, name="accounts-staff-identity"),
    path("staff/<slug:slug>/roles/", staff.roles, name="accounts-staff-roles"),
    path(
        "staff/<slug:slug>/roles/<int:pk>/remove/",
        staff.role_remove,
        name="accounts-staff-role-remove",
    ),
]
