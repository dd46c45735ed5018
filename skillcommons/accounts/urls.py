"""Pages of this app, mounted at the site root."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "accounts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("people/", views.directory, name="directory"),
    # User names may contain spaces and any script; reverse() percent-encodes them.
    path("people/<str:username>/", views.profile, name="profile"),
    path("me/edit/", views.edit_profile, name="edit"),
    path("me/data/", views.my_data, name="data"),
    path("me/delete/", views.delete_account, name="delete"),
    path("me/tokens/", views.tokens, name="tokens"),
    path("me/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
]
