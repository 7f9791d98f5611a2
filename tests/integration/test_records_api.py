"""The /api/v1 metadata records on a real server: an upload by a publisher starts as a draft that
only its owner (and admins) can see, on the record and on the data; edits with If-Match and their
history; submission, return with a comment, approval by another reviewer, retirement and
reopening, each visible or invisible as the workflow says; usage counts of record views; harvest
sources for admins only and harvested records read-only."""
import json
import os
import time
import urllib.parse

import pytest

from conftest import DATA, Server

PASSWORD = "Records-pass-2026"
USERS = [("pat", "publisher"), ("pia", "publisher"), ("rita", "reviewer"), ("rex", "reviewer")]


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = Server(str(tmp_path_factory.mktemp("records")))
    s.keys = {"admin": s.admin_key, "anon": None}
    for name, role in USERS:
        s.cli("user", "add", name, "--role", role, "--password-stdin", input=PASSWORD + "\n")
        s.keys[name] = s.cli("key", "add", "--user", name, "--name", "tests").stdout.strip()
    s.start()
    yield s
    s.stop()


def call(s, who, method, path, body=None, headers=None):
    h = dict(headers or {})
    if s.keys[who]:
        h["X-API-Key"] = s.keys[who]
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    return s.request(method, path, body=data, headers=h)


def get(s, who, path):
    return call(s, who, "GET", path)


def problem_code(r):
    assert r.header("Content-Type").startswith("application/problem+json"), r.body[:300]
    return r.json()["code"]


def step(s, who, record_id, action, comment=None):
    body = None if comment is None else {"comment": comment}
    return call(s, who, "POST", f"/api/v1/records/{record_id}/{action}", body)


def upload_as(s, who, filename, dataset_id):
    with open(os.path.join(DATA, filename), "rb") as f:
        body = f.read()
    q = urllib.parse.urlencode({"filename": filename, "id": dataset_id})
    r = s.request("POST", f"/api/v1/datasets?{q}", body=body,
                  headers={"X-API-Key": s.keys[who], "Content-Type": "application/octet-stream"})
    assert r.status == 202, r.body[:400]
    job = s.wait_job(r.json()["id"], publish=False)
    assert job["state"] == "succeeded", job


def visible_to(s, who, record_id):
    rec = get(s, who, f"/api/v1/records/{record_id}").status
    items = get(s, who, f"/ogc/collections/{record_id}/items?limit=1").status
    assert rec == items, (who, rec, items)
    return rec == 200


