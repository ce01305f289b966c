"""Validates the OpenAPI document that ConveyorServer serves (kept in OpenAPIDocument.swift)
with openapi-spec-validator. Run by scripts/test.sh."""
import json
import pathlib
import sys

from openapi_spec_validator import validate

source = pathlib.Path(__file__).resolve().parent.parent / "Sources/ConveyorServer/OpenAPIDocument.swift"
text = source.read_text()
document = json.loads(text[text.index('#"""') + 4:text.rindex('"""#')])
validate(document)
print(f"OpenAPI {document['openapi']} document is valid: {sum(len(ops) for ops in document['paths'].values())} operations")
sys.exit(0)
