#pragma once
// Response serialization: the bytes written to the socket. Written by hand rather than with
// Beast's serializer so a pipelined batch of responses lands in one reusable buffer (one
// write, no per-response allocation).
#include <ctime>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace cis::http::detail {

struct WireOptions {
    std::string_view server_name;
    bool keep_alive = true;  // false: "Connection: close"
    bool http10 = false;     // an HTTP/1.0 client that keeps alive gets "Connection: keep-alive"
    bool head = false;       // HEAD: Content-Length of the body, but no body
};

// Appends the response to `out`. Always sends Server, Date and Content-Length (except for
// 204 and 304, which have no body). Extra headers that are reserved, malformed or contain
// CR/LF are dropped so a handler can never split the response.
void serialize_response(const Response& r, const WireOptions& o, std::string& out);

// RFC 7231 section 7.1.1.1 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string format_http_date(std::time_t t);
// The current date; formatted at most once a second per thread.
std::string_view current_http_date();

}  // namespace cis::http::detail
