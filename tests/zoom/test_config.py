"""ZoomConfig from the environment, credential checks, the https rule and secret-free reprs."""

from __future__ import annotations

import ssl
from dataclasses import replace

import pytest

from reconciler.zoom import (
    ConfigError,
    InsecureURLError,
    MissingCredentials,
    ZoomClient,
    ZoomConfig,
)
from reconciler.zoom.auth import AccessToken
from reconciler.zoom.client import certificates_for
from reconciler.zoom.config import is_loopback_host

ENV = {
    "ZOOM_API_BASE_URL": "http://127.0.0.1:8123/v2/",
    "ZOOM_OAUTH_TOKEN_URL": "http://127.0.0.1:8123/oauth/token",
    "ZOOM_ACCOUNT_ID": "MASTER1",
    "ZOOM_CLIENT_ID": "client-1",
    "ZOOM_CLIENT_SECRET": "very-secret-value",
    "ZOOM_RATE_TIER": "PRO",
}


def test_from_env_reads_every_variable() -> None:
    config = ZoomConfig.from_env(ENV)
    assert config == ZoomConfig(
        api_base_url="http://127.0.0.1:8123/v2",
        oauth_token_url="http://127.0.0.1:8123/oauth/token",
        account_id="MASTER1",
        client_id="client-1",
        client_secret="very-secret-value",
        rate_tier="pro",
    )
    assert config.uses_oauth


def test_from_env_defaults_and_flag_overrides() -> None:
    config = ZoomConfig.from_env({}, access_token="tok-from-flag", rate_tier=None)
    assert config.api_base_url == "https://api.zoom.us/v2"
    assert config.oauth_token_url == "https://zoom.us/oauth/token"
    assert config.rate_tier == "business"
    assert config.access_token == "tok-from-flag"
    assert not config.uses_oauth
    config.require_credentials()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ZOOM_RATE_TIER": "enterprise"}, "ZOOM_RATE_TIER='enterprise' is not a rate tier"),
        ({"ZOOM_TIMEOUT_S": "soon"}, "ZOOM_TIMEOUT_S='soon' is not a positive number"),
        ({"ZOOM_TIMEOUT_S": "0"}, "ZOOM_TIMEOUT_S='0' is not a positive number"),
    ],
)
def test_from_env_rejects_bad_values(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ZoomConfig.from_env(env)
    assert str(caught.value).startswith(message)


def test_missing_credentials_name_the_variables() -> None:
    config = ZoomConfig.from_env({"ZOOM_CLIENT_ID": "c"})
    with pytest.raises(MissingCredentials) as caught:
        ZoomClient(config)
    assert str(caught.value) == (
        "Zoom credentials missing: set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_SECRET (Server-to-Server "
        "OAuth app of the master account), or ZOOM_ACCESS_TOKEN to use a ready token"
    )


@pytest.mark.parametrize(
    "url", ["http://example.com/v2", "http://10.0.0.1/v2", "http://localhost.evil.com/v2"]
)
def test_plain_http_to_a_real_host_is_refused(url: str) -> None:
    config = ZoomConfig(api_base_url=url, access_token="t")
    with pytest.raises(InsecureURLError) as caught:
        ZoomClient(config)
    assert "https is required" in str(caught.value)


def test_plain_http_oauth_url_is_refused_only_when_oauth_is_used() -> None:
    insecure = "http://zoom.example/oauth/token"
    with pytest.raises(InsecureURLError, match="ZOOM_OAUTH_TOKEN_URL"):
        ZoomClient(
            ZoomConfig(oauth_token_url=insecure, account_id="a", client_id="b", client_secret="c")
        )
    ZoomClient(ZoomConfig(oauth_token_url=insecure, access_token="t"))


def test_not_a_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="not an http"):
        ZoomClient(ZoomConfig(api_base_url="ftp://api.zoom.us/v2", access_token="t"))


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("128.0.0.1", False),
        ("example.com", False),
        ("::2", False),
        # Only loopback literals and exactly localhost: a name's answer is the resolver's choice.
        ("zoom.localhost", False),
        ("localhost.", False),
        ("localhost.example.com", False),
        ("127.1", False),
        ("::ffff:127.0.0.1", False),
        ("::1%lo", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_https_and_loopback_urls_are_accepted() -> None:
    ZoomClient(ZoomConfig(access_token="t"))
    ZoomClient(ZoomConfig(api_base_url="http://[::1]:9000/v2", access_token="t"))
    ZoomClient(ZoomConfig(api_base_url="http://localhost:9000/v2", access_token="t"))


def test_reprs_carry_no_secret() -> None:
    config = ZoomConfig.from_env({**ENV, "ZOOM_ACCESS_TOKEN": "the-access-token"})
    client = ZoomClient(config)
    for text in (repr(config), str(config), repr(client), repr(client.tokens)):
        assert "very-secret-value" not in text
        assert "the-access-token" not in text
    assert "the-access-token" not in repr(AccessToken(value="the-access-token", use_until=1.0))


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://[::1", "is not a valid URL (Invalid IPv6 URL)"),
        ("https://[::1]]/v2", "is not a valid URL"),
        ("https://api.zoom.us:99999/v2", "is not a valid URL"),
        ("https://api.zoom.us:x/v2", "is not a valid URL"),
        ("https://api.zoom.us/v2\n", "contains spaces or control characters"),
        ("https:///v2", "is not an http(s) URL"),
    ],
)
def test_a_malformed_url_is_a_config_error_naming_the_variable(url: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ZoomClient(ZoomConfig(api_base_url=url, access_token="t"))
    assert str(caught.value).startswith(f"ZOOM_API_BASE_URL {url!r} ")
    assert problem in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://admin:pa55word@api.zoom.us/v2",
        "https://admin:pa55word@[::1/v2",
        "http://pa55word@localhost/",
    ],
)
def test_a_url_with_user_info_is_refused_without_quoting_it(url: str) -> None:
    with pytest.raises(ConfigError, match="must not carry a user name or password") as caught:
        ZoomClient(ZoomConfig(api_base_url=url, access_token="t"))
    assert "pa55word" not in str(caught.value)


def test_only_a_client_with_an_https_url_loads_root_certificates() -> None:
    """The sandbox's plain-http client skips loading some 150 roots; it cannot speak TLS to
    anything (a verifying context that trusts no certificate fails closed)."""
    assert certificates_for(ZoomConfig(access_token="t")) is True  # httpx's default: certifi
    loopback = ZoomConfig(
        api_base_url="http://127.0.0.1:9000/v2",
        oauth_token_url="http://127.0.0.1:9000/oauth/token",
        account_id="a",
        client_id="c",
        client_secret="s",
    )
    context = certificates_for(loopback)
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 0
    oauth_over_tls = replace(loopback, oauth_token_url="https://zoom.us/oauth/token")
    assert certificates_for(oauth_over_tls) is True
    token_given = replace(oauth_over_tls, access_token="t")  # OAuth is not called at all
    assert isinstance(certificates_for(token_given), ssl.SSLContext)
