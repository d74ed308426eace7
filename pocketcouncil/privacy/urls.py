from django.urls import path

from pocketcouncil.privacy import views

app_name = "privacy"

urlpatterns = [
    path("your-account/privacy/", views.privacy, name="centre"),
    path("your-account/privacy/<int:pk>/agree/", views.consent_grant, name="consent-grant"),
    path("your-account/privacy/<int:pk>/stop/", views.consent_withdraw, name="consent-withdraw"),
    path("your-account/privacy/who-has-looked/", views.access_log, name="access-log"),
]
