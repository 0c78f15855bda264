#include "http/request_parser.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

#include "http/url.hpp"

namespace cis::http::detail {

namespace beast_http = boost::beast::http;

namespace {
constexpr std::uint64_t kBodyReserve = 64 * 1024;
}  // namespace

RequestParser::RequestParser(std::size_t max_body, std::uint32_t max_header) {
    body_limit(std::uint64_t{max_body});
    header_limit(max_header);
    eager(true);  // header and body in one put() when both are buffered
}

void RequestParser::on_request_impl(beast_http::verb, string_view method, string_view target,
                                    int version, error_code& ec) {
    // HTTP/1.x only; "PRI * HTTP/2.0" (an HTTP/2 preface) and the like are bad requests.
    if (version < 10 || version > 19) {
        ec = beast_http::error::bad_version;
        return;
    }
    req_.method.assign(method.data(), method.size());
    req_.target.assign(target.data(), target.size());
    req_.version = version >= 11 ? 11 : 10;
    const auto parts = split_target(req_.target);
    std::optional<std::multimap<std::string, std::string>> query;
    if (parts) query = parse_query(parts->query);
    if (!parts || !query || !percent_decode(parts->path, req_.path)) {
        ec = beast_http::error::bad_target;
        return;
    }
    req_.query = std::move(*query);
    req_.headers.reserve(8);
}

void RequestParser::on_field_impl(field f, string_view name, string_view value, error_code&) {
    // Beast also reports chunked trailers here; they are not headers of the request.
    if (in_trailer_) return;
    if (f == field::host) has_host_ = true;
    if (f == field::transfer_encoding) has_transfer_encoding_ = true;
    // RFC 7231 section 5.1.1: an HTTP/1.0 client's expectation is ignored.
    if (f == field::expect && req_.version >= 11 && boost::beast::iequals(value, "100-continue"))
        expect_continue_ = true;
    req_.headers.emplace_back(std::string(name.data(), name.size()),
                              std::string(value.data(), value.size()));
}

void RequestParser::on_header_impl(error_code& ec) {
    in_trailer_ = true;
    // RFC 7230 section 5.4: a server MUST answer 400 to an HTTP/1.1 request without Host.
    if (req_.version >= 11 && !has_host_) {
        ec = beast_http::error::bad_field;
        return;
    }
    // A Transfer-Encoding whose final coding is not chunked leaves the body length unknown
    // (section 3.3.3); accepting it would open the door to request smuggling.
    if (has_transfer_encoding_ && !chunked()) ec = beast_http::error::bad_transfer_encoding;
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) {
    // Reserve what the client announces (Beast checked it against body_limit), but not more
    // than one read's worth up front: announcing 10 MB and sending nothing must not cost us
    // 10 MB per connection.
    if (length)
        req_.body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*length, kBodyReserve)));
}

std::size_t RequestParser::on_body_impl(string_view body, error_code&) {
    req_.body.append(body.data(), body.size());
    return body.size();
}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
    req_.body.append(body.data(), body.size());
    return body.size();
}

Response error_response(const boost::system::error_code& ec, std::size_t max_body) {
    if (ec == beast_http::error::body_limit) {
        return json_error(413, "payload_too_large",
                          "The request body exceeds " + std::to_string(max_body) + " bytes");
    }
    if (ec == beast_http::error::header_limit) {
        return json_error(431, "header_too_large", "The request header fields are too large");
    }
    return json_error(400, "bad_request", "Malformed HTTP request: " + ec.message());
}

}  // namespace cis::http::detail
