"""URLs of the test identity provider (see idp.py)."""
from django.contrib.auth import views as auth_views
from django.urls import include, path
from oidc_provider.lib.claims import ScopeClaims

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view()),
    path("openid/", include("oidc_provider.urls", namespace="oidc_provider")),
]


def userinfo(claims, user):
    claims["name"] = user.get_full_name()
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    claims["email"] = user.email
    claims["email_verified"] = True
    return claims


class GroupScopeClaims(ScopeClaims):
    """The `groups` scope: the user's Django groups in a `groups` claim (for group mappings)."""

    info_groups = ("Groups", "The groups you belong to.")

    def scope_groups(self):
        return {"groups": sorted(group.name for group in self.user.groups.all())}
