"""The operator's commands of the directory service beside a running server: `import --draft`,
`record list|show|publish|retire`, and `harvest add|list|run|remove`."""
import re
import time

import pytest

from conftest import Server


@pytest.fixture
def srv(tmp_path, data_path):
    s = Server(str(tmp_path / "data"))
    s.cli("import", data_path("naturalearth_cities.shp.zip"), "--dataset", "capitals")
    s.cli("import", data_path("london_cycle_hire.geojson"), "--dataset", "bikes", "--draft",
          "--title", "London cycle hire")
    s.start()
    yield s
    s.stop()


def wait_for(predicate, seconds=30):
    """The server takes in records written by another process within catalog.refresh_s."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_import_publishes_unless_draft_and_record_commands(srv):
    listed = srv.cli("record", "list").stdout
    assert re.search(r"^capitals\s+published\s+dataset\s+-\s", listed, re.M), listed
    assert re.search(r"^bikes\s+draft\s+dataset\s+-\s+London cycle hire$", listed, re.M), listed
    assert srv.cli("record", "list", "--state", "draft").stdout.count("\n") == 2  # header + bikes
    # The public sees the published dataset only.
    assert srv.get("/ogc/collections/capitals/items?limit=1").status == 200
    assert srv.get("/ogc/collections/bikes/items?limit=1").status == 404

    out = srv.cli("record", "publish", "bikes", "--comment", "checked").stdout
    assert re.match(r"bikes is published \(version \d+\)", out), out
    assert wait_for(lambda: srv.get("/ogc/collections/bikes/items?limit=1").status == 200)
    shown = srv.cli("record", "show", "bikes").stdout
    assert '"state":"published"' in shown
    assert re.search(r"^v\d+ \S+ cli published: checked$", shown, re.M), shown

    assert "capitals is retired" in srv.cli("record", "retire", "capitals").stdout
    assert wait_for(lambda: srv.get("/api/v1/records/capitals").status == 404)
    r = srv.cli("record", "retire", "capitals", check=False)
    assert r.returncode == 2 and "retired" in r.stderr, r.stderr
    r = srv.cli("record", "show", "nowhere", check=False)
    assert r.returncode == 2 and "nowhere" in r.stderr


def test_harvest_commands(srv):
    url = f"http://127.0.0.1:{srv.port}"
    r = srv.cli("harvest", "add", "self", "shikong", url, check=False)
    assert r.returncode == 0, r.stderr
    assert srv.cli("harvest", "list").stdout.splitlines()[1].split()[:4] == ["self", "shikong", "0", "-"]
    # Not allowed a private address: the run fails, says why, and applies nothing.
    r = srv.cli("harvest", "run", "self", check=False)
    assert r.returncode == 3 and "failed" in r.stdout, (r.stdout, r.stderr)
    assert not any(line.startswith("self-") for line in srv.cli("record", "list").stdout.splitlines())
    srv.cli("harvest", "remove", "self")

    srv.cli("harvest", "add", "self", "shikong", url, "--allow-private", "--every", "60")
    out = srv.cli("harvest", "run", "self").stdout
    assert re.match(r"self: ok, 1 added, 0 updated, 0 unchanged, 0 retired, 0 rejected", out), out
    harvested = [line for line in srv.cli("record", "list").stdout.splitlines()
                 if line.startswith("self-")]
    assert len(harvested) == 1 and " self " in harvested[0], harvested
    assert re.search(r"^self\s+shikong\s+60\s+ok\s", srv.cli("harvest", "list").stdout, re.M)
    assert "removed harvest source self and its records" in srv.cli("harvest", "remove", "self").stdout
    assert not any(line.startswith("self-") for line in srv.cli("record", "list").stdout.splitlines())
    r = srv.cli("harvest", "run", "self", check=False)
    assert r.returncode == 2 and "self" in r.stderr
