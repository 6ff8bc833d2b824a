"""The web side of yibao inside the Airflow api-server: review pages, control room, static files."""
