from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo newsroom and the benchmark corpus: tools for trying and
    measuring Newsroom, installed with DEBUG or INSTALL_DEMO=1, never needed
    to serve it."""

    name = "demo"
    verbose_name = "Demo and benchmarks"
