"""Logging in on a partnership's host needs an active membership there (superusers excepted)."""

from functools import wraps

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from pinnacle.membership import request_membership


class PartnershipMemberBackend(AuthenticationBackend):
    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is None or request is None or user.is_superuser:
            return user
        if user.membership_in(getattr(request, "partnership", None)) is None:
            return None
        return user

    def get_user(self, user_id):
        return super().get_user(user_id)


def member_required(view):
    """Views for logged-in partner members of the request's partnership; sets `request.member`."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.member = request_membership(request)
        if request.member is None:
            raise Http404("Not a member of this partnership.")
        return view(request, *args, **kwargs)

    return wrapper


def leadership_required(view):
    @member_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.member.is_leadership:
            raise Http404("Leadership only.")
        return view(request, *args, **kwargs)

    return wrapper
