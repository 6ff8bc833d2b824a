-- Second database on the same server: the yibao domain store.
CREATE DATABASE yibao OWNER airflow;
