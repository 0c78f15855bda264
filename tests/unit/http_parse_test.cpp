// The pure parts of the HTTP server: target splitting and decoding, the request parser fed
// byte by byte, and response serialization.
#include <gtest/gtest.h>

#include <boost/beast/http/error.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "http/request_parser.hpp"
#include "http/url.hpp"
#include "http/wire.hpp"

namespace cis::http {
namespace {

namespace beast_http = boost::beast::http;
using detail::RequestParser;

// ---------------------------------------------------------------------------------------------
// Targets

TEST(HttpUrl, SplitTarget) {
    auto p = split_target("/a/b?x=1#frag");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->path, "/a/b");
    EXPECT_EQ(p->query, "x=1");
    p = split_target("HTTP://example.org:8080/e/1?q");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->path, "/e/1");
    EXPECT_EQ(p->query, "q");
    p = split_target("http://example.org?q=2");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->path, "/");
    EXPECT_EQ(p->query, "q=2");
    EXPECT_EQ(split_target("*")->path, "*");
    EXPECT_FALSE(split_target("example.org:443"));  // authority-form (CONNECT)
    EXPECT_FALSE(split_target("relative/path"));
    EXPECT_FALSE(split_target(""));
}

TEST(HttpUrl, PercentDecode) {
    std::string out;
    EXPECT_TRUE(percent_decode("a%20b%2fc%C3%A9+d", out));
    EXPECT_EQ(out, "a b/c\xC3\xA9+d");
    out.clear();
    EXPECT_TRUE(percent_decode("a+b%2B", out, /*plus_as_space=*/true));
    EXPECT_EQ(out, "a b+");
    out.clear();
    EXPECT_TRUE(percent_decode("%00", out));
    EXPECT_EQ(out, std::string(1, '\0'));
    for (std::string_view bad : {"%", "%4", "a%zz", "%g0", "ab%"}) {
        out.clear();
        EXPECT_FALSE(percent_decode(bad, out)) << bad;
    }
}

TEST(HttpUrl, ParseQuery) {
    const auto q = parse_query("a=1&b=x+y&&c&b=%26&=v&d=");
    ASSERT_TRUE(q);
    const std::multimap<std::string, std::string> expected{{"a", "1"}, {"b", "x y"}, {"b", "&"},
                                                           {"c", ""},  {"", "v"},    {"d", ""}};
    EXPECT_EQ(*q, expected);
    EXPECT_TRUE(parse_query("")->empty());
    EXPECT_FALSE(parse_query("a=%zz"));
}

// ---------------------------------------------------------------------------------------------
// Request parser

struct Parsed {
    boost::system::error_code ec;
    bool done = false;
    Request req;
    bool keep_alive = false;
    bool expects_continue = false;
};

// Feeds `bytes` one byte at a time appended to a buffer, as a worst-case socket would.
Parsed parse(std::string_view bytes, std::size_t max_body = 1024) {
    RequestParser p(max_body);
    Parsed out;
    std::string buf;
    for (const char c : bytes) {
        buf.push_back(c);
        const std::size_t n = p.put(boost::asio::buffer(buf), out.ec);
        buf.erase(0, n);
        if (out.ec == beast_http::error::need_more) out.ec = {};
        if (out.ec || p.is_done()) break;
    }
    out.done = p.is_done();
    if (p.is_header_done()) {
        out.keep_alive = p.keep_alive();
        out.expects_continue = p.expects_continue();
    }
    if (out.done) out.req = p.take();
    return out;
}

TEST(HttpRequestParser, FillsTheRequest) {
    const Parsed r = parse(
        "POST /e/a%20b?x=1&y=%C3%A9 HTTP/1.1\r\nHost: h\r\nX-Thing:  v  \r\n"
        "Content-Length: 5\r\n\r\nhello");
    ASSERT_FALSE(r.ec) << r.ec.message();
    ASSERT_TRUE(r.done);
    EXPECT_EQ(r.req.method, "POST");
    EXPECT_EQ(r.req.target, "/e/a%20b?x=1&y=%C3%A9");
    EXPECT_EQ(r.req.path, "/e/a b");
    EXPECT_EQ(r.req.raw_path(), "/e/a%20b");
    EXPECT_EQ(r.req.query.find("y")->second, "\xC3\xA9");
    EXPECT_EQ(r.req.body, "hello");
    EXPECT_EQ(r.req.version, 11);
    EXPECT_EQ(r.req.header("x-thing"), "v");
    EXPECT_EQ(r.req.header("HOST"), "h");
    EXPECT_EQ(r.req.header("absent"), "");
    EXPECT_TRUE(r.keep_alive);
}

