#pragma once
// The request and response values exchanged between the HTTP server and the application,
// and the handler signature. Plain data: no Asio, no Beast.
#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cis::http {

struct Request {
    std::string method;  // as sent, e.g. "GET", "POST" (methods are case-sensitive)
    std::string target;  // as sent: "/event/abc/invite?x=1"
    std::string path;    // percent-decoded path without the query: "/event/abc/invite"
    std::multimap<std::string, std::string> query;  // decoded ('+' as space) query parameters
    std::string body;                               // de-chunked
    std::string remote;                             // peer address: "127.0.0.1:5555", "[::1]:5555"
    int version = 11;                               // 10 for HTTP/1.0, 11 for HTTP/1.1
    std::vector<std::pair<std::string, std::string>> headers;  // in order, names as sent

    // The first header of that name (ASCII case-insensitive), "" if absent.
    std::string header(std::string_view name) const;
    // Every header line of that name joined by ", ": one list, as RFC 9110 §5.3 reads them.
    std::string header_list(std::string_view name) const;
    // The path part of target, still percent-encoded (the router splits this, so that an
    // encoded "/" inside a parameter stays inside it). Absolute-form targets
    // ("http://host/p?q") yield "/p".
    std::string_view raw_path() const;
};

struct Response {
    int status = 200;  // 200-599; anything else is sent as 500. 204 and 304 carry no body.
    // "application/json" is sent as "application/json; charset=utf-8". Empty: no Content-Type.
    std::string content_type = "application/json";
    std::string body;
    // Extra headers. Content-Type (see above), Content-Length, Transfer-Encoding, Connection,
    // Date and Server belong to the server and are ignored here, as is any malformed header
    // (a name that is not a token, a value with CR, LF or NUL).
    std::vector<std::pair<std::string, std::string>> headers;
};

// SPEC §4 error shape: {"error": {"code": "...", "message": "..."}}.
Response json_error(int status, std::string_view code, std::string_view message);
Response json_response(int status, const nlohmann::json& body);

// Whether a client holding `etag` ('"abc"') already has this version: If-None-Match may
// list several tags, weak ones (W/, compared weakly as RFC 9110 §13.1.2 allows for GET), or *.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

// Delivers the response. Call exactly once, from any thread, now or later; later calls are
// ignored, and so is a call after the connection closed (e.g. after handler_timeout). Cheap
// to copy; holds the connection only weakly.
using Respond = std::function<void(Response)>;
// The application. Runs on an io_context thread, on the connection's strand: must not block;
// slow work goes elsewhere and calls Respond when done. If it throws before responding, the
// client gets 500 {"error":{"code":"internal",...}}.
using Handler = std::function<void(Request, Respond)>;

}  // namespace cis::http
