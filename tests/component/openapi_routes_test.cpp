// The OpenAPI document served at /openapi.json lists exactly the routes the server has:
// every (method, path) of the router built by add_api_routes() is an operation of the
// document, and every operation of the document is a route. (Its responses are checked
// against a real server by tests/e2e/test_openapi.py.)
#include <gtest/gtest.h>

#include <boost/asio/thread_pool.hpp>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "app/http_api.hpp"
#include "app/intake_pipeline.hpp"
#include "support/store_fixture.hpp"

namespace cis {
namespace {

using RouteSet = std::set<std::pair<std::string, std::string>>;

class OpenApiRoutes : public test::StoreTest {
  protected:
    // The routes of a server with every optional part on (POST /inbound needs an intake
    // pipeline): the same calls as add_api_routes() in `cis serve`.
    RouteSet served() {
        store::GroupCommitter committer(*store_);
        services::IntakePolicy policy;
        services::IntakeWriter writer(committer, policy);
        dkim::Verifier verifier{dkim::VerifierOptions{}};
        boost::asio::thread_pool workers(1);
        app::IntakePipeline pipeline(policy, *store_, writer, verifier, workers);
        app::ApiContext ctx{*store_,  committer, "cis.test", "k",       "k",
                            "bounce", "sandbox", [] {},      &pipeline, 1 << 20};
        http::Router router;
        app::add_api_routes(router, ctx);
        RouteSet out;
        for (auto [method, path] : router.routes()) {
            for (char& c : method) c = static_cast<char>(std::tolower(c));
            out.emplace(method, path);
        }
        return out;
    }

    static RouteSet documented(const nlohmann::json& doc) {
        static const std::set<std::string> kMethods = {"get",   "put",  "post",    "delete",
                                                       "patch", "head", "options", "trace"};
        RouteSet out;
        for (const auto& [path, item] : doc.at("paths").items())
            for (const auto& [method, op] : item.items())
                if (kMethods.count(method)) out.emplace(method, path);
        return out;
    }
};

TEST_F(OpenApiRoutes, DocumentIsOpenApi31Json) {
    const auto doc = nlohmann::json::parse(app::openapi_document());
    EXPECT_TRUE(doc.at("openapi").get<std::string>().starts_with("3.1."));
    EXPECT_TRUE(doc.at("components").at("securitySchemes").contains("ApiKey"));
}

TEST_F(OpenApiRoutes, EveryRouteIsDocumented) {
    const auto doc = documented(nlohmann::json::parse(app::openapi_document()));
    for (const auto& [method, path] : served())
        EXPECT_TRUE(doc.count({method, path}))
            << method << " " << path << " is served but missing from src/app/openapi.json";
}

TEST_F(OpenApiRoutes, EveryDocumentedOperationIsServed) {
    const auto routes = served();
    for (const auto& [method, path] : documented(nlohmann::json::parse(app::openapi_document())))
        EXPECT_TRUE(routes.count({method, path}))
            << method << " " << path << " is in src/app/openapi.json but no route serves it";
}

TEST_F(OpenApiRoutes, EveryOperationHasAnIdAndResponses) {
    const auto doc = nlohmann::json::parse(app::openapi_document());
    std::set<std::string> ids;
    for (const auto& [path, item] : doc.at("paths").items())
        for (const auto& [method, op] : item.items()) {
            if (method == "parameters") continue;
            ASSERT_TRUE(op.contains("operationId")) << method << " " << path;
            EXPECT_TRUE(ids.insert(op["operationId"].get<std::string>()).second)
                << "operationId " << op["operationId"] << " used twice";
            EXPECT_FALSE(op.at("responses").empty()) << method << " " << path;
        }
}

}  // namespace
}  // namespace cis
