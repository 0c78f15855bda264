// Hostile bytes from an HTTP client: parsed as a stream of pipelined requests (in uneven
// chunks, as socket reads arrive) with the server's limits; each request is routed, its
// response compressed as Accept-Encoding allows (and inflated back: the same bytes or a
// crash) and serialized. The same bytes also go through the target helpers directly.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/error.hpp>

#include "http/compression.hpp"
#include "http/request_parser.hpp"
#include "http/router.hpp"
#include "http/url.hpp"
#include "http/wire.hpp"
#include "support/gunzip.hpp"

namespace {

const cis::http::Router& router() {
    static const cis::http::Router r = [] {
        cis::http::Router r;
        const auto ok = [](const cis::http::Request& req, const cis::http::Router::Params& p,
                           cis::http::Respond respond) {
            cis::http::Response resp{200, "application/json", req.body, {}};
            for (const auto& [k, v] : p) resp.headers.emplace_back(k, v);
            respond(std::move(resp));
        };
        r.add("GET", "/", ok);
        r.add("GET", "/event/{id}", ok);
        r.add("GET", "/event/new", ok);
        r.add("POST", "/event/{id}/invite", ok);
        r.add("GET", "/event/{id}/invites/{email}", ok);
        r.add("GET", "/{any}/statistics", ok);
        return r;
    }();
    return r;
}

void serve(cis::http::Request req) {
    const bool head = req.method == "HEAD";
    const bool gzip = cis::http::accepts_gzip(req.header("Accept-Encoding"));
    std::optional<cis::http::Response> out;
    router().dispatch(std::move(req), [&](cis::http::Response r) { out = std::move(r); });
    if (out) {
        const std::string identity = out->body;
        cis::http::compress_response(*out, gzip, {.level = 1, .min_size = 16});
        const bool packed = std::any_of(out->headers.begin(), out->headers.end(),
                                        [](const auto& h) { return h.first == "Content-Encoding"; });
        // What the handler made must come back whole from the gzip the session would send.
        if (packed && cis::test::gunzip(out->body) != identity) __builtin_trap();
    }
    std::string wire;
    if (out) cis::http::detail::serialize_response(*out, {"cis", true, false, head}, wire);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::string buf;
    std::optional<cis::http::detail::RequestParser> parser;
    parser.emplace(4096);
    for (std::size_t pos = 0, step = 1; pos < bytes.size(); pos += step, step = step * 5 % 23 + 1) {
        buf.append(bytes.substr(pos, step));
        while (!buf.empty()) {
            boost::system::error_code ec;
            const std::size_t n = parser->put(boost::asio::buffer(buf), ec);
            buf.erase(0, n);
            if (ec == boost::beast::http::error::need_more) break;
            if (ec) {
                (void)cis::http::detail::error_response(ec, 4096);
                return 0;  // the server closes the connection here
            }
            if (!parser->is_done()) break;
            serve(parser->take());
            parser.emplace(4096);
        }
    }
    std::string decoded;
    (void)cis::http::percent_decode(bytes, decoded, true);
    (void)cis::http::parse_query(bytes);
    if (const auto parts = cis::http::split_target(bytes)) (void)router().match("GET", parts->path);
    return 0;
}