def test_workflow_visibility_and_history(srv):
    s = srv
    upload_as(s, "pat", "london_cycle_hire.geojson", "bikes")

    # An API upload is a draft of its uploader: record and data are 404 to everyone else.
    rec = get(s, "pat", "/api/v1/records/bikes")
    assert rec.status == 200, rec.body[:300]
    r = rec.json()
    assert (r["state"], r["owner"], r["dataset_id"], r["feature_count"]) == ("draft", "pat", "bikes", 742)
    assert visible_to(s, "pat", "bikes") and visible_to(s, "admin", "bikes")
    for who in ("anon", "pia", "rita"):
        assert not visible_to(s, who, "bikes"), who
    assert problem_code(get(s, "anon", "/api/v1/records/bikes")) == "record-not-found"
    assert [x["id"] for x in get(s, "anon", "/api/v1/records").json()["records"]] == []
    assert [x["id"] for x in get(s, "pat", "/api/v1/records").json()["records"]] == ["bikes"]

    # Edit with If-Match; a stale version is refused with 412.
    etag = rec.header("ETag")
    assert etag == f'"v{r["version"]}"'
    r2 = call(s, "pat", "PATCH", "/api/v1/records/bikes",
              {"title": "London cycle hire stations", "keywords": ["cycling", "bicycles"],
               "topic": "transportation", "licence": "CC0-1.0"}, headers={"If-Match": etag})
    assert r2.status == 200, r2.body[:300]
    assert r2.json()["title"] == "London cycle hire stations"
    assert r2.json()["version"] == r["version"] + 1
    assert r2.header("ETag") == f'"v{r["version"] + 1}"'
    stale = call(s, "pat", "PATCH", "/api/v1/records/bikes", {"title": "Lost"}, headers={"If-Match": etag})
    assert stale.status == 412 and problem_code(stale) == "precondition-failed"
    assert call(s, "pia", "PATCH", "/api/v1/records/bikes", {"title": "Mine"}).status == 404
    bad = call(s, "pat", "PATCH", "/api/v1/records/bikes", {"topic": "roads"})
    assert bad.status == 400 and problem_code(bad) == "invalid-record"
    last = get(s, "pat", "/api/v1/records/bikes/history").json()["changes"][-1]
    assert (last["action"], last["actor"], last["from"], last["to"]) == ("updated", "pat", "draft", "draft")
    assert last["changes"]["title"]["to"] == "London cycle hire stations"
    assert last["changes"]["keywords"]["to"] == ["cycling", "bicycles"]

    # Submit: reviewers see it (and its data) now, the public does not.
    sub = step(s, "pat", "bikes", "submit")
    assert sub.status == 200 and sub.json()["state"] == "submitted", sub.body[:300]
    assert problem_code(step(s, "pat", "bikes", "submit")) == "invalid-transition"
    assert visible_to(s, "rita", "bikes") and not visible_to(s, "anon", "bikes")
    assert [x["id"] for x in get(s, "rita", "/api/v1/review").json()["records"]] == ["bikes"]
    assert get(s, "pat", "/api/v1/review").status == 403

    # Return needs a comment; the owner resubmits; a publisher cannot approve.
    no_comment = step(s, "rita", "bikes", "return")
    assert no_comment.status == 400 and problem_code(no_comment) == "comment-required"
    ret = step(s, "rita", "bikes", "return", "Please add the operator as publisher")
    assert ret.status == 200 and ret.json()["state"] == "draft"
    assert not visible_to(s, "rita", "bikes")
    assert call(s, "pat", "PATCH", "/api/v1/records/bikes", {"publisher": "Transport for London"}).status == 200
    assert step(s, "pat", "bikes", "submit", "Publisher added").status == 200
    assert step(s, "pia", "bikes", "approve").status == 404  # a submission is not pia's to see
    assert step(s, "pat", "bikes", "approve").status == 403  # nor a publisher's to approve
    ok = step(s, "rita", "bikes", "approve", "Thanks")
    assert ok.status == 200 and ok.json()["state"] == "published", ok.body[:300]
    for who in ("anon", "pia", "rita", "pat"):
        assert visible_to(s, who, "bikes"), who
    assert [x["id"] for x in get(s, "anon", "/api/v1/records").json()["records"]] == ["bikes"]

    # A reviewer may not approve their own submission; another reviewer may.
    assert call(s, "rita", "POST", "/api/v1/records", {"id": "rita-notes", "title": "Field notes",
                                                        "type": "document"}).status == 201
    assert step(s, "rita", "rita-notes", "submit").status == 200
    own = step(s, "rita", "rita-notes", "approve")
    assert own.status == 403 and problem_code(own) == "own-submission"
    assert step(s, "rex", "rita-notes", "approve").json()["state"] == "published"

    # Retire hides record and data; reopen makes a draft again; a second review publishes it.
    assert step(s, "pia", "bikes", "retire").status == 403
    assert step(s, "pat", "bikes", "retire", "Replaced by a live feed").json()["state"] == "retired"
    assert not visible_to(s, "anon", "bikes") and visible_to(s, "pat", "bikes")
    assert step(s, "pat", "bikes", "reopen").json()["state"] == "draft"
    assert not visible_to(s, "anon", "bikes")
    assert step(s, "pat", "bikes", "submit").status == 200
    assert step(s, "rex", "bikes", "approve").json()["state"] == "published"
    assert visible_to(s, "anon", "bikes")

    # The history has every state change with its actor, in order.
    changes = get(s, "anon", "/api/v1/records/bikes/history").json()["changes"]
    assert changes[0]["action"] == "created"
    moves = [(c["action"], c["actor"], c["from"], c["to"]) for c in changes if c["from"] != c["to"]]
    assert moves[1:] == [
        ("submitted", "pat", "draft", "submitted"),
        ("returned", "rita", "submitted", "draft"),
        ("submitted", "pat", "draft", "submitted"),
        ("approved", "rita", "submitted", "published"),
        ("retired", "pat", "published", "retired"),
        ("reopened", "pat", "retired", "draft"),
        ("submitted", "pat", "draft", "submitted"),
        ("approved", "rex", "submitted", "published"),
    ]
    assert moves[0][3] == "draft"
    comments = [(c["action"], c["comment"]) for c in changes if c["comment"]]
    assert comments == [("returned", "Please add the operator as publisher"),
                        ("submitted", "Publisher added"), ("approved", "Thanks"),
                        ("retired", "Replaced by a live feed")]
    assert [c["version"] for c in changes] == list(range(1, len(changes) + 1))

    # Deleting: a dataset's record goes with its dataset only.
    d = call(s, "admin", "DELETE", "/api/v1/records/bikes")
    assert d.status == 409 and problem_code(d) == "record-has-data"
    assert call(s, "pia", "DELETE", "/api/v1/records/rita-notes").status == 403
    assert call(s, "rita", "DELETE", "/api/v1/records/rita-notes").status == 204
    assert get(s, "admin", "/api/v1/records/rita-notes").status == 404


