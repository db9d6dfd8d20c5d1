from django import template

register = template.Library()


@register.filter
def vnd(amount):
    """12345678 → “12.345.678 đ”; nothing → “—”."""
    if amount is None or amount == "":
        return "—"
    return f"{int(amount):,}".replace(",", ".") + " đ"


@register.filter
def days_left(days):
    if days is None:
        return ""
    if days > 0:
        return f"còn {days} ngày"
    if days == 0:
        return "hạn là hôm nay"
    return f"quá hạn {-days} ngày"


@register.filter
def lines(text):
    return [line for line in (text or "").splitlines() if line.strip()]


@register.filter
def history_type(record):
    return {"+": "Tạo mới", "~": "Sửa đổi", "-": "Xóa"}.get(record.history_type, record.history_type)


@register.filter
def state_label(value):
    from reports.models import TaskState

    return TaskState(value).label if value else ""


@register.filter
def state_short(value):
    from reports.states import SHORT_LABELS

    return SHORT_LABELS[value] if value else ""


@register.filter
def history_model(record):
    return record.instance_type._meta.verbose_name


@register.filter
def person(user):
    """A user's full name, else username; the system when there is nobody."""
    if user is None:
        return "hệ thống"
    return user.get_full_name() or user.username
