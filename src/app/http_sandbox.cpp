// The sandbox over HTTP (SPEC §4): what the sandbox transport captured, and a simulated
// answer to a captured invitation, shaped like Google's, Outlook's or Apple's, that
// travels the real rsvp@ path (the intake pipeline the SMTP listener uses).
#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "app/api_support.hpp"
#include "app/intake_pipeline.hpp"
#include "imip/reply_builder.hpp"
#include "mail/inbound_message.hpp"

namespace cis::app {

namespace {

using http::json_error;
using http::json_response;
using namespace api;

void sandbox_list(ApiContext& ctx, const Request& req, const Params&, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key || !is_admin(*key, respond)) return;
    store::SandboxFilter filter;
    if (auto l = query(req, "limit"); !l.empty())
        filter.limit = std::clamp<std::size_t>(std::strtoul(l.c_str(), nullptr, 10), 1, 10000);
    // Finding one message among a bulk list's 100 000 invitations: by kind or recipient.
    filter.kind = query(req, "kind");
    filter.rcpt = query(req, "rcpt");
    std::vector<store::SandboxMessage> list;
    ctx.store.read([&](store::Tx& tx) { list = tx.list_sandbox(filter); });
    auto messages = nlohmann::json::array();
    for (const auto& m : list)
        messages.push_back(
            {{"id", m.id},
             {"from", m.from},
             {"to", m.to},
             {"subject", m.subject},
             {"kind", m.kind},
             {"event_id", m.event_id.empty() ? nlohmann::json() : nlohmann::json(m.event_id)},
             {"created_at", rfc3339_utc(m.created_at)}});
    respond(json_response(200, {{"messages", messages}}));
}

std::optional<store::SandboxMessage> captured(ApiContext& ctx, const Params& p,
                                              const Respond& respond) {
    std::optional<store::SandboxMessage> m;
    const std::int64_t id = std::strtoll(p.at("id").c_str(), nullptr, 10);
    ctx.store.read([&](store::Tx& tx) { m = tx.find_sandbox(id); });
    if (!m) respond(json_error(404, "not_found", "no sandbox message " + p.at("id")));
    return m;
}

void sandbox_message(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key || !is_admin(*key, respond)) return;
    auto m = captured(ctx, p, respond);
    if (!m) return;
    http::Response r;
    r.content_type = "message/rfc822";
    r.body = m->raw;
    respond(std::move(r));
}

// {"partstat": "ACCEPTED|DECLINED|TENTATIVE", "client": "google|outlook|apple"}
void sandbox_reply(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key || !is_admin(*key, respond)) return;
    if (!ctx.intake)
        return respond(json_error(503, "unavailable", "this server runs no intake pipeline"));
    auto body = json_body(req, respond, R"({"partstat": "ACCEPTED", "client": "google"})");
    if (!body) return;
    const auto partstat = imip::parse_reply_partstat(body->value("partstat", ""));
    const auto client = imip::parse_reply_client(body->value("client", "google"));
    if (!partstat)
        return respond(json_error(422, "invalid_partstat",
                                  "\"partstat\" must be ACCEPTED, DECLINED or TENTATIVE"));
    if (!client)
        return respond(
            json_error(422, "invalid_client", "\"client\" must be google, outlook or apple"));
    auto m = captured(ctx, p, respond);
    if (!m) return;
    if (m->kind != "invite" && m->kind != "update" && m->kind != "resend")
        return respond(json_error(409, "not_an_invitation",
                                  fmt::format("sandbox message {} is a {}, not an invitation "
                                              "one can answer",
                                              m->id, m->kind)));
    const auto reply = imip::build_simulated_reply(m->raw, *partstat, *client, std::time(nullptr));
    if (!reply.error.empty()) return respond(json_error(422, "cannot_answer", reply.error));
    // The envelope of a real answer: from the attendee, to the address in ORGANIZER.
    const std::string rcpt = ctx.intake->policy().mailboxes.rsvp + "@" + ctx.domain;
    InboundEnvelope env{"sandbox", m->rcpt, {rcpt}, req.remote};
    ctx.intake->deliver(std::move(env), reply.message, [respond, &ctx](IntakeOutcome o) {
        if (o.kind != IntakeOutcome::Kind::kStored || o.stored.empty())
            return respond(json_error(503, "unavailable",
                                      "the answer could not be stored now; try again shortly"));
        const services::IntakeResult& r = o.stored.front().second;
        if (r.notified) ctx.work_queued();
        respond(json_response(201, {{"inbound_id", r.inbound_id},
                                    {"url", fmt::format("/inbound/{}", r.inbound_id)},
                                    {"status", r.status},
                                    {"reason", r.reason},
                                    {"event_ids", r.event_ids}}));
    });
}

}  // namespace

void add_sandbox_routes(http::Router& router, ApiContext& ctx) {
    router.add("GET", "/sandbox/messages", api::bind(ctx, sandbox_list));
    router.add("GET", "/sandbox/messages/{id}", api::bind(ctx, sandbox_message));
    router.add("POST", "/sandbox/messages/{id}/reply", api::bind(ctx, sandbox_reply));
}

}  // namespace cis::app
