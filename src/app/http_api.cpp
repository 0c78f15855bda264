#include "app/http_api.hpp"

#include "app/assets.hpp"

#include <fmt/format.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "app/api_support.hpp"
#include "services/api_keys.hpp"
#include "services/json_views.hpp"

namespace cis::app {

namespace {

using http::json_error;
using http::json_response;
using http::Request;
using http::Respond;
using Params = http::Router::Params;
using api::caller;
using api::query;
using api::truthy;

nlohmann::json invite_json(const store::Invitee& i, const std::string& state) {
    return {{"id", i.id},         {"event_id", i.event_id},
            {"email", i.email},   {"name", i.name},
            {"origin", i.origin}, {"uid", i.uid},
            {"state", state},     {"invited_at", rfc3339_utc(i.invited_at)}};
}

void invite(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    services::InviteRequest r;
    r.event_id = p.at("id");
    if (req.method == "GET") {  // the original product's GET form, kept for compatibility
        r.email = query(req, "email");
        r.name = query(req, "name");
        r.origin = query(req, "origin");
        r.resend = truthy(query(req, "resend"));
    } else {
        const auto body = nlohmann::json::parse(req.body, nullptr, false);
        if (body.is_discarded() || !body.is_object())
            return respond(json_error(400, "invalid_json",
                                      "the body must be a JSON object such as "
                                      "{\"email\": \"zack@example.org\"}"));
        const auto text = [&](const char* name) {
            return body.contains(name) && body[name].is_string() ? body[name].get<std::string>()
                                                                 : std::string();
        };
        r.email = text("email");
        r.name = text("name");
        r.origin = text("origin");
        r.resend = body.value("resend", false);
    }
    if (r.origin.empty()) r.origin = "api";
    auto outcome = std::make_shared<services::InviteOutcome>();
    services::InviteContext ic{nullptr,    ctx.uid_key,      ctx.token_key,
                               ctx.domain, ctx.bounce_local, std::time(nullptr)};
    store::WriteJob job;
    job.work = [outcome, r, ic, key = *key](store::Tx& tx) mutable {
        ic.key = &key;
        *outcome = services::request_invite(tx, r, ic);
    };
    job.on_error = [outcome](store::Tx&, const std::exception& e) {
        outcome->status = 500;
        outcome->error_code = "internal";
        outcome->error_message = e.what();
    };
    job.done = [outcome, respond, &ctx](bool committed) {
        if (!committed)
            return respond(
                json_error(503, "unavailable", "the database is busy; try again shortly"));
        const auto& o = *outcome;
        if (!o.error_code.empty())
            return respond(json_error(o.status, o.error_code, o.error_message));
        auto j = invite_json(o.invitee, o.created || o.resent ? "queued" : o.invitee.delivery);
        j["created"] = o.created;
        j["resent"] = o.resent;
        if (o.created || o.resent) ctx.work_queued();
        respond(json_response(o.status, j));
    };
    ctx.committer.submit(std::move(job));
}

void invite_state(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    std::optional<Event> event;
    std::optional<store::Invitee> inv;
    std::optional<store::OutboxMessage> job;
    std::vector<store::DeliveryAttempt> attempts;
    std::vector<store::ReplyRecord> replies;
    std::string email = p.at("email");
    for (char& c : email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ctx.store.read([&](store::Tx& tx) {
        event = tx.find_event_by_id(p.at("id"));
        if (!event || !services::key_covers_organizer(*key, event->organizer)) return;
        inv = tx.find_invitee(event->id, email);
        if (!inv) return;
        job = tx.latest_outbox_for_invitee(inv->id);
        if (job) attempts = tx.attempts_for(job->id);
        replies = tx.replies_of(inv->id);
    });
    if (!event)
        return respond(json_error(404, "event_not_found", "no event with id " + p.at("id")));
    if (!services::key_covers_organizer(*key, event->organizer))
        return respond(
            json_error(403, "forbidden", "this API key may not see that organizer's events"));
    if (!inv)
        return respond(
            json_error(404, "invite_not_found", email + " was not invited to this event"));
    // A bounce comes after the relay's 250: the invitee's record then says more than the job's.
    const bool bounced = inv->delivery == "bounced";
    auto j = invite_json(*inv, job && !bounced ? job->state : inv->delivery);
    j["sent_at"] = inv->sent_at ? nlohmann::json(rfc3339_utc(*inv->sent_at)) : nlohmann::json();
    j["last_error"] =
        job && !bounced && inv->last_error.empty() ? job->last_error : inv->last_error;
    j["next_attempt_at"] = job && job->state == "queued"
                               ? nlohmann::json(rfc3339_utc(job->next_attempt_at))
                               : nlohmann::json();
    auto list = nlohmann::json::array();
    for (const auto& a : attempts)
        list.push_back({{"at", rfc3339_utc(a.at)}, {"result", a.result}, {"reply", a.reply}});
    j["attempts"] = list;
    j["answer"] = {
        {"status", inv->status},
        {"partstat", inv->partstat},
        {"client", inv->client},
        {"responded_at",
         inv->responded_at ? nlohmann::json(rfc3339_utc(*inv->responded_at)) : nlohmann::json()}};
    if (inv->forwarded_from) j["forwarded_from"] = *inv->forwarded_from;
    auto history = nlohmann::json::array();  // every answer received, oldest first
    for (const auto& r : replies)
        history.push_back({{"method", r.method},
                           {"partstat", r.partstat},
                           {"status", r.status},
                           {"client", r.client},
                           {"recurrence_id", r.recurrence_id},
                           {"attendee", r.attendee},
                           {"applied", r.applied},
                           {"note", r.note},
                           {"received_at", rfc3339_utc(r.received_at)}});
    j["history"] = history;
    respond(json_response(200, j));
}

}  // namespace

void add_api_routes(http::Router& router, ApiContext& ctx) {
    router.add("GET", "/healthz", [](const Request&, const Params&, Respond respond) {
        respond(json_response(200, {{"status", "ok"}}));
    });
    router.add("GET", "/readyz", [&ctx](const Request&, const Params&, Respond respond) {
        try {
            ctx.store.read([](store::Tx& tx) { (void)tx.setting("installation"); });  // it answers
            const int version = ctx.store.schema_version();
            respond(json_response(
                200, {{"status", "ready"}, {"schema", version}, {"transport", ctx.transport}}));
        } catch (const std::exception& e) {
            respond(json_error(503, "not_ready", e.what()));
        }
    });
    router.add("POST", "/event/{id}/invite", api::bind(ctx, invite));
    router.add("GET", "/event/{id}/invite", api::bind(ctx, invite));
    router.add("GET", "/event/{id}/invites/{email}", api::bind(ctx, invite_state));
    add_sandbox_routes(router, ctx);
    add_change_routes(router, ctx);
    add_inbound_routes(router, ctx);
    add_unsubscribe_routes(router, ctx);
    add_suppression_routes(router, ctx);
    add_organizer_routes(router, ctx);
    add_organizer_domain_routes(router, ctx);
    add_key_routes(router, ctx);
    add_openapi_routes(router);
    add_asset_routes(router);
    add_import_routes(router, ctx);
    add_report_routes(router, ctx);
    add_bulk_routes(router, ctx);
    add_display_routes(router, ctx);
    add_statistics_routes(router, ctx);
    add_feed_routes(router, ctx);
    add_public_page_routes(router, ctx);
    add_confirm_routes(router, ctx);
    add_page_admin_routes(router, ctx);
    add_cta_routes(router, ctx);
}

}  // namespace cis::app
