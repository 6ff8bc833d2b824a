"""`python -m yibao.store.migrate_cli`: bring the domain store to the newest schema."""
from yibao.settings import get_settings
from yibao.store.db import migrate

if __name__ == "__main__":
    url = get_settings().database_url
    migrate(url)
    print(f"yibao store migrated: {url.split('@')[-1]}")
