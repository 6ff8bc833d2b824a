"""The real Airflow api-server app (SimpleAuthManager, real JWTs) with the yibao plugin, in-process.

Users: admin (Airflow admin, not a trainer), trainer1/trainer2 (role user, named trainers),
viewer1 (viewer); the trainers file is written by testenv.configure(). Test modules here do
`sys.path.insert(0, str(Path(__file__).parent)); from airflow_app import client, token`.
"""
import json
import os

import pytest

from yibao.review import testenv

testenv.configure()


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    pw_file = tmp_path_factory.mktemp("auth") / "passwords.json"
    pw_file.write_text(json.dumps(testenv.TEST_USERS))
    env = {"AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin,trainer1:user,trainer2:user,viewer1:viewer",
           "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(pw_file),
           "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "False"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    testenv.ensure_airflow_db()
    from fastapi.testclient import TestClient
    from airflow.api_fastapi.app import create_app

    with TestClient(create_app()) as c:
        yield c
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def token(client, user):
    """Bearer header for `user`."""
    r = client.post("/auth/token", json={"username": user, "password": testenv.TEST_USERS[user]})
    assert r.status_code in (200, 201), r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


