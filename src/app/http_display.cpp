// Display calls of SPEC §4: the event listings (system-wide and per organizer, newest
// first), one event in full, and its attendees (masked unless the organizer or an admin
// asks otherwise). Every listing pages by an opaque cursor (services/cursor.hpp).
#include <fmt/format.h>

#include <array>

#include "app/api_support.hpp"
#include "app/display_support.hpp"
#include "core/address.hpp"
#include "services/cursor.hpp"
#include "services/json_views.hpp"
#include "services/masking.hpp"

namespace cis::app {

namespace {

using http::json_error;
using http::json_response;
using namespace api;

constexpr std::array kEventStatuses{"confirmed", "tentative", "cancelled"};
constexpr std::array kAnswers{"yes", "no", "maybe", "none"};
constexpr std::array kDeliveries{"queued", "sent", "failed", "bounced"};

// ?from= / ?to= on the start: RFC 3339 or a date; a date as `to` includes that whole day.
bool start_bound(const Request& req, const char* name, bool upper, std::optional<std::int64_t>& out,
                 const Respond& respond) {
    const std::string text = query(req, name);
    if (text.empty()) return true;
    const auto t = parse_rfc3339(text);
    if (!t) {
        respond(json_error(400, "invalid_parameter",
                           fmt::format("{} must be a date (2030-06-01) or an RFC 3339 time "
                                       "(2030-06-01T18:00:00Z), not \"{}\"",
                                       name, text)));
        return false;
    }
    out = upper && text.size() == 10 ? *t + 86400 : *t;
    return true;
}

// The filters and page of an event listing, or nullopt after answering 400.
std::optional<store::EventPageFilter> event_page(const Request& req, const Respond& respond) {
    store::EventPageFilter f;
    const auto page = listing_page(req, respond, "events");
    if (!page) return std::nullopt;
    f.limit = page->limit + 1;  // one more says whether a next page exists
    if (!page->after.empty()) {
        const auto position = positive_number(page->after);
        if (!position) {
            respond(bad_cursor());
            return std::nullopt;
        }
        f.before = *position;
    }
    f.status = query(req, "status");
    if (!one_of(f.status, kEventStatuses, "status", respond)) return std::nullopt;
    if (!start_bound(req, "from", false, f.from, respond) ||
        !start_bound(req, "to", true, f.to, respond))
        return std::nullopt;
    if (f.from && f.to && *f.from >= *f.to) {
        respond(json_error(400, "invalid_parameter", "from must be before to"));
        return std::nullopt;
    }
    f.text = query(req, "q");
    if (f.text.size() > 200) {
        respond(json_error(400, "invalid_parameter", "q is at most 200 bytes of text"));
        return std::nullopt;
    }
    return f;
}

void answer_events(ApiContext& ctx, store::EventPageFilter f, const Respond& respond) {
    std::vector<store::ListedEvent> rows;
    ctx.store.read([&](store::Tx& tx) { rows = tx.list_events_page(f); });
    const bool more = rows.size() == f.limit;
    if (more) rows.pop_back();
    auto list = nlohmann::json::array();
    for (const auto& r : rows) list.push_back(event_display_json(r.event));
    respond(json_response(
        200, {{"events", std::move(list)},
              {"next_cursor", more ? nlohmann::json(services::encode_cursor(
                                         "events", std::to_string(rows.back().position)))
                                   : nlohmann::json()}}));
}

void system_events(ApiContext& ctx, const Request& req, const Params&, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key || !is_admin(*key, respond)) return;
    auto f = event_page(req, respond);
    if (f) answer_events(ctx, std::move(*f), respond);
}

void organizer_events(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    const std::string email = normalize_address(p.at("email"));
    if (!covers(*key, email, respond)) return;
    auto f = event_page(req, respond);
    if (!f) return;
    f->organizer = email;
    answer_events(ctx, std::move(*f), respond);
}

void show_event(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    auto event = read_event_for(ctx, *key, p.at("id"), respond, {});
    if (event) respond(json_response(200, event_display_json(*event)));
}

nlohmann::json attendee_json(const store::Invitee& i, bool masked) {
    auto time_or_null = [](const std::optional<std::int64_t>& t) {
        return t ? nlohmann::json(rfc3339_utc(*t)) : nlohmann::json();
    };
    return {{"email", masked ? services::mask_email(i.email) : i.email},
            {"name", masked ? services::mask_name(i.name) : i.name},
            {"status", i.status},
            {"partstat", i.partstat},
            {"delivery", i.delivery},
            {"origin", i.origin},
            {"client", i.client.empty() ? nlohmann::json() : nlohmann::json(i.client)},
            {"invited_at", rfc3339_utc(i.invited_at)},
            {"sent_at", time_or_null(i.sent_at)},
            {"responded_at", time_or_null(i.responded_at)}};
}

void event_attendees(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    const bool unmasked = truthy(query(req, "unmasked"));
    // Domain owners see how an organizer's invitations fare, not to whom they went.
    if (unmasked && key->role == "domain")
        return respond(json_error(403, "forbidden",
                                  "domain keys always see attendees masked; unmasked=true needs "
                                  "the organizer's key or an admin key"));
    store::AttendeeFilter f;
    const auto page = listing_page(req, respond, "attendees");
    if (!page) return;
    f.limit = page->limit + 1;
    if (!page->after.empty()) {
        const auto id = positive_number(page->after);
        if (!id) return respond(bad_cursor());
        f.after = *id;
    }
    f.status = query(req, "status");
    f.delivery = query(req, "delivery");
    if (!one_of(f.status, kAnswers, "status", respond) ||
        !one_of(f.delivery, kDeliveries, "delivery", respond))
        return;
    std::vector<store::Invitee> rows;
    auto event = read_event_for(ctx, *key, p.at("id"), respond, [&](store::Tx& tx, const Event& e) {
        f.event_id = e.id;
        rows = tx.list_attendees(f);
    });
    if (!event) return;
    const bool more = rows.size() == f.limit;
    if (more) rows.pop_back();
    auto list = nlohmann::json::array();
    for (const auto& i : rows) list.push_back(attendee_json(i, !unmasked));
    respond(
        json_response(200, {{"event_id", event->id},
                            {"masked", !unmasked},
                            {"attendees", std::move(list)},
                            {"next_cursor", more ? nlohmann::json(services::encode_cursor(
                                                       "attendees", std::to_string(rows.back().id)))
                                                 : nlohmann::json()}}));
}

}  // namespace

void add_display_routes(http::Router& router, ApiContext& ctx) {
    router.add("GET", "/system/events", api::bind(ctx, system_events));
    router.add("GET", "/organizer/{email}/events", api::bind(ctx, organizer_events));
    router.add("GET", "/event/{id}", api::bind(ctx, show_event));
    router.add("GET", "/event/{id}/attendees", api::bind(ctx, event_attendees));
}

}  // namespace cis::app
