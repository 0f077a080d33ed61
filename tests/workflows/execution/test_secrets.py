"""Secrets are refused and never echoed: execution configurations, ``naspe.yaml``, ``environment:``, the store.

Each case puts ``hunter2`` where it does not belong (a key naming a secret in the wrong place,
under a wrong type, next to an unknown key, repeated in a field whose error quotes its value)
and checks that no message, exception text or command output contains it.
"""

from __future__ import annotations

import pytest
from conftest import run_naspe
from pydantic import ValidationError

from naspe.workflows.base.secrets import is_secret_key, redact, secret_values
from naspe.workflows.base.settings import NaspeSettings, SettingsError, load_settings
from naspe.workflows.execution.hpc_config import ConfigError, ExecutionConfig, load_execution_config
from naspe.workflows.execution.resources import JobResources

SECRET = "hunter2"

HPC_CASES = {
    "wrong place": "resources:\n  md:\n    password: hunter2\n",
    "wrong type": "store:\n  kind: mongo\n  password: [hunter2]\n",
    "nested under a field": "store:\n  kind: mongo\n  username: {password: hunter2}\n",
    "unknown key next to it": "store:\n  password: hunter2\n  bogus: 1\nresources:\n  md:\n    cores: 2\n",
    "repeated in a quoted field": "resources:\n  md:\n    walltime: hunter2\n    password: hunter2\n",
    "repeated in a typed field": "store:\n  port: hunter2\n  password: hunter2\n",
    "environment": "resources:\n  md:\n    environment:\n      DB_PASS: hunter2\n",
    "environment, wrong type": "resources:\n  dft:\n    environment:\n      API_TOKEN: [hunter2]\n",
    "a top-level secret": "db_password: hunter2\nscheduler: nosuch\n",
}


@pytest.mark.parametrize("text", HPC_CASES.values(), ids=HPC_CASES.keys())
def test_execution_config_errors_never_show_the_secret(text, tmp_path):
    path = tmp_path / "site.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_execution_config(path)
    assert SECRET not in str(info.value) and not any(SECRET in m for _, m in info.value.errors)
    assert any("names a secret" in m for _, m in info.value.errors)
    for args in (["config", "check", path], ["query", "jobs", "--config", path]):
        p = run_naspe(*args, cwd=tmp_path)
        assert p.returncode == 2 and SECRET not in p.stdout + p.stderr, (args, p.stderr)
        assert "Traceback" not in p.stderr


def test_direct_construction_never_shows_the_secret():
    for build in (
        lambda: ExecutionConfig(store={"kind": "mongo", "password": SECRET}),
        lambda: ExecutionConfig(resources={"md": {"environment": {"MY_SECRET": SECRET}}}),
        lambda: ExecutionConfig(resources={"md": {"ranks": SECRET}}),
        lambda: JobResources(environment={"DB_PASS": SECRET}),
        lambda: JobResources(environment={"X": f"postgres://u:{SECRET}@db/x"}),
        lambda: JobResources(walltime=SECRET),
        lambda: NaspeSettings(password=SECRET),
        lambda: NaspeSettings(default_ranks=SECRET),
    ):
        with pytest.raises(ValidationError) as info:
            build()
        assert "input_value" not in str(info.value)
        if "walltime" not in str(info.value):  # a field's own message may quote a value not known as secret
            assert SECRET not in str(info.value)


@pytest.mark.parametrize(
    "name",
    ["DB_PASS", "PASSWD", "MYSQL_PWD", "MONGO_PW", "PGPASSWORD", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "SSH_KEY"]
    + ["LICENSE_KEY", "API_KEY", "apiKey", "accessToken", "CLIENT_SECRET", "GOOGLE_CREDENTIALS", "BASIC_AUTH"],
)
def test_secret_looking_environment_names_are_refused(name, tmp_path):
    path = tmp_path / "site.yaml"
    path.write_text(f"resources:\n  md:\n    environment:\n      {name}: {SECRET}\n")
    with pytest.raises(ConfigError) as info:
        load_execution_config(path)
    assert [loc for loc, _ in info.value.errors] == [f"resources.md.environment.{name}"]
    assert SECRET not in str(info.value)
    with pytest.raises(ValidationError, match="names a secret") as direct:
        JobResources(environment={name: SECRET})
    assert SECRET not in str(direct.value)


