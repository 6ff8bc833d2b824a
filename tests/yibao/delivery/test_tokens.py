import pytest

from yibao.delivery.tokens import (LinkSecretMissing, TokenExpired, TokenInvalid, link_secret, make_token,
                                   sign_link, verify_token)

S = b"unit-test-secret"


def test_round_trip_and_link_shape():
    url = sign_link("https://h.example.cn/yibao/", "ack", "dlv-42", secret=S, ttl_s=3600, now=1_000)
    assert url.startswith("https://h.example.cn/yibao/l/") and url.endswith("#ack")
    claims = verify_token(url.rsplit("/", 1)[1].removesuffix("#ack"), secret=S, now=2_000)
    assert (claims.action, claims.delivery_id, claims.expires_at) == ("ack", "dlv-42", 4_600)


def test_unsubscribe_and_read_links_point_at_the_app_pages():
    unsub = sign_link("https://h.example.cn/yibao", "unsubscribe", "7", secret=S, ttl_s=60, now=0)
    read = sign_link("https://h.example.cn/yibao", "read", "7.3", secret=S, ttl_s=60, now=0)
    assert unsub.startswith("https://h.example.cn/yibao/u/") and "#" not in unsub
    assert read.startswith("https://h.example.cn/yibao/l/") and "#" not in read


def test_tamper_wrong_secret_and_garbage():
    tok = make_token("read", "d1", secret=S, ttl_s=60, now=0)
    payload, mac = tok.split(".")
    forged = make_token("unsubscribe", "d1", secret=b"other", ttl_s=60, now=0).split(".")[0]
    with pytest.raises(TokenInvalid, match="signature"):
        verify_token(f"{forged}.{mac}", secret=S, now=1)
    with pytest.raises(TokenInvalid):
        verify_token(tok, secret=b"other", now=1)
    for junk in ["", "abc", "a.b.c", "!!.??", f"{payload}."]:
        with pytest.raises(TokenInvalid):
            verify_token(junk, secret=S, now=1)


def test_expiry():
    tok = make_token("quiz", "d1", secret=S, ttl_s=60, now=0)
    assert verify_token(tok, secret=S, now=59).action == "quiz"
    with pytest.raises(TokenExpired, match="d1"):
        verify_token(tok, secret=S, now=60)


def test_bad_arguments():
    with pytest.raises(ValueError):
        make_token("delete", "d1", secret=S, ttl_s=60)
    with pytest.raises(ValueError):
        make_token("read", "d1", secret=S, ttl_s=0)


def test_secret_sources():
    assert link_secret({"YIBAO_LINK_SECRET": "abc"}) == b"abc"
    dev = link_secret({"YIBAO_DEV": "1"})
    assert dev and dev != b"abc"
    with pytest.raises(LinkSecretMissing):
        link_secret({})
