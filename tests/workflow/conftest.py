from tests.services.conftest import ctx, demo_dir, demo_template, desk_dir, mini_template  # noqa: F401