TEST(HttpRequestParser, ChunkedBodyWithTrailer) {
    const Parsed r = parse(
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n");
    ASSERT_FALSE(r.ec) << r.ec.message();
    ASSERT_TRUE(r.done);
    EXPECT_EQ(r.req.body, "abcde");
    EXPECT_EQ(r.req.header("X-Trailer"), "");  // trailers are not request headers
}

TEST(HttpRequestParser, KeepAliveRules) {
    EXPECT_FALSE(parse("GET / HTTP/1.0\r\n\r\n").keep_alive);
    EXPECT_TRUE(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keep_alive);
    EXPECT_FALSE(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").keep_alive);
    EXPECT_EQ(parse("GET / HTTP/1.0\r\n\r\n").req.version, 10);
}

TEST(HttpRequestParser, ExpectContinueIsReportedAfterTheHeader) {
    const Parsed r =
        parse("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n");
    EXPECT_FALSE(r.ec);
    EXPECT_FALSE(r.done);
    EXPECT_TRUE(r.expects_continue);
    // RFC 7231 section 5.1.1: ignored for HTTP/1.0.
    EXPECT_FALSE(parse("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n")
                     .expects_continue);
}

TEST(HttpRequestParser, LimitsAndErrorsMapToStatuses) {
    auto status_of = [](std::string_view bytes) {
        const Parsed r = parse(bytes, 10);
        EXPECT_TRUE(r.ec) << bytes;
        return detail::error_response(r.ec, 10).status;
    };
    EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n"), 413);
    EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "b\r\nhello world\r\n0\r\n\r\n"),
              413);
    EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(17000, 'a') + "\r\n\r\n"),
              431);
    EXPECT_EQ(status_of("GET / HTTP/1.1\r\n\r\n"), 400);  // no Host
    EXPECT_EQ(status_of("GET /%zz HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
    EXPECT_EQ(status_of("GET / HTTP/3.0\r\nHost: h\r\n\r\n"), 400);
    EXPECT_EQ(status_of("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 400);
    EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n"), 400);
    EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n"),
              400);
    EXPECT_EQ(status_of("G\x01T / HTTP/1.1\r\n\r\n"), 400);
}

// ---------------------------------------------------------------------------------------------
// Responses on the wire

std::string wire(const Response& r, detail::WireOptions o = {"cis", true, false, false}) {
    std::string out;
    detail::serialize_response(r, o, out);
    return out;
}

TEST(HttpWire, JsonResponse) {
    const std::string s = wire(json_response(201, {{"a", 1}}));
    EXPECT_TRUE(s.starts_with("HTTP/1.1 201 Created\r\nServer: cis\r\nDate: ")) << s;
    EXPECT_NE(s.find("\r\nContent-Type: application/json; charset=utf-8\r\n"), s.npos) << s;
    EXPECT_TRUE(s.ends_with("\r\nContent-Length: 7\r\n\r\n{\"a\":1}")) << s;
    EXPECT_EQ(s.find("Connection"), s.npos);
}

TEST(HttpWire, ConnectionHeaderAndHead) {
    const Response r{200, "text/plain", "body", {}};
    EXPECT_NE(wire(r, {"cis", false, false, false}).find("\r\nConnection: close\r\n"),
              std::string::npos);
    EXPECT_NE(wire(r, {"cis", true, true, false}).find("\r\nConnection: keep-alive\r\n"),
              std::string::npos);
    const std::string head = wire(r, {"cis", true, false, true});
    EXPECT_TRUE(head.ends_with("Content-Length: 4\r\n\r\n")) << head;
}

TEST(HttpWire, NoContentAndExtraHeaders) {
    Response r{204, "", "dropped", {}};
    r.headers = {{"X-A", "1"},        {"X-Bad", "a\r\nInjected: 1"},
                 {"Bad Name", "v"},   {"content-length", "9"},
                 {"Server", "other"}, {"Content-Type", "x/y"}};
    const std::string s = wire(r);
    EXPECT_TRUE(s.starts_with("HTTP/1.1 204 No Content\r\n")) << s;
    EXPECT_TRUE(s.ends_with("\r\nX-A: 1\r\n\r\n")) << s;
    EXPECT_EQ(s.find("Injected"), s.npos);
    EXPECT_EQ(s.find("Content-"), s.npos) << s;
    EXPECT_EQ(s.find("other"), s.npos);
    EXPECT_EQ(s.find("Bad Name"), s.npos);
}

TEST(HttpWire, HttpDate) {
    EXPECT_EQ(detail::format_http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_EQ(detail::current_http_date().size(), 29u);
}

}  // namespace
}  // namespace cis::http
