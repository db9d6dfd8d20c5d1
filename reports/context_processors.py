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
            "board": permissions.can_view_board(user),
            "escalations": permissions.can_view_escalations(user),
            "funds": permissions.can_view_funds(user),
            "consolidated": permissions.can_export_consolidated(user),
            "admin": user.is_staff,
        }
    }
