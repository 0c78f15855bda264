// GET /openapi.json: the API's OpenAPI 3.1 document, for client generators and the
// console's API explorer. No key: it describes the API, it holds no data. The document is
// src/app/openapi.json, built into the binary (src/CMakeLists.txt), so what is served is
// always the source file; tests/unit/openapi_routes_test.cpp checks it lists exactly the
// router's routes.
#include "app/http_api.hpp"

namespace cis::app {

void add_openapi_routes(http::Router& router) {
    router.add("GET", "/openapi.json",
               [](const http::Request&, const http::Router::Params&, http::Respond respond) {
                   http::Response r;
                   r.content_type = "application/json";
                   r.body = std::string(openapi_document());
                   r.headers.emplace_back("Cache-Control", "public, max-age=300");
                   respond(std::move(r));
               });
}

}  // namespace cis::app
