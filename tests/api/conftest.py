import json
from pathlib import Path

import jsonschema
import pytest
from django.test import Client

import api

SCHEMA = json.loads(
    (Path(api.__file__).parent / "schemas" / "ninjs-schema_2.1.json").read_text()
)
NINJS = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def assert_ninjs(item: dict) -> dict:
    """``item`` is valid ninjs 2.1, by IPTC's published schema."""
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in NINJS.iter_errors(item)
    ]
    assert not errors, errors
    return item


@pytest.fixture
def api_client():
    return Client()