def test_views_are_counted(srv):
    s = srv
    if get(s, "anon", "/api/v1/records/bikes").status != 200:
        pytest.skip("needs the published record of the workflow test")
    before = get(s, "anon", "/api/v1/records/bikes/usage").json()["totals"]["views"]
    for _ in range(3):
        assert get(s, "anon", "/api/v1/records/bikes").status == 200
    u = get(s, "anon", "/api/v1/records/bikes/usage").json()
    assert u["totals"]["views"] == before + 3
    assert u["daily"][-1]["views"] >= 3
    # The record answer carries the count including this view.
    assert get(s, "anon", "/api/v1/records/bikes").json()["usage"]["views"] == before + 4
    # Dataset pages count as views too (counted by the server after the answer).
    assert get(s, "anon", "/api/v1/datasets/bikes").status == 200
    deadline = time.time() + 5
    while get(s, "anon", "/api/v1/records/bikes/usage").json()["totals"]["views"] != before + 5:
        assert time.time() < deadline, "the dataset page view was not counted"
        time.sleep(0.1)


def test_parameters_and_unknown_records(srv):
    s = srv
    for path, parameter in [("/api/v1/records?colour=red", "colour"),
                            ("/api/v1/records?limit=0", "limit"),
                            ("/api/v1/records?limit=101", "limit"),
                            ("/api/v1/records?state=lost", "state"),
                            ("/api/v1/records/bikes/usage?days=400", "days")]:
        r = get(s, "admin", path)
        assert r.status == 400, path
        assert r.json()["parameter"] == parameter, path
    assert get(s, "anon", "/api/v1/records/no-such-record").status == 404
    assert step(s, "admin", "no-such-record", "publish").status == 404


def test_harvest_routes_are_for_admins_and_harvested_records_are_read_only(srv):
    s = srv
    for who in ("anon", "pat", "rita"):
        r = get(s, who, "/api/v1/harvest/sources")
        assert r.status == 403 and problem_code(r) == "forbidden", who
    src = {"id": "self", "kind": "shikong", "url": s.base, "title": "This node", "allow_private": True}
    assert call(s, "pat", "POST", "/api/v1/harvest/sources", src).status == 403
    added = call(s, "admin", "POST", "/api/v1/harvest/sources", src)
    assert added.status == 201, added.body[:300]
    assert added.header("Location").endswith("/api/v1/harvest/sources/self")
    assert [x["id"] for x in get(s, "admin", "/api/v1/harvest/sources").json()["sources"]] == ["self"]
    run = call(s, "admin", "POST", "/api/v1/harvest/sources/self/run")
    assert run.status == 200, run.body[:300]
    if run.json()["status"] != "ok":
        pytest.skip(f"harvesting this node failed here: {run.json()['message']}")
    assert run.json()["added"] >= 1
    runs = get(s, "admin", "/api/v1/harvest/sources/self/runs").json()["runs"]
    assert runs[0]["id"] == run.json()["id"]
    harvested = get(s, "anon", "/api/v1/records?source=self").json()
    assert harvested["numberMatched"] == run.json()["added"]
    first = harvested["records"][0]
    assert first["state"] == "published" and first["source_id"] == "self"
    ro = call(s, "admin", "PATCH", f"/api/v1/records/{first['id']}", {"title": "Mine now"})
    assert ro.status == 409 and problem_code(ro) == "read-only-record"
    assert call(s, "admin", "DELETE", "/api/v1/harvest/sources/self").status == 204
    assert get(s, "anon", f"/api/v1/records/{first['id']}").status == 404
