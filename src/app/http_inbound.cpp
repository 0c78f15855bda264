// Raw inbound mail over HTTP (SPEC §3.1, §4): the third intake, for relays that receive
// mail elsewhere (Amazon SES writing to S3 and notifying through SNS, a Lambda, a
// fetchmail script) and hand CIS the raw message. It takes the SMTP listener's path:
// the same routing, IntakePipeline (prepare, DKIM, group-committed IntakeWriter) and
// outcome; the answer comes once the raw message and its outcome are on disk. The
// inbound log is read through the same store calls and JSON as `cis inbound`.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "app/api_support.hpp"
#include "app/http_api.hpp"
#include "app/intake_pipeline.hpp"
#include "core/address.hpp"
#include "mail/message_shape.hpp"
#include "services/json_views.hpp"

namespace cis::app {

namespace {

using http::json_error;
using http::json_response;
using http::Request;
using http::Respond;
using Params = http::Router::Params;

constexpr std::size_t kMaxRecipients = 100;  // as the SMTP listener (452 4.5.3 beyond)
constexpr const char* kRetryStore = "5";     // seconds: a busy database clears quickly
constexpr const char* kRetryDkim = "60";     // seconds: a DNS failure takes longer

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

http::Response with_header(http::Response r, std::string name, std::string value) {
    r.headers.emplace_back(std::move(name), std::move(value));
    return r;
}

// "a@x, <b@x>" → {"a@x", "b@x"}. In a query string '+' decodes to a space; addresses have
// no spaces, so it is read back as the '+' of create+<secret>@ that the caller meant.
void add_addresses(std::string_view list, bool from_query, std::vector<std::string>& out) {
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = std::min(list.find(',', start), list.size());
        std::string one(list.substr(start, comma - start));
        start = comma + 1;
        const auto b = one.find_first_not_of(" \t");
        if (b == std::string::npos) continue;
        one = one.substr(b, one.find_last_not_of(" \t") - b + 1);
        if (one.size() >= 2 && one.front() == '<' && one.back() == '>')
            one = one.substr(1, one.size() - 2);
        if (from_query) std::replace(one.begin(), one.end(), ' ', '+');
        if (!one.empty()) out.push_back(std::move(one));
    }
}

// "create@d, rsvp@d, bulk@d and bounce@d", as configured.
std::string mailbox_list(const services::IntakePolicy& p) {
    const auto& m = p.mailboxes;
    return fmt::format("{0}@{4}, {1}@{4}, {2}@{4} and {3}@{4}", m.create, m.rsvp, m.bulk, m.bounce,
                       p.domain);
}

// The envelope recipients: ?rcpt= (repeatable) and X-CIS-Recipient headers (repeatable),
// each possibly a comma-separated list; the same address named twice counts once.
std::vector<std::string> recipients(const Request& req) {
    std::vector<std::string> all;
    auto [from, to] = req.query.equal_range("rcpt");
    for (auto it = from; it != to; ++it) add_addresses(it->second, true, all);
    for (const auto& [name, value] : req.headers)
        if (iequals(name, "X-CIS-Recipient")) add_addresses(value, false, all);
    std::vector<std::string> unique;
    std::set<std::string> seen;
    for (auto& a : all) {
        const std::string key = normalize_address(a);
        if (seen.insert(key.empty() ? a : key).second) unique.push_back(std::move(a));
    }
    return unique;
}

std::string envelope_sender(const Request& req) {
    std::vector<std::string> list;
    if (req.query.count("mail_from"))
        add_addresses(api::query(req, "mail_from"), true, list);
    else
        add_addresses(req.header("X-CIS-Mail-From"), false, list);
    return list.empty() ? std::string() : list.front();
}

void inbound_post(ApiContext& ctx, const Request& req, const Params&, Respond respond) {
    auto key = api::caller(ctx, req, respond);
    if (!key) return;
    if (key->role != "admin")
        return respond(json_error(
            403, "forbidden",
            "posting raw inbound mail needs an admin key: the message stands for itself "
            "(its DKIM signature or secret address proves the sender), and may be for any "
            "organizer or mailbox"));

    const auto rcpts = recipients(req);
    if (rcpts.empty())
        return respond(json_error(
            400, "missing_recipient",
            fmt::format("name the mailbox the message was sent to: "
                        "?rcpt={}@{} or an X-CIS-Recipient header",
                        ctx.intake->policy().mailboxes.create, ctx.intake->policy().domain)));
    if (rcpts.size() > kMaxRecipients)
        return respond(json_error(
            400, "too_many_recipients",
            fmt::format("{} recipients; at most {} per message", rcpts.size(), kMaxRecipients)));
    std::vector<services::Route> routes;
    for (const auto& r : rcpts) {
        auto route = ctx.intake->route(r);
        if (!route)
            return respond(json_error(
                404, "unknown_recipient",
                fmt::format("<{}>: no such mailbox here (SMTP would answer 550 5.1.1); the "
                            "mailboxes are {}; nothing was stored",
                            r, mailbox_list(ctx.intake->policy()))));
        routes.push_back(*route);
    }

    if (req.body.empty())
        return respond(json_error(400, "empty_message",
                                  "the body is empty: post the raw RFC 5322 message "
                                  "(curl --data-binary @message.eml)"));
    if (req.body.size() > ctx.max_message_size)
        return respond(
            json_error(413, "message_too_large",
                       fmt::format("the message is {} bytes, over the limit of {} ([smtp] "
                                   "max_message_size; SMTP would answer 552); nothing was stored",
                                   req.body.size(), ctx.max_message_size)));
    if (const auto why = mail::why_not_a_message(req.body); !why.empty())
        return respond(json_error(400, "not_a_message", why + "; nothing was stored"));

    InboundEnvelope env{"http", envelope_sender(req), rcpts, req.remote};
    ctx.intake->deliver(
        std::move(env), req.body, [respond, routes = std::move(routes)](IntakeOutcome o) {
            if (o.kind == IntakeOutcome::Kind::kDkimTemporary)
                return respond(with_header(
                    json_error(503, "dkim_temporary",
                               "the sender's DKIM key could not be fetched now (" + o.dkim_reason +
                                   "); nothing was stored, try again later"),
                    "Retry-After", kRetryDkim));
            if (o.kind == IntakeOutcome::Kind::kStoreUnavailable) {
                std::string stored;
                for (const auto& [rcpt, r] : o.stored)
                    stored += fmt::format("{}inbound {} for {}", stored.empty() ? "" : ", ",
                                          r.inbound_id, rcpt);
                return respond(with_header(
                    json_error(503, "unavailable",
                               stored.empty()
                                   ? "the database is busy; nothing was stored, try again "
                                     "shortly"
                                   : "the database is busy; only " + stored +
                                         " was stored, a retry stores it again"),
                    "Retry-After", kRetryStore));
            }
            auto list = nlohmann::json::array();
            for (std::size_t i = 0; i < o.stored.size(); ++i) {
                const auto& [rcpt, r] = o.stored[i];
                list.push_back({{"id", r.inbound_id},
                                {"url", fmt::format("/inbound/{}", r.inbound_id)},
                                {"rcpt", rcpt},
                                {"mailbox", services::to_string(routes[i].mailbox)},
                                {"status", r.status},
                                {"reason", r.reason},
                                {"event_ids", r.event_ids}});
            }
            auto response = json_response(201, {{"inbound", list}});
            if (!o.stored.empty())
                response.headers.emplace_back(
                    "Location", fmt::format("/inbound/{}", o.stored.front().second.inbound_id));
            respond(std::move(response));
        });
}

void inbound_list(ApiContext& ctx, const Request& req, const Params&, Respond respond) {
    auto key = api::caller(ctx, req, respond);
    if (!key || !api::is_admin(*key, respond)) return;
    const auto page = api::page_query(req, respond, "an inbound id");
    if (!page) return;
    store::InboundFilter filter{api::query(req, "status"), page->limit + 1, page->before};
    std::vector<store::InboundRecord> list;
    ctx.store.read([&](store::Tx& tx) { list = tx.list_inbound(filter); });
    const bool more = api::trim_page(list, *page);
    auto items = nlohmann::json::array();
    for (const auto& r : list) items.push_back(services::inbound_json(r));
    respond(json_response(
        200, {{"inbound", items},
              {"next_before", more ? nlohmann::json(list.back().id) : nlohmann::json()}}));
}

void inbound_show(ApiContext& ctx, const Request& req, const Params& p, Respond respond, bool raw) {
    auto key = api::caller(ctx, req, respond);
    if (!key || !api::is_admin(*key, respond)) return;
    const auto id = api::positive_number(p.at("id"));
    std::optional<store::InboundRecord> record;
    std::optional<std::string> bytes;
    if (id)
        ctx.store.read([&](store::Tx& tx) {
            if (raw)
                bytes = tx.inbound_raw(*id);
            else
                record = tx.find_inbound(*id);
        });
    if (!record && !bytes)
        return respond(json_error(404, "not_found", "no inbound message " + p.at("id")));
    if (!raw) return respond(json_response(200, services::inbound_json(*record)));
    http::Response r;
    r.content_type = "message/rfc822";
    r.body = std::move(*bytes);
    r.headers.emplace_back("Content-Disposition",
                           fmt::format("inline; filename=\"inbound-{}.eml\"", *id));
    respond(std::move(r));
}

}  // namespace

void add_inbound_routes(http::Router& router, ApiContext& ctx) {
    if (ctx.intake)
        router.add("POST", "/inbound", [&ctx](const Request& req, const Params& p, Respond r) {
            inbound_post(ctx, req, p, std::move(r));
        });
    router.add("GET", "/inbound", [&ctx](const Request& req, const Params& p, Respond r) {
        inbound_list(ctx, req, p, std::move(r));
    });
    router.add("GET", "/inbound/{id}", [&ctx](const Request& req, const Params& p, Respond r) {
        inbound_show(ctx, req, p, std::move(r), false);
    });
    router.add("GET", "/inbound/{id}/raw", [&ctx](const Request& req, const Params& p, Respond r) {
        inbound_show(ctx, req, p, std::move(r), true);
    });
}

}  // namespace cis::app
