from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data: the accounts of `make run` and the province-scale data set of `seed_demo`."""

    name = "kehoach.demo"
    label = "demo"
    verbose_name = "Dữ liệu mẫu"
