// Statistics of SPEC §3.7 and §4 (calls 2, 4 and 6): invitees by delivery, answer,
// origin and client family, for one event, one organizer or the installation. They are
// read from the counters migration 3's triggers keep, so a call costs a few index rows
// and always equals a recount of the invitees.
#include <ctime>

#include "app/api_support.hpp"
#include "app/display_support.hpp"
#include "core/address.hpp"

namespace cis::app {

namespace {

using http::json_response;
using namespace api;

nlohmann::json breakdown(const std::vector<store::InviteeCount>& counts) {
    nlohmann::json by_status = {{"yes", 0}, {"no", 0}, {"maybe", 0}, {"none", 0}};
    nlohmann::json by_delivery = {{"queued", 0}, {"sent", 0}, {"failed", 0}, {"bounced", 0}};
    auto by_origin = nlohmann::json::object();
    auto by_client = nlohmann::json::object();
    std::int64_t invited = 0;
    for (const auto& c : counts) {
        if (c.dimension == "status") {
            by_status[c.value] = c.n;
            invited += c.n;
        } else if (c.dimension == "delivery") {
            by_delivery[c.value] = c.n;
        } else if (c.dimension == "origin") {
            by_origin[c.value] = c.n;
        } else if (c.dimension == "client" && !c.value.empty()) {
            by_client[c.value] = c.n;  // "" is "has not answered": that is no_answer
        }
    }
    return {{"invited", invited},
            {"delivered", by_delivery["sent"]},
            {"queued", by_delivery["queued"]},
            {"failed", by_delivery["failed"]},
            {"bounced", by_delivery["bounced"]},
            {"answers",
             {{"yes", by_status["yes"]},
              {"no", by_status["no"]},
              {"maybe", by_status["maybe"]},
              {"no_answer", by_status["none"]}}},
            {"by_origin", std::move(by_origin)},
            {"by_client", std::move(by_client)}};
}

// The versions of the event and how far each one's fan-out got: one row per version.
nlohmann::json versions_json(const std::vector<store::EventChange>& changes) {
    auto list = nlohmann::json::array();
    for (const auto& c : changes)
        list.push_back({{"sequence", c.sequence},
                        {"outcome", c.outcome},
                        {"sends", c.kind.empty() ? nlohmann::json() : nlohmann::json(c.kind)},
                        {"approval", c.approval},
                        {"fanout", c.fanout},
                        {"queued", c.queued}});
    return list;
}

void event_statistics(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    std::vector<store::InviteeCount> counts;
    std::vector<store::EventChange> changes;
    auto event = read_event_for(ctx, *key, p.at("id"), respond, [&](store::Tx& tx, const Event& e) {
        counts = tx.invitee_counts({e.id, ""});
        changes = tx.event_versions(e.id);
    });
    if (!event) return;
    auto j = breakdown(counts);
    j["event_id"] = event->id;
    j["sequence"] = event->sequence;
    j["versions"] = versions_json(changes);
    respond(json_response(200, j));
}

void answer_sum(ApiContext& ctx, const store::CountScope& scope, nlohmann::json head,
                const Respond& respond) {
    std::vector<store::InviteeCount> counts;
    std::int64_t events = 0;
    ctx.store.read([&](store::Tx& tx) {
        counts = tx.invitee_counts(scope);
        events = tx.count_events(scope);
    });
    head.update(breakdown(counts));
    head["events"] = events;
    respond(json_response(200, head));
}

void organizer_statistics(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    const std::string email = normalize_address(p.at("email"));
    if (!covers(*key, email, respond)) return;
    answer_sum(ctx, {"", email}, {{"organizer", email}}, respond);
}

void system_statistics(ApiContext& ctx, const Request& req, const Params&, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key || !is_admin(*key, respond)) return;
    answer_sum(ctx, {}, nlohmann::json::object(), respond);
}

}  // namespace

void add_statistics_routes(http::Router& router, ApiContext& ctx) {
    router.add("GET", "/system/statistics", api::bind(ctx, system_statistics));
    router.add("GET", "/organizer/{email}/statistics", api::bind(ctx, organizer_statistics));
    router.add("GET", "/event/{id}/statistics", api::bind(ctx, event_statistics));
}

}  // namespace cis::app
