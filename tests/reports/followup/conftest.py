"""The world of the board's tests (`made`), shared by the board's modules."""

from tests.reports.followup.test_board import made  # noqa: F401 (a fixture)
