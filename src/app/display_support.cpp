#include "app/display_support.hpp"

#include <fmt/format.h>

#include "services/api_keys.hpp"
#include "services/cursor.hpp"
#include "services/json_views.hpp"

namespace cis::app::api {

std::optional<ListingPage> listing_page(const Request& req, const Respond& respond,
                                        const char* listing) {
    ListingPage page;
    if (req.query.count("limit")) {
        const auto limit = positive_number(query(req, "limit"));
        if (!limit) {
            respond(http::json_error(
                400, "invalid_parameter",
                fmt::format("limit must be a number from 1 to {}", kMaxListingPage)));
            return std::nullopt;
        }
        page.limit = std::min<std::size_t>(static_cast<std::size_t>(*limit), kMaxListingPage);
    }
    const std::string cursor = query(req, "cursor");
    if (!cursor.empty()) {
        auto key = services::decode_cursor(listing, cursor);
        if (!key) {
            respond(bad_cursor());
            return std::nullopt;
        }
        page.after = std::move(*key);
    }
    return page;
}

std::optional<Event> read_event_for(ApiContext& ctx, const store::ApiKey& key,
                                    const std::string& id, const Respond& respond,
                                    const std::function<void(store::Tx&, const Event&)>& more) {
    std::optional<Event> event;
    bool covered = false;
    ctx.store.read([&](store::Tx& tx) {
        event = tx.find_event_by_id(id);
        covered = event && services::key_covers_organizer(key, event->organizer);
        if (covered && more) more(tx, *event);
    });
    if (!event) {
        respond(http::json_error(404, "event_not_found", "no event with id " + id));
        return std::nullopt;
    }
    if (!covered) {
        respond(
            http::json_error(403, "forbidden", "this API key may not see that organizer's events"));
        return std::nullopt;
    }
    return event;
}

nlohmann::json event_display_json(const Event& e) {
    nlohmann::json j = services::event_json(e);
    j["status"] = to_string(e.fields.status);
    j["start_utc"] = rfc3339_utc(e.fields.start.utc);
    j["end_utc"] = rfc3339_utc(e.fields.end.utc);
    j["recurrence"] = {{"rrule", j["rrule"]}, {"rdates", j["rdate"]}, {"exdates", j["exdate"]}};
    return j;
}

}  // namespace cis::app::api
