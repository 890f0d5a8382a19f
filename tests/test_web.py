"""The web app over plain HTTP, as a browser without JavaScript uses it (forms, redirects, cookies)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import httpx
from conftest import run_cli
from web_fixtures import start_server


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def signed_in(server, role: str = "analyst") -> tuple[httpx.Client, str]:
    c = httpx.Client(base_url=server.url, follow_redirects=True, timeout=60)
    page = c.get("/assess")
    assert page.url.path == "/signin"
    r = c.post("/signin", data={"csrf": csrf_of(page.text), "key": server.tokens[role], "next": "/assess"})
    assert r.status_code == 200 and r.url.path == "/assess"
    return c, csrf_of(r.text)


def test_pages_need_a_signed_in_user(server):
    r = httpx.get(server.url + "/batches")
    assert r.status_code == 303 and r.headers["location"].startswith("/signin?next=/batches")


def test_a_wrong_key_does_not_sign_in(server):
    c = httpx.Client(base_url=server.url, follow_redirects=True)
    page = c.get("/signin")
    r = c.post("/signin", data={"csrf": csrf_of(page.text), "key": "la_nope_nope", "next": "/assess"})
    assert r.status_code == 401 and "unknown or revoked" in r.text and "longarm_session" not in c.cookies


def test_sign_in_cannot_redirect_off_site(server):
    c = httpx.Client(base_url=server.url)
    page = c.get("/signin")
    r = c.post("/signin", data={"csrf": csrf_of(page.text), "key": server.tokens["viewer"], "next": "//evil.example/x"})
    assert r.status_code == 303 and r.headers["location"] == "/assess"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_security_headers(server):
    c, _ = signed_in(server)
    r = c.get("/assess")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in re.sub(r'<script src="/static/htmx.min.js" defer></script>', "", r.text)


def test_assess_form_works_without_javascript(server):
    c, csrf = signed_in(server)
    form = {
        "csrf": csrf,
        "catalog_id": "nvidia-h100-sxm",
        "to_country": "CN",
        "from_country": "US",
        "as_of": "2024-06-01",
        "posture": "text",
        "item_type": "ic",
        "end_uses_known": "unknown",
    }
    r = c.post("/assess", data=form)
    assert r.status_code == 200
    assert re.search(r'id="conclusion"[^>]*>LICENSE REQUIRED<', r.text)
    assert 'href="/regs/742.6?on=2024-06-01"' in r.text


def test_forms_without_the_csrf_token_are_refused(server):
    c, _ = signed_in(server)
    r = c.post("/assess", data={"catalog_id": "nvidia-h100-sxm", "to_country": "CN"})
    assert r.status_code == 403 and r.json()["errors"][0]["field"] == "csrf"
    r = c.post("/assess", data={"csrf": "forged", "catalog_id": "nvidia-h100-sxm", "to_country": "CN"})
    assert r.status_code == 403


def test_viewer_cannot_assess_from_the_page(server):
    c, csrf = signed_in(server, "viewer")
    assert c.post("/assess", data={"csrf": csrf, "to_country": "CN"}).status_code == 403


def test_invalid_form_names_the_field(server):
    c, csrf = signed_in(server)
    r = c.post("/assess", data={"csrf": csrf, "tpp": "lots", "to_country": "CN"})
    assert r.status_code == 422 and "<code>item.tpp</code>" in r.text


def test_party_names_are_escaped(server):
    c, csrf = signed_in(server)
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    r = c.post(
        "/assess",
        data={
            "csrf": csrf,
            "catalog_id": "nvidia-h100-sxm",
            "to_country": "CN",
            "as_of": "2024-06-01",
            "party0_role": "end_user",
            "party0_name": evil,
            "party0_country": "CN",
        },
    )
    assert r.status_code == 200 and evil not in r.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    r = c.get("/screen", params={"name": evil})
    assert evil not in r.text and "&lt;script&gt;" in r.text


def test_undetermined_answers_rerun_the_transaction(server):
    c, csrf = signed_in(server)
    r = c.post(
        "/assess",
        data={
            "csrf": csrf,
            "catalog_id": "nvidia-h100-sxm",
            "to_country": "CN",
            "from_country": "US",
            "as_of": "2022-10-06",
            "end_uses_known": "declared",
        },
    )
    assert re.search(r'id="conclusion"[^>]*>UNDETERMINED<', r.text) and 'name="answer:item.eccn"' in r.text
    tx = re.search(r'name="tx" value="([^"]+)"', r.text).group(1)
    import html

    r = c.post("/assess", data={"csrf": csrf, "tx": html.unescape(tx), "answer:item.eccn": "EAR99"})
    assert r.status_code == 200 and not re.search(r'id="conclusion"[^>]*>UNDETERMINED<', r.text)


def test_screen_page(server):
    c, _ = signed_in(server, "viewer")
    r = c.get("/screen", params={"name": "华为", "country": "CN"})
    assert r.status_code == 200 and "Entity List" in r.text and "License requirement" in r.text
    assert c.get("/screen", params={"name": "x", "type": "dragon"}).status_code == 422


def test_upload_page_checks_the_file(server):
    c, csrf = signed_in(server)
    r = c.post("/batches", data={"csrf": csrf}, files={"file": ("book.txt", b"order_id,to_country\n1,CN\n")})
    assert r.status_code == 422 and "<code>file</code>" in r.text
    r = c.post("/batches", files={"file": ("book.csv", b"order_id,to_country\n1,CN\n")})
    assert r.status_code == 403  # no CSRF token
    r = c.post("/batches", data={"csrf": csrf}, files={"file": ("book.csv", b"order_id,to_country\n1,CN\n")})
    assert r.status_code == 200 and re.match(r"/batches/[0-9a-f]+$", r.url.path)
    job = r.url.path
    other, _ = signed_in(server, "admin")
    assert other.get(job).status_code == 404 and other.get(job + "/download?format=csv").status_code == 404


def test_regulation_text_by_date(server):
    c, _ = signed_in(server, "viewer")
    r = c.get("/regs/742.6", params={"on": "2023-06-01"})
    assert "from 2023-01-18 to 2023-11-16" in r.text and "China or Macau" in r.text
    r = c.get("/regs/742.6", params={"on": "2025-03-01"})
    assert "from 2025-01-15" in r.text
    r = c.get("/regs/742.6", params={"on": "2022-01-01"})
    assert "No bundled version of this section was in force on 2022-01-01" in r.text
    assert c.get("/regs/999.9").status_code == 404


def test_other_pages_render(server):
    c, _ = signed_in(server, "viewer")
    for path in ("/chips?as_of=2023-01-01", "/audit", "/regs", "/diff", "/whatif", "/timeline", "/batches"):
        r = c.get(path)
        assert r.status_code == 200, path
    assert "<svg" in c.get("/chips").text
    assert httpx.get(server.url + "/static/htmx.LICENSE").status_code == 200


def test_sign_out_ends_the_session(server):
    c, csrf = signed_in(server, "viewer")
    c.post("/signout", data={"csrf": csrf})
    assert c.get("/audit").url.path == "/signin"


def test_no_auth_only_on_loopback():
    proc = run_cli("serve", "--no-auth", "--host", "0.0.0.0")
    assert proc.returncode == 2 and "--no-auth" in proc.stderr


def test_no_auth_serves_the_local_user():
    srv = start_server(Path(tempfile.mkdtemp()) / "longarm.sqlite", "--no-auth")
    try:
        c = httpx.Client(base_url=srv.url, follow_redirects=True)
        r = c.get("/assess")
        assert r.status_code == 200 and r.url.path == "/assess" and "local user" in r.text
        assert httpx.post(srv.url + "/v1/assess", json={"to_country": "CN"}).status_code == 401  # the API keeps keys
    finally:
        srv.stop()


def test_revoked_keys_lose_api_and_pages(server):
    token = server.key("short-lived", "viewer")
    key_id = token.split("_")[1]
    c = httpx.Client(base_url=server.url, follow_redirects=True)
    page = c.get("/signin")
    c.post("/signin", data={"csrf": csrf_of(page.text), "key": token, "next": "/audit"})
    assert c.get("/audit").url.path == "/audit"
    assert run_cli("keys", "revoke", key_id, "--store", str(server.store)).returncode == 0
    assert c.get("/audit").url.path == "/signin"
    assert httpx.get(server.url + "/v1/chips", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_both_postures_side_by_side_where_they_differ(server):
    c, csrf = signed_in(server)
    form = {
        "csrf": csrf,
        "catalog_id": "nvidia-h100-sxm",
        "from_country": "US",
        "to_country": "DE",
        "origin_country": "US",
        "as_of": "2025-06-01",
        "posture": "text",
        "end_uses_known": "declared",
        "party0_role": "end_user",
        "party0_name": "Example Compute GmbH",
        "party0_country": "DE",
        "party0_headquarters_country": "DE",
        "party0_ultimate_parent_headquarters_country": "DE",
    }
    r = c.post("/assess", data=form)
    assert "Both postures" in r.text
    side = r.text[r.text.index("Both postures") :]
    assert "LICENSE EXCEPTION" in side and "NLR" in side
    r = c.post("/assess", data={**form, "as_of": "2024-06-01"})
    assert "Both postures" not in r.text  # the same under both: one answer
