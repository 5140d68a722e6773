"""Real servers (Kafka, FerretDB) for Shuangwan's integration tests; see servers.py."""
