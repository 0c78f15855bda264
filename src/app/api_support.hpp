#pragma once
// What every API route file shares: the caller's key (or the 401 already sent), role
// checks, query parameters, JSON bodies. Each answers the request itself on failure
// and returns "no", so a route reads as a straight line of checks.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/http_api.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "services/cursor.hpp"
#include "store/store.hpp"

namespace cis::app::api {

using http::Request;
using http::Respond;
using Params = http::Router::Params;

using Handler = void (*)(ApiContext&, const Request&, const Params&, Respond);
// A router entry for a route function that takes the API context first.
inline http::Router::Route bind(ApiContext& ctx, Handler fn) {
    return [&ctx, fn](const Request& req, const Params& p, Respond respond) {
        fn(ctx, req, p, std::move(respond));
    };
}

// The key presented in X-API-Key, or nullopt after answering 401.
std::optional<store::ApiKey> caller(ApiContext& ctx, const Request& req, const Respond& respond);
// True for an admin key; otherwise answers 403.
bool is_admin(const store::ApiKey& key, const Respond& respond);
// True when the key may act on this organizer's events; otherwise answers 403.
bool covers(const store::ApiKey& key, const std::string& organizer, const Respond& respond);
// The first value of a query parameter, or "".
std::string query(const Request& req, const std::string& name);
bool truthy(std::string_view v);
// The body as a JSON object, or nullopt after answering 400 (`example` shows the shape).
std::optional<nlohmann::json> json_body(const Request& req, const Respond& respond,
                                        const char* example);
// The event, if it exists and the key covers its organizer; otherwise answers 404/403.
std::optional<Event> event_for(ApiContext& ctx, const store::ApiKey& key, const std::string& id,
                               const Respond& respond);
// A positive decimal number (a path id, a query parameter), or nullopt.
std::optional<std::int64_t> positive_number(const std::string& text);

// Newest-first paging: `?limit=` (1 to 1000, 50 by default) and `?before=` (the previous
// page's next_before; 0 = from the newest). Nullopt after answering 400; `before_is`
// tells the client what before names.
struct Page {
    std::size_t limit = 50;
    std::int64_t before = 0;
};
std::optional<Page> page_query(const Request& req, const Respond& respond, const char* before_is);
// Call the store with page.limit + 1; this trims the extra row and says whether a next
// page exists.
template <typename T, typename AnyPage>
bool trim_page(std::vector<T>& rows, const AnyPage& page) {
    if (rows.size() <= page.limit) return false;
    rows.resize(page.limit);
    return true;
}

// Cursor paging in key order (management listings): `?limit=` (1 to 1000, 50 by default)
// and `?cursor=` (the previous page's next_cursor: services::encode_cursor of the last
// row's sort key, tagged with the listing `name`). Nullopt after answering 400.
struct CursorPage {
    std::size_t limit = 50;
    std::string after;  // the decoded sort key; "" = from the start
};
std::optional<CursorPage> cursor_query(const Request& req, const Respond& respond,
                                       const char* name);
// The 400 answer to a cursor that no page of this listing handed out.
http::Response bad_cursor();
// The 200 answer of a cursor page: {"<name>": [to_json(row)...], "next_cursor": ...}.
// `rows` came from the store with page.limit + 1; `sort_key` gives a row's key.
template <typename T, typename ToJson, typename SortKey>
http::Response cursor_page_response(std::vector<T>& rows, const CursorPage& page, const char* name,
                                    ToJson to_json, SortKey sort_key) {
    const bool more = trim_page(rows, page);
    auto items = nlohmann::json::array();
    for (const auto& row : rows) items.push_back(to_json(row));
    return http::json_response(
        200,
        {{name, items},
         {"next_cursor", more ? nlohmann::json(services::encode_cursor(name, sort_key(rows.back())))
                              : nlohmann::json()}});
}

// Runs `work` in the group committer and answers with the response it built once that
// is on disk (503 when the commit failed, 500 when `work` threw).
void commit_then_respond(ApiContext& ctx, std::function<http::Response(store::Tx&)> work,
                         Respond respond);
// `respond`, forgetting the cached API keys first: for the answer to a committed revoke
// (forgetting before the commit would let a request in between cache the key again).
Respond forgetting_keys(ApiContext& ctx, Respond respond);

}  // namespace cis::app::api
