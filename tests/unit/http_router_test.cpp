// The HTTP router: pattern matching, parameter decoding, precedence, 404/405 and HEAD.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "http/router.hpp"

namespace cis::http {
namespace {

using Kind = Router::Match::Kind;
using nlohmann::json;

Router::Route tagged(std::string tag) {
    return [tag](const Request&, const Router::Params& p, Respond respond) {
        json params = json::object();
        for (const auto& [k, v] : p) params[k] = v;
        respond(json_response(200, {{"route", tag}, {"params", params}}));
    };
}

Request make_request(std::string method, std::string target) {
    Request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.path = std::string(r.raw_path());
    return r;
}

// Dispatches synchronously (all routes here respond inline) and returns the response.
Response dispatch(const Router& router, std::string method, std::string target) {
    std::optional<Response> out;
    router.dispatch(make_request(std::move(method), std::move(target)),
                    [&](Response r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value());
    return out.value_or(Response{});
}

class HttpRouterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        router.add("GET", "/", tagged("root"));
        router.add("GET", "/event/{id}", tagged("event"));
        router.add("GET", "/event/new", tagged("new"));
        router.add("POST", "/event/{id}/invite", tagged("invite-post"));
        router.add("GET", "/event/{id}/invite", tagged("invite-get"));
        router.add("GET", "/event/{id}/invites/{email}", tagged("invitee"));
        router.add("DELETE", "/event/{id}/invites/{email}", tagged("uninvite"));
        router.add("GET", "/{any}/statistics", tagged("any-stats"));
        router.add("GET", "/event/{id}/statistics", tagged("event-stats"));
        router.add("HEAD", "/only-head", tagged("head"));
    }
    Router router;
};

TEST_F(HttpRouterTest, MatchesParamsAndDecodesThem) {
    const json body = json::parse(
        dispatch(router, "GET", "/event/ab%20c/invites/j%C3%B6rg%40example.org?x=1").body);
    EXPECT_EQ(body["route"], "invitee");
    EXPECT_EQ(body["params"], json({{"id", "ab c"}, {"email", "j\xC3\xB6rg@example.org"}}));
}

TEST_F(HttpRouterTest, EncodedSlashStaysInsideParameter) {
    const Router::Match m = router.match("GET", "/event/a%2Fb/invite");
    ASSERT_EQ(m.kind, Kind::kFound);
    EXPECT_EQ(m.params.at("id"), "a/b");
    EXPECT_EQ(router.match("GET", "/event/a/b/invite").kind, Kind::kNotFound);
}

TEST_F(HttpRouterTest, LiteralSegmentsWinWhateverTheOrder) {
    EXPECT_EQ(json::parse(dispatch(router, "GET", "/event/new").body)["route"], "new");
    EXPECT_EQ(json::parse(dispatch(router, "GET", "/event/old").body)["route"], "event");
    // "/event/{id}/statistics" beats "/{any}/statistics": literal first segment.
    EXPECT_EQ(json::parse(dispatch(router, "GET", "/event/statistics").body)["route"], "event");
    EXPECT_EQ(json::parse(dispatch(router, "GET", "/event/e1/statistics").body)["route"],
              "event-stats");
    EXPECT_EQ(json::parse(dispatch(router, "GET", "/system/statistics").body)["route"],
              "any-stats");
    // Literals also match when sent percent-encoded.
    EXPECT_EQ(json::parse(dispatch(router, "GET", "/ev%65nt/new").body)["route"], "new");
}

TEST_F(HttpRouterTest, RootTrailingSlashAndEmptySegments) {
    EXPECT_EQ(json::parse(dispatch(router, "GET", "/").body)["route"], "root");
    EXPECT_EQ(router.match("GET", "/event/e1/").kind, Kind::kNotFound);
    EXPECT_EQ(router.match("GET", "/event/").kind, Kind::kNotFound);  // {id} needs a value
    EXPECT_EQ(router.match("GET", "/event//invite").kind, Kind::kNotFound);
    EXPECT_EQ(router.match("GET", "").kind, Kind::kNotFound);
    EXPECT_EQ(router.match("GET", "event/e1").kind, Kind::kNotFound);
}

TEST_F(HttpRouterTest, NotFoundIsJson404) {
    const Response r = dispatch(router, "GET", "/nope");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(json::parse(r.body)["error"]["code"], "not_found");
}

TEST_F(HttpRouterTest, WrongMethodIs405WithAllow) {
    const Response r = dispatch(router, "PUT", "/event/e1/invite");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(json::parse(r.body)["error"]["code"], "method_not_allowed");
    ASSERT_EQ(r.headers.size(), 1u);
    EXPECT_EQ(r.headers[0].first, "Allow");
    EXPECT_EQ(r.headers[0].second, "GET, HEAD, POST");
    EXPECT_EQ(router.match("GET", "/only-head").allow, "HEAD");
    // Methods are case-sensitive (RFC 7231 section 4.1).
    EXPECT_EQ(router.match("get", "/event/e1").kind, Kind::kMethodNotAllowed);
}

TEST_F(HttpRouterTest, HeadFallsBackToGet) {
    EXPECT_EQ(json::parse(dispatch(router, "HEAD", "/event/e1/invite").body)["route"],
              "invite-get");
    EXPECT_EQ(json::parse(dispatch(router, "HEAD", "/only-head").body)["route"], "head");
}

TEST_F(HttpRouterTest, MalformedEscapeInParameterIs400) {
    const Response r = dispatch(router, "GET", "/event/%zz");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(json::parse(r.body)["error"]["code"], "bad_request");
}

TEST_F(HttpRouterTest, RouteExceptionsPropagate) {
    router.add("GET", "/throw", [](const Request&, const Router::Params&, Respond) {
        throw std::runtime_error("boom");
    });
    EXPECT_THROW(router.dispatch(make_request("GET", "/throw"), [](Response) {}),
                 std::runtime_error);
}

TEST(HttpRouterPatterns, MalformedOrDuplicatePatternsAreRejected) {
    Router r;
    r.add("GET", "/a/{x}", tagged("a"));
    EXPECT_THROW(r.add("GET", "/a/{x}", tagged("dup")), std::invalid_argument);
    EXPECT_NO_THROW(r.add("POST", "/a/{x}", tagged("other method")));
    for (const char* bad :
         {"", "a/b", "/a/{}", "/a/{x}/{x}", "/a/{x", "/a/x}", "/a/{x}y", "/a/{{x}}"}) {
        EXPECT_THROW(r.add("GET", bad, tagged("bad")), std::invalid_argument) << bad;
    }
    EXPECT_THROW(r.add("", "/ok", tagged("no method")), std::invalid_argument);
}

TEST(HttpJsonHelpers, ErrorShapeAndInvalidUtf8) {
    const Response r = json_error(409, "conflict", "bad byte \xff here");
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.content_type, "application/json");
    const json j = json::parse(r.body);
    EXPECT_EQ(j["error"]["code"], "conflict");
    EXPECT_EQ(j["error"]["message"], "bad byte \xEF\xBF\xBD here");  // replaced, not thrown
}

}  // namespace
}  // namespace cis::http
