#pragma once
// Maps (method, path pattern) to routes: "/event/{id}/invites/{email}". Pure: no I/O, so it
// is unit-tested and fuzzed on its own.
//
// Matching works on the still-encoded path, segment by segment, so "%2F" inside a parameter
// stays inside it; parameters are then percent-decoded. A {name} matches exactly one
// non-empty segment; literal segments match exactly (after decoding). When several patterns
// match, the one with a literal at the first segment where they differ wins
// ("/event/new" beats "/event/{id}"), whatever the order of add(). A HEAD request uses the
// GET route when there is no HEAD route (the server drops the body).
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace cis::http {

class Router {
  public:
    using Params = std::map<std::string, std::string>;
    // Gets the request by reference: copy what you need before responding asynchronously.
    using Route = std::function<void(const Request&, const Params&, Respond)>;

    struct Match {
        enum class Kind { kFound, kNotFound, kMethodNotAllowed, kBadRequest };
        Kind kind = Kind::kNotFound;
        const Route* route = nullptr;  // kFound: valid while the router lives
        Params params;                 // kFound
        std::string allow;             // kMethodNotAllowed: "GET, HEAD, POST"
    };

    // Throws std::invalid_argument for a malformed pattern (must start with '/'; braces only
    // around a whole segment; parameter names non-empty and distinct) or a duplicate
    // (method, pattern). Not thread-safe: add every route before serving.
    void add(std::string method, std::string pattern, Route route);

    // Every (method, pattern) added, in order: for documentation checks (the OpenAPI
    // document must list exactly these).
    std::vector<std::pair<std::string, std::string>> routes() const;

    // `raw_path` is still percent-encoded (Request::raw_path()).
    Match match(std::string_view method, std::string_view raw_path) const;

    // Calls the matching route, or answers 404 not_found, 405 method_not_allowed (with an
    // Allow header) or 400 bad_request (malformed escape in a parameter) as JSON errors.
    // Exceptions from the route propagate (the server turns them into 500).
    void dispatch(Request req, Respond respond) const;

  private:
    struct Segment {
        std::string text;  // literal text, or the parameter name
        bool param = false;
    };
    struct Entry {
        std::string method;
        std::string pattern;
        std::vector<Segment> segments;
        std::uint64_t literal_mask = 0;  // bit 63-i set when segment i is literal
        Route route;
    };

    static bool matches(const Entry& e, std::string_view raw_path);
    static bool extract(const Entry& e, std::string_view raw_path, Params& params);

    std::vector<Entry> entries_;
};

}  // namespace cis::http
