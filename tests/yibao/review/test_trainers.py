"""trainers.yaml: by Airflow username or by an Airflow role (simple auth manager `role`, FAB `roles`)."""
from types import SimpleNamespace

import pytest

from yibao.review.trainers import TrainersConfigError, is_trainer, load_trainers, refusal


def user(name, role=None, roles=()):
    return SimpleNamespace(get_name=lambda: name, get_id=lambda: name, role=role,
                           roles=[SimpleNamespace(name=r) for r in roles])


def test_named_users_and_named_roles_decide(tmp_path):
    path = tmp_path / "trainers.yaml"
    path.write_text("trainers: [wang]\ntrainer_roles: [Trainer]\n", encoding="utf-8")
    t = load_trainers(path)
    assert is_trainer(user("wang", role="viewer"), t)
    assert is_trainer(user("li", roles=["Viewer", "Trainer"]), t)          # FAB roles, case-insensitive
    assert not is_trainer(user("admin", role="admin"), t)
    assert "admin" in refusal(user("admin"), t) and "trainers.yaml" in refusal(user("admin"), t)


def test_no_file_means_nobody_decides_and_a_bad_file_is_named(tmp_path):
    assert not is_trainer(user("anyone", role="admin"), load_trainers(tmp_path / "missing.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("trainers: wang\n", encoding="utf-8")
    with pytest.raises(TrainersConfigError, match="bad.yaml"):
        load_trainers(bad)


def test_a_name_alone_is_a_trainer_by_list_or_by_its_simple_auth_role(tmp_path, monkeypatch):
    from yibao.review.trainers import is_trainer_name

    path = tmp_path / "trainers.yaml"
    path.write_text("trainers: [wang]\ntrainer_roles: [op]\n", encoding="utf-8")
    monkeypatch.setenv("AIRFLOW__CORE__AUTH_MANAGER",
                       "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager")
    monkeypatch.setenv("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", "li:op,admin:admin")
    t = load_trainers(path)
    assert is_trainer_name("wang", t) and is_trainer_name("li", t)
    assert not is_trainer_name("admin", t) and not is_trainer_name("nobody", t)