@pytest.mark.parametrize("name", ["TOKENIZERS_PARALLELISM", "PGPASSFILE", "OMP_PROC_BIND", "KMP_AFFINITY", "MONKEY"])
def test_ordinary_environment_names_pass(name):
    assert not is_secret_key(name)
    assert JobResources(environment={name: "1"}).environment == {name: "1"}


SETTINGS_CASES = {
    "unknown key": "data_dir: d\npassword: hunter2\n",
    "unknown key next to another": "password: hunter2\nbogus: 1\n",
    "wrong type under a secret key": "api_token: [hunter2]\n",
    "nested": "mongo:\n  pwd: hunter2\n",
    "repeated in a typed field": "default_ranks: hunter2\nsecret: hunter2\n",
    "a secret-looking value": "mpi_command: 'mpiexec --password=hunter2 -n {ranks}'\n",
    "YAML error on the line": 'data_dir: d\npassword: "hunter2\n',
}


@pytest.mark.parametrize("text", SETTINGS_CASES.values(), ids=SETTINGS_CASES.keys())
def test_settings_file_errors_never_show_the_secret(text, tmp_path, monkeypatch):
    (tmp_path / "naspe.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NASPE_CONFIG_FILE", raising=False)
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert SECRET not in str(info.value) and "input_value" not in str(info.value)
    assert "naspe.yaml" in str(info.value)
    for args in (["query", "adhesion", "--json"], ["status"], ["submit", "--probe"]):
        p = run_naspe(*args, cwd=tmp_path)
        assert p.returncode == 2 and SECRET not in p.stdout + p.stderr, (args, p.stdout, p.stderr)
        assert len(p.stderr.strip().splitlines()) == 1 and p.stderr.startswith("naspe: error: "), p.stderr
    assert sorted(x.name for x in tmp_path.iterdir()) == ["naspe.yaml"]  # nothing started, nothing written


def test_settings_variable_errors_never_show_the_value(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NASPE_DEFAULT_RANKS", SECRET)
    with pytest.raises(SettingsError, match="default_ranks") as info:
        load_settings()
    assert SECRET not in str(info.value) and "NASPE_* variables" in str(info.value)


def test_redact_hides_values_under_secret_keys_and_secret_looking_values():
    data = {"a": {"DB_PASS": "hunter2"}, "b": "mongodb://u:pw@host/db", "c": "plain", "token": 12345}
    assert secret_values(data) == {"hunter2", "mongodb://u:pw@host/db", "12345"}
    text = "walltime 'hunter2' bad; hunter2 again; uri mongodb://u:pw@host/db; port 12345; plain"
    assert redact(text, data) == "walltime <hidden> bad; <hidden> again; uri <hidden>; port <hidden>; plain"
    assert redact("e.g. 'x' in max", {"x"}) == "e.g. <hidden> in max"  # short values: only where quoted


def test_store_error_never_shows_the_mongo_password(monkeypatch):
    from maggma.stores import MongoStore

    from naspe.workflows.execution.resources import StoreConfig
    from naspe.workflows.execution.store import StoreError, open_store

    def refuse(self, force_reset=False):
        raise RuntimeError(f"authentication failed for mongodb://naspe:{self.password}@db.example.org")

    monkeypatch.setattr(MongoStore, "connect", refuse)
    monkeypatch.setenv("NASPE_TEST_MONGO_PW", SECRET)
    cfg = StoreConfig(kind="mongo", host="db.example.org", username="naspe", password_env="NASPE_TEST_MONGO_PW")
    with pytest.raises(StoreError, match="authentication failed") as info:
        open_store("unused", cfg)
    assert SECRET not in str(info.value) and info.value.__cause__ is None
