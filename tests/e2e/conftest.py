from tests.backends import *  # noqa: F401,F403
