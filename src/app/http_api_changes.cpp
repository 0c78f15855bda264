// Routes of the fan-out (SPEC §3.4): the versions of an event and their delivery
// progress, the changes awaiting manual approval, and the approval switches.
#include <fmt/format.h>

#include <ctime>

#include "app/api_support.hpp"
#include "core/address.hpp"
#include "core/time.hpp"
#include "services/api_keys.hpp"
#include "services/fanout.hpp"

namespace cis::app {

namespace {

using http::json_error;
using http::json_response;
using namespace api;

nlohmann::json change_json(const store::EventChange& c) {
    auto opt_time = [](const std::optional<std::int64_t>& t) {
        return t ? nlohmann::json(rfc3339_utc(*t)) : nlohmann::json();
    };
    return {{"id", c.id},
            {"event_id", c.event_id},
            {"sequence", c.sequence},
            {"outcome", c.outcome},
            {"sends", c.kind.empty() ? nlohmann::json() : nlohmann::json(c.kind)},
            {"occurrences", c.occurrences},
            {"approval", c.approval},
            {"fanout", c.fanout},
            {"queued", c.queued},
            {"decided_at", opt_time(c.decided_at)},
            {"decided_by", c.decided_by},
            {"created_at", rfc3339_utc(c.created_at)}};
}

services::FanOutSettings fanout_settings(const ApiContext& ctx) {
    return services::FanOutSettings{ctx.domain, ctx.bounce_local, ctx.token_key, false};
}

void event_changes(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    auto event = event_for(ctx, *key, p.at("id"), respond);
    if (!event) return;
    std::vector<store::EventChange> changes;
    std::vector<store::DeliveryProgress> progress;
    ctx.store.read([&](store::Tx& tx) {
        changes = tx.list_changes(store::ChangeFilter{event->id, "", "", false, 1000});
        progress = tx.delivery_progress(event->id);
    });
    auto versions = nlohmann::json::array();
    for (const auto& v : progress)
        versions.push_back({{"sequence", v.sequence},
                            {"kind", v.kind},
                            {"queued", v.queued},
                            {"sending", v.sending},
                            {"sent", v.sent},
                            {"failed", v.failed},
                            {"superseded", v.superseded}});
    auto list = nlohmann::json::array();
    for (const auto& c : changes) list.push_back(change_json(c));
    respond(json_response(200, {{"event_id", event->id},
                                {"sequence", event->sequence},
                                {"status", to_string(event->fields.status)},
                                {"deliveries", versions},
                                {"changes", list}}));
}

void pending_changes(ApiContext& ctx, const Request& req, const Params&, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    store::ChangeFilter f;
    f.pending_only = query(req, "state") != "all";
    if (key->role == "organizer") f.organizer = key->organizer;
    if (key->role == "domain") f.domain = key->domain;
    std::vector<store::EventChange> changes;
    ctx.store.read([&](store::Tx& tx) { changes = tx.list_changes(f); });
    auto list = nlohmann::json::array();
    for (const auto& c : changes) list.push_back(change_json(c));
    respond(json_response(200, {{"changes", list}}));
}

// approve or reject, by the route's last segment
void decide_change(ApiContext& ctx, const Request& req, const Params& p, Respond respond,
                   bool approve) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    const std::int64_t id = std::strtoll(p.at("id").c_str(), nullptr, 10);
    std::optional<store::EventChange> change;
    std::optional<Event> event;
    ctx.store.read([&](store::Tx& tx) {
        change = tx.find_change(id);
        if (change) event = tx.find_event_by_id(change->event_id);
    });
    if (!change || !event)
        return respond(json_error(404, "change_not_found", "no change with id " + p.at("id")));
    if (!covers(*key, event->organizer, respond)) return;
    const auto settings = fanout_settings(ctx);
    commit_then_respond(
        ctx,
        [id, approve, settings, who = key->id](store::Tx& tx) {
            const std::int64_t now = std::time(nullptr);
            const auto d = approve ? services::approve_change(tx, id, settings, who, now)
                                   : services::reject_change(tx, id, who, now);
            if (!d.error_code.empty()) return json_error(d.status, d.error_code, d.error_message);
            return json_response(200, change_json(d.change));
        },
        [respond, &ctx, approve](http::Response r) {
            if (approve && r.status == 200) ctx.work_queued();
            respond(std::move(r));
        });
}

// {"required": true | false | null}: null inherits (event → organizer → installation).
std::optional<std::optional<bool>> approval_switch(const Request& req, const Respond& respond) {
    auto body = json_body(req, respond, "{\"required\": true}");
    if (!body) return std::nullopt;
    const auto it = body->find("required");
    if (it == body->end() || !(it->is_boolean() || it->is_null())) {
        respond(json_error(422, "invalid_required",
                           "\"required\" must be true, false or null (inherit)"));
        return std::nullopt;
    }
    return it->is_null() ? std::optional<bool>() : std::optional<bool>(it->get<bool>());
}

void event_approval(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    auto event = event_for(ctx, *key, p.at("id"), respond);
    if (!event) return;
    const auto required = approval_switch(req, respond);
    if (!required) return;
    commit_then_respond(
        ctx,
        [id = event->id, r = *required](store::Tx& tx) {
            tx.set_event_approval(id, r);
            return json_response(
                200, {{"event_id", id}, {"required", r ? nlohmann::json(*r) : nlohmann::json()}});
        },
        std::move(respond));
}

void organizer_approval(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    const std::string email = normalize_address(p.at("email"));
    if (!covers(*key, email, respond)) return;
    const auto required = approval_switch(req, respond);
    if (!required) return;
    commit_then_respond(
        ctx,
        [email, r = *required](store::Tx& tx) {
            if (!tx.find_organizer(email))
                return json_error(404, "organizer_not_found",
                                  email + " is not a registered organizer");
            tx.set_organizer_approval(email, r);
            return json_response(200, {{"organizer", email},
                                       {"required", r ? nlohmann::json(*r) : nlohmann::json()}});
        },
        std::move(respond));
}

}  // namespace

void add_change_routes(http::Router& router, ApiContext& ctx) {
    router.add("GET", "/event/{id}/changes", api::bind(ctx, event_changes));
    router.add("PUT", "/event/{id}/approval", api::bind(ctx, event_approval));
    router.add("PUT", "/organizer/{email}/approval", api::bind(ctx, organizer_approval));
    router.add("GET", "/changes", api::bind(ctx, pending_changes));
    router.add("POST", "/changes/{id}/approve",
               [&ctx](const Request& req, const Params& p, Respond respond) {
                   decide_change(ctx, req, p, std::move(respond), true);
               });
    router.add("POST", "/changes/{id}/reject",
               [&ctx](const Request& req, const Params& p, Respond respond) {
                   decide_change(ctx, req, p, std::move(respond), false);
               });
}

}  // namespace cis::app
