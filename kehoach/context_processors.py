from django.conf import settings


def site_context() -> dict:
    """What every page calls the application and its owner (SITE_NAME, SITE_OWNER)."""
    return {"site": {"name": settings.SITE_NAME, "owner": settings.SITE_OWNER}}


def site(request):
    return site_context()
