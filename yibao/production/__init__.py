"""Production shape on one machine: PostgreSQL + Redis + Airflow's CeleryExecutor (`make production-check`)."""
