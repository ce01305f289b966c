/// The OpenAPI 3 document of every route (`Resources/openapi.json`, built into the module),
/// served as it is at `/openapi.json`. The tests call every operation it lists and check the
/// answers against it; `scripts/validate-openapi.py` validates the file.
enum OpenAPIDocument {
    static let json = String(decoding: PackageResources.openapi_json, as: UTF8.self)
}
