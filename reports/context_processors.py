from . import permissions


def navigation(request):
    """What the navigation bar offers this user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            "reviews": permissions.reviews_reports(user),
            "periods": permissions.can_manage_periods(user),
            "board": permissions.follows_up(user),
            "escalations": permissions.follows_up(user),
            "funds": permissions.can_view_funds(user),
            "consolidated": permissions.follows_up(user),
            "admin": user.is_staff,
        }
    }
