"""Validates the OpenAPI document that ConveyorServer serves (Sources/ConveyorServer/Resources/openapi.json)
with openapi-spec-validator. Run by scripts/test.sh."""
import json
import pathlib
import sys

from openapi_spec_validator import validate

source = pathlib.Path(__file__).resolve().parent.parent / "Sources/ConveyorServer/Resources/openapi.json"
document = json.loads(source.read_text())
validate(document)
print(f"OpenAPI {document['openapi']} document is valid: {sum(len(ops) for ops in document['paths'].values())} operations")
sys.exit(0)
