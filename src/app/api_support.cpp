#include "app/api_support.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "services/api_keys.hpp"

namespace cis::app::api {

using http::json_error;

std::optional<store::ApiKey> caller(ApiContext& ctx, const Request& req, const Respond& respond) {
    const std::string presented = req.header("X-API-Key");
    std::optional<store::ApiKey> key;
    if (!presented.empty()) key = ctx.keys.authenticate(ctx.store, presented);
    if (!key)
        respond(json_error(401, "unauthorized",
                           presented.empty() ? "an API key is required in the X-API-Key header"
                                             : "the X-API-Key is not valid (unknown or revoked)"));
    return key;
}

bool is_admin(const store::ApiKey& key, const Respond& respond) {
    if (key.role == "admin") return true;
    respond(json_error(403, "forbidden", "this call needs an admin key"));
    return false;
}

bool covers(const store::ApiKey& key, const std::string& organizer, const Respond& respond) {
    if (services::key_covers_organizer(key, organizer)) return true;
    respond(json_error(403, "forbidden", "this API key may not act for " + organizer));
    return false;
}

std::string query(const Request& req, const std::string& name) {
    auto it = req.query.find(name);
    return it == req.query.end() ? std::string() : it->second;
}

bool truthy(std::string_view v) {
    return v == "1" || v == "true" || v == "yes";
}

std::optional<nlohmann::json> json_body(const Request& req, const Respond& respond,
                                        const char* example) {
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        respond(json_error(400, "invalid_json",
                           std::string("the body must be a JSON object such as ") + example));
        return std::nullopt;
    }
    return body;
}

std::optional<Event> event_for(ApiContext& ctx, const store::ApiKey& key, const std::string& id,
                               const Respond& respond) {
    std::optional<Event> event;
    ctx.store.read([&](store::Tx& tx) { event = tx.find_event_by_id(id); });
    if (!event) {
        respond(json_error(404, "event_not_found", "no event with id " + id));
        return std::nullopt;
    }
    if (!services::key_covers_organizer(key, event->organizer)) {
        respond(json_error(403, "forbidden", "this API key may not see that organizer's events"));
        return std::nullopt;
    }
    return event;
}

std::optional<std::int64_t> positive_number(const std::string& text) {
    if (text.empty() || text.size() > 18 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    const std::int64_t v = std::stoll(text);
    return v > 0 ? std::optional(v) : std::nullopt;
}

namespace {
constexpr std::size_t kMaxPage = 1000;

// The `limit` query parameter: 1 to kMaxPage, `fallback` when absent.
std::optional<std::size_t> limit_query(const Request& req, const Respond& respond,
                                       std::size_t fallback) {
    if (!req.query.count("limit")) return fallback;
    const auto limit = positive_number(query(req, "limit"));
    if (!limit) {
        respond(json_error(400, "invalid_parameter",
                           fmt::format("limit must be a number from 1 to {}", kMaxPage)));
        return std::nullopt;
    }
    return std::min<std::size_t>(static_cast<std::size_t>(*limit), kMaxPage);
}
}  // namespace

std::optional<Page> page_query(const Request& req, const Respond& respond, const char* before_is) {
    Page page;
    const auto limit = limit_query(req, respond, page.limit);
    if (!limit) return std::nullopt;
    page.limit = *limit;
    if (req.query.count("before")) {
        const auto before = positive_number(query(req, "before"));
        if (!before) {
            respond(json_error(
                400, "invalid_parameter",
                fmt::format("before must be {} (next_before of the previous page)", before_is)));
            return std::nullopt;
        }
        page.before = *before;
    }
    return page;
}

http::Response bad_cursor() {
    return json_error(400, "invalid_cursor",
                      "cursor must be the next_cursor of a previous page of this listing, "
                      "unchanged");
}

std::optional<CursorPage> cursor_query(const Request& req, const Respond& respond,
                                       const char* name) {
    CursorPage page;
    const auto limit = limit_query(req, respond, page.limit);
    if (!limit) return std::nullopt;
    page.limit = *limit;
    if (const std::string cursor = query(req, "cursor"); !cursor.empty()) {
        auto key = services::decode_cursor(name, cursor);
        if (!key) {
            respond(bad_cursor());
            return std::nullopt;
        }
        page.after = std::move(*key);
    }
    return page;
}

void commit_then_respond(ApiContext& ctx, std::function<http::Response(store::Tx&)> work,
                         Respond respond) {
    auto answer = std::make_shared<http::Response>();
    store::WriteJob job;
    job.work = [answer, work = std::move(work)](store::Tx& tx) { *answer = work(tx); };
    job.on_error = [answer](store::Tx&, const std::exception& e) {
        *answer = json_error(500, "internal", e.what());
    };
    job.done = [answer, respond = std::move(respond)](bool committed) {
        if (!committed)
            return respond(
                json_error(503, "unavailable", "the database is busy; try again shortly"));
        respond(std::move(*answer));
    };
    ctx.committer.submit(std::move(job));
}

Respond forgetting_keys(ApiContext& ctx, Respond respond) {
    return [&ctx, respond = std::move(respond)](http::Response r) {
        forget_cached_keys(ctx);
        respond(std::move(r));
    };
}

}  // namespace cis::app::api
