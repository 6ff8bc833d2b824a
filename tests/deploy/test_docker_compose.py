"""docker-compose.yaml describes the production shape (this machine cannot run Docker)."""
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((REPO / "docker-compose.yaml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]


def test_names_the_production_services():
    for name in ("postgres", "redis", "api-server", "scheduler", "dag-processor", "triggerer", "worker",
                 "mailcatcher"):
        assert name in SERVICES, name


def test_airflow_services_use_celery_postgres_and_mount_the_project():
    for name in ("api-server", "scheduler", "dag-processor", "triggerer", "worker"):
        svc = SERVICES[name]
        env = svc["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql")
        assert env["YIBAO_DATABASE_URL"].startswith("postgresql")
        mounts = {m.split(":")[0] for m in svc["volumes"]}
        assert {"./dags", "./plugins", "./config", "./templates"} <= mounts


def test_no_secret_values_in_the_file():
    text = (REPO / "docker-compose.yaml").read_text(encoding="utf-8")
    assert "${POSTGRES_PASSWORD" in text and "password: airflow" not in text.lower()
    for svc in SERVICES.values():
        for key, value in (svc.get("environment") or {}).items():
            if any(word in key for word in ("PASSWORD", "SECRET")):
                assert str(value).startswith("${"), key
