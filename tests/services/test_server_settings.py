"""Server settings for "sync now": URL and user in the settings table, the password in the keyring."""
from __future__ import annotations

import keyring
import pytest

from desk_app.domain.errors import ValidationError
from desk_app.services import open_desk, sync_control
from desk_app.services.admin import setup


@pytest.fixture
def ctx(tmp_path):
    setup.init_store(tmp_path / "d", demo=False)
    c = open_desk(tmp_path / "d")
    yield c
    c.close()


def test_connection_says_what_is_missing(ctx) -> None:
    with pytest.raises(ValidationError) as e:
        sync_control.connection(ctx)
    assert e.value.code == "server_not_configured" and "máy chủ" in e.value.vi


def test_first_save_needs_a_password_and_nothing_is_kept_without_one(ctx) -> None:
    with pytest.raises(ValidationError) as e:
        sync_control.save_server_settings(ctx, url="https://motcua.example", username="quay1")
    assert e.value.code == "password_required"
    assert sync_control.server_settings(ctx).url == ""


@pytest.mark.parametrize("url", ["motcua.example", "ftp://x", "https://", "https://a b"])
def test_bad_url_is_refused_before_the_keyring_is_touched(ctx, url) -> None:
    with pytest.raises(ValidationError):
        sync_control.save_server_settings(ctx, url=url, username="quay1", password="pw-123")
    assert keyring.get_password("mot-cua-desk", f"{url.lower()}|quay1") is None


def test_saved_settings_give_a_connection_and_keep_the_password_out_of_the_store(ctx) -> None:
    s = sync_control.save_server_settings(ctx, url="https://motcua.example/", username="quay1",
                                          password="mat-khau-bi-mat")
    assert (s.url, s.username, s.has_password) == ("https://motcua.example", "quay1", True)
    url, creds = sync_control.connection(ctx)
    assert url == "https://motcua.example" and creds.password == "mat-khau-bi-mat"
    # changing the user without retyping the password keeps the saved one only for that user
    with pytest.raises(ValidationError):
        sync_control.save_server_settings(ctx, url="https://motcua.example", username="quay2")
    dump = "\n".join(ctx.store.conn.iterdump())
    assert "mat-khau-bi-mat" not in dump
    assert "quay1" in dump  # the user name is a setting, audited
