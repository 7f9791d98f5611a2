"""SIGKILL in the middle of a large import leaves no partial dataset; a new import succeeds."""
import os
import subprocess
import sys
import time

from conftest import BIN, Server

GEN = os.path.join(os.path.dirname(__file__), "../../../shared/bench/gen_points.py")


def test_sigkill_during_import(tmp_path):
    points = tmp_path / "points.csv"
    subprocess.run([sys.executable, GEN, "400000", str(points)], check=True)
    s = Server(str(tmp_path / "data"))
    s.start()
    try:
        with open(points, "rb") as f:
            body = f.read()
        r = s.upload_bytes(body, "points.csv", "text/csv", "id=big")
        assert r.status == 202, r.body
        job_id = r.json()["id"]
        deadline = time.time() + 120
        while time.time() < deadline:
            job = s.get(f"/api/v1/jobs/{job_id}", headers=s.auth()).json()
            if job["rows_done"] > 0 or job["state"] != "queued":
                break
            time.sleep(0.01)
        assert job["state"] == "running", job
        s.kill()

        s.start()
        assert s.get("/ogc/collections/big").status == 404
        assert "big" not in [d["id"] for d in s.get("/api/v1/datasets").json()["datasets"]]
        job = s.get(f"/api/v1/jobs/{job_id}", headers=s.auth()).json()
        assert job["state"] == "failed", job
        tmp = os.path.join(s.data_dir, "tmp")
        assert not os.path.isdir(tmp) or not [f for f in os.listdir(tmp) if "big" in f]
        files = os.listdir(os.path.join(s.data_dir, "datasets")) if os.path.isdir(os.path.join(s.data_dir, "datasets")) else []
        assert not [f for f in files if f.startswith("big")], files
        s.stop()

        r = s.cli("import", str(points), "--dataset", "big")
        s.start()
        assert s.get("/ogc/collections/big/items?limit=1").json()["numberMatched"] == 400000
    finally:
        s.stop()
