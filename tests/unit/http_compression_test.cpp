// gzip Content-Encoding: which requests take it, which bodies get it, and that what is sent
// inflates (with zlib's own inflate) to exactly the body the handler produced.
#include <gtest/gtest.h>

#include <string>

#include "http/compression.hpp"
#include "support/gunzip.hpp"

namespace cis::http {
namespace {

std::string header(const Response& r, const std::string& name) {
    std::string all;
    for (const auto& [n, v] : r.headers)
        if (n == name) all += (all.empty() ? "" : ", ") + v;
    return all;
}

std::string html_body() {
    std::string s = "<!doctype html><ul>";
    for (int i = 0; i < 500; ++i)
        s += "<li class=\"event\">Game " + std::to_string(i) + " \xC3\xA9t\xC3\xA9</li>";
    return s + "</ul>";
}

TEST(HttpCompression, AcceptEncoding) {
    EXPECT_TRUE(accepts_gzip("gzip"));
    EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));  // Chromium
    EXPECT_TRUE(accepts_gzip("br;q=1.0, GZIP;q=0.5, *;q=0.1"));
    EXPECT_TRUE(accepts_gzip("x-gzip"));
    EXPECT_TRUE(accepts_gzip("*"));
    EXPECT_TRUE(accepts_gzip(" deflate ,\tgzip ; q=0.001"));
    EXPECT_FALSE(accepts_gzip(""));  // no header (RFC 9110 allows any coding then): we send identity
    EXPECT_FALSE(accepts_gzip("identity"));
    EXPECT_FALSE(accepts_gzip("br, deflate"));
    EXPECT_FALSE(accepts_gzip("gzip;q=0"));
    EXPECT_FALSE(accepts_gzip("gzip;q=0.000"));
    EXPECT_FALSE(accepts_gzip("*, gzip;q=0"));  // named refusal beats the wildcard
    EXPECT_FALSE(accepts_gzip("*;q=0"));
    EXPECT_FALSE(accepts_gzip("gzip;q=abc"));   // unreadable q: no permission
    EXPECT_FALSE(accepts_gzip("gzip;q=1.5"));
    EXPECT_FALSE(accepts_gzip("gzipx, xgzip"));
}

TEST(HttpCompression, CompressibleTypes) {
    EXPECT_TRUE(compressible_type("text/html; charset=utf-8"));
    EXPECT_TRUE(compressible_type("Text/Calendar; method=PUBLISH"));
    EXPECT_TRUE(compressible_type("application/json"));
    EXPECT_TRUE(compressible_type("application/javascript"));
    EXPECT_TRUE(compressible_type("image/svg+xml"));
    EXPECT_TRUE(compressible_type("application/ld+json"));
    EXPECT_FALSE(compressible_type("image/png"));
    EXPECT_FALSE(compressible_type("application/zip"));
    EXPECT_FALSE(compressible_type("application/octet-stream"));
    EXPECT_FALSE(compressible_type(""));
}

TEST(HttpCompression, LargeTextIsGzippedAndInflatesToTheSameBytes) {
    const std::string body = html_body();
    Response r{200, "text/html; charset=utf-8", body, {{"ETag", "\"abc\""}}};
    compress_response(r, true, {});
    EXPECT_EQ(header(r, "Content-Encoding"), "gzip");
    EXPECT_EQ(header(r, "Vary"), "Accept-Encoding");
    EXPECT_EQ(header(r, "ETag"), "W/\"abc\"");  // other bytes than the identity's
    EXPECT_TRUE(header(r, "Server-Timing").starts_with("gzip;dur=")) << header(r, "Server-Timing");
    EXPECT_LT(r.body.size(), body.size() / 5);
    EXPECT_EQ(test::gunzip(r.body).value_or("(not one gzip member)"), body);
}

TEST(HttpCompression, ClientWithoutGzipGetsIdentityButVary) {
    const std::string body = html_body();
    Response r{200, "text/html", body, {{"ETag", "\"abc\""}}};
    compress_response(r, false, {});
    EXPECT_EQ(r.body, body);
    EXPECT_EQ(header(r, "Content-Encoding"), "");
    EXPECT_EQ(header(r, "Vary"), "Accept-Encoding");  // a shared cache must not mix them
    EXPECT_EQ(header(r, "ETag"), "\"abc\"");
    EXPECT_EQ(header(r, "Server-Timing"), "");
}

TEST(HttpCompression, LeftAlone) {
    const std::string body = html_body();
    auto untouched = [&](Response r, CompressionOptions o = {}) {
        const Response before = r;
        compress_response(r, true, o);
        return r.body == before.body && header(r, "Content-Encoding") == header(before, "Content-Encoding");
    };
    EXPECT_TRUE(untouched({200, "text/html", std::string(1023, 'x'), {}}));  // below min_size
    EXPECT_TRUE(untouched({200, "image/png", body, {}}));
    EXPECT_TRUE(untouched({204, "text/html", body, {}}));
    EXPECT_TRUE(untouched({200, "text/html", body, {{"content-encoding", "br"}}}));
    EXPECT_TRUE(untouched({200, "text/html", body, {}}, {.level = 0}));
    // Bytes that do not shrink (random) stay as they are.
    std::string noise;
    std::uint32_t x = 12345;
    for (int i = 0; i < 4096; ++i) noise.push_back(static_cast<char>((x = x * 1103515245 + 12345) >> 24));
    EXPECT_TRUE(untouched({200, "text/plain", noise, {}}));
}

TEST(HttpCompression, NotModifiedCarriesWhatItsOkWouldHave) {
    Response r{304, "", "", {{"ETag", "\"abc\""}}};
    compress_response(r, true, {});
    EXPECT_EQ(header(r, "ETag"), "W/\"abc\"");
    EXPECT_EQ(header(r, "Vary"), "Accept-Encoding");
    EXPECT_EQ(header(r, "Content-Encoding"), "");
    Response plain{304, "", "", {{"ETag", "\"abc\""}}};
    compress_response(plain, false, {});
    EXPECT_EQ(header(plain, "ETag"), "\"abc\"");
    EXPECT_EQ(header(plain, "Vary"), "Accept-Encoding");
}

TEST(HttpCompression, AnErrorPageIsCompressedToo) {
    const std::string body = html_body();
    Response r{429, "text/html; charset=utf-8", body, {{"Retry-After", "30"}}};
    compress_response(r, true, {.level = 6});
    EXPECT_EQ(header(r, "Content-Encoding"), "gzip");
    EXPECT_EQ(test::gunzip(r.body).value_or("(not one gzip member)"), body);
}

}  // namespace
}  // namespace cis::http
