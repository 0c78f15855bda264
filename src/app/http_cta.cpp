// Call-to-action links (SPEC §5, issue 6). An organizer makes a link per event and email
// platform; the campaign carries it with the platform's merge tag, so each recipient's copy
// names their address: <public_url>/c/{id}?email=ann@fans.example.
//
//   POST /event/{id}/cta-links   (API key) make a link; its landing URL must be on the
//                                organizer's allow-list (PATCH /organizer/{email}).
//   GET  /event/{id}/cta-links   (API key) the event's links.
//   GET  /c/{id}?email=…         (public) a page saying the invitation is being sent. It
//                                changes nothing: mail systems' link scanners (Safe Links,
//                                Mimecast, …) fetch every link of every message.
//   POST /c/{id}                 (public) sends: what /assets/cta.js does on that page (JSON),
//                                or its <noscript> form (303 to the landing URL).
//
// The landing URL is checked against the allow-list again at every send, so removing an
// entry disables the links that lead there: a link of ours never becomes an open redirect.
#include <fmt/format.h>

#include <ctime>

#include "app/api_support.hpp"
#include "app/assets.hpp"
#include "app/public_html.hpp"
#include "app/public_limits.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "http/url.hpp"
#include "imip/mime_text.hpp"
#include "mail/address_check.hpp"
#include "pages/layout.hpp"
#include "services/cta_links.hpp"
#include "services/invites.hpp"
#include "services/landing_urls.hpp"

namespace cis::app {

namespace {

using http::json_error;
using http::json_response;
using imip::html_escape;
using namespace api;

// ---- API ---------------------------------------------------------------------------------

nlohmann::json link_json(const ApiContext& ctx, const store::CtaLink& l) {
    return {{"id", l.id},
            {"event_id", l.event_id},
            {"platform", l.platform},
            {"origin", services::cta_origin(l.platform)},
            {"landing_url", l.landing_url},
            {"merge_tag", std::string(services::cta_merge_tag(l.platform).value_or(""))},
            {"url", services::cta_link_url(ctx.public_url, l.id, l.platform)},
            {"created_at", rfc3339_utc(l.created_at)}};
}

void create_link(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    auto body = json_body(
        req, respond, R"({"platform": "mailchimp", "landing_url": "https://club.example/thanks"})");
    if (!body) return;
    const auto event = event_for(ctx, *key, p.at("id"), respond);
    if (!event) return;
    const auto text = [&](const char* name) {
        const auto it = body->find(name);
        return it != body->end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    const std::string platform = text("platform");
    if (!services::cta_merge_tag(platform))
        return respond(json_error(422, "invalid_platform",
                                  "\"platform\" must be mailchimp, klaviyo, sendgrid, hubspot or "
                                  "generic (its merge tag for the address goes into the link)"));
    std::string why;
    const auto landing = services::normalise_landing_url(text("landing_url"), &why);
    if (!landing)
        return respond(json_error(
            422, "invalid_landing_url",
            fmt::format("\"landing_url\" (where the visitor goes after the send): {}", why)));
    for (const auto& [name, value] : body->items())
        if (name != "platform" && name != "landing_url")
            return respond(json_error(
                422, "unknown_field",
                fmt::format("unknown field \"{}\"; a link has platform and landing_url", name)));
    store::CtaLink link{
        services::new_cta_link_id(), event->id, event->organizer, platform, *landing,
        std::time(nullptr)};
    commit_then_respond(
        ctx,
        [&ctx, link](store::Tx& tx) {
            if (!services::landing_url_allowed(tx.landing_urls(link.organizer), link.landing_url))
                return json_error(
                    422, "landing_url_not_allowed",
                    fmt::format("{} is not on the landing URL allow-list of {}; add its prefix "
                                "with PATCH /organizer/{} {{\"landing_urls\": [...]}}",
                                link.landing_url, link.organizer, link.organizer));
            if (!tx.find_event_by_id(link.event_id))
                return json_error(404, "event_not_found", "no event with id " + link.event_id);
            tx.insert_cta_link(link);
            return json_response(201, link_json(ctx, link));
        },
        std::move(respond));
}

void list_links(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    const auto event = event_for(ctx, *key, p.at("id"), respond);
    if (!event) return;
    std::vector<store::CtaLink> links;
    ctx.store.read([&](store::Tx& tx) { links = tx.list_cta_links(event->id); });
    auto items = nlohmann::json::array();
    for (const auto& l : links) items.push_back(link_json(ctx, l));
    respond(json_response(200, {{"cta_links", items}}));
}

// ---- the public page ---------------------------------------------------------------------

constexpr std::string_view kStyle =
    "body{margin:0;background:#f4f5f7;color:#1f2328;font:16px/1.5 system-ui,-apple-system,"
    "'Segoe UI',Roboto,Helvetica,Arial,sans-serif}"
    "main{box-sizing:border-box;max-width:34rem;margin:2rem auto;padding:1.5rem;"
    "background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12)}"
    "h1{font-size:1.35rem;line-height:1.3;margin:0 0 1rem;overflow-wrap:anywhere}"
    "p{margin:0 0 1rem}.event{font-weight:600}#status:empty{display:none}"
    "label{display:block;margin:0 0 .3rem}"
    "input{box-sizing:border-box;font:inherit;width:100%;padding:.6rem;margin:0 0 1rem;"
    "border:1px solid #8c959f;border-radius:6px}"
    "button{font:inherit;font-weight:600;color:#fff;background:#1f6feb;border:0;"
    "border-radius:6px;padding:.7rem 1.4rem;min-height:44px;cursor:pointer;width:100%}"
    "button:focus,input:focus{outline:3px solid #9ec5fe;outline-offset:2px}"
    "[hidden]{display:none!important}"
    "@media (min-width:30rem){button{width:auto}}"
    "@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}"
    "main{background:#161b22;box-shadow:none}input{background:#0d1117;color:#e6edf3}}";

// What the link's query said, as much as an address can be (254 characters): enough to
// recognise a mistake, too little to write a message on this site's page.
std::string shown_text(std::string_view text) {
    if (text.size() <= 254) return std::string(text);
    std::size_t end = 254;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return std::string(text.substr(0, end)) + "…";
}

// The pages' policy (pages::page_csp: script 'self', the style by hash, forms here and to
// the landing URL's origin, whose redirect follows the no-script form's post), and the
// script's fetch back here.
std::string content_security_policy(const std::string& landing_url) {
    return pages::page_csp(csp_hash(kStyle), /*with_script=*/true, "",
                           pages::origin_of(landing_url)) +
           "; connect-src 'self'";
}

http::Response page(int status, std::string_view title, std::string_view body_html,
                    const std::string& landing_url = "", bool with_script = false) {
    const std::string script = with_script ? fmt::format("<script src=\"{}\" defer></script>\n",
                                                         html_escape(asset_url("cta.js")))
                                           : "";
    return public_html_response(status, small_page_html(title, kStyle, script, body_html),
                                content_security_policy(landing_url), "same-origin");
}

http::Response message_page(int status, std::string_view title, std::string_view text) {
    return page(status, title,
                fmt::format("<main>\n<h1>{}</h1>\n<p>{}</p>\n</main>\n", html_escape(title),
                            html_escape(text)));
}

http::Response unknown_link_page() {
    return message_page(404, "This link is not valid",
                        "It may be incomplete (some mail programs cut long links) or no longer "
                        "exist. Nothing was sent.");
}

// What a send needs to know about the link, read in one transaction.
struct LinkState {
    std::optional<store::CtaLink> link;
    std::optional<Event> event;
    bool landing_allowed = false;
};

LinkState read_link(store::Tx& tx, const std::string& id) {
    LinkState s;
    s.link = tx.find_cta_link(id);
    if (!s.link) return s;
    s.event = tx.find_event_by_id(s.link->event_id);
    s.landing_allowed =
        services::landing_url_allowed(tx.landing_urls(s.link->organizer), s.link->landing_url);
    return s;
}

// Why a send from this link cannot happen now (title, text), or nullopt.
std::optional<std::pair<std::string, std::string>> unavailable(const LinkState& s,
                                                               std::int64_t now) {
    if (!s.landing_allowed)
        return std::pair<std::string, std::string>{
            "This link is no longer active",
            "The organizer has withdrawn the page it leads to. Nothing was sent."};
    if (!s.event)
        return std::pair<std::string, std::string>{"This event is no longer available",
                                                   "The organizer removed it. Nothing was sent."};
    if (s.event->fields.status == EventStatus::Cancelled)
        return std::pair<std::string, std::string>{"This event is no longer available",
                                                   "It was cancelled. Nothing was sent."};
    if (s.event->last_end && *s.event->last_end < now)
        return std::pair<std::string, std::string>{"This event is over",
                                                   "It has already taken place. Nothing was sent."};
    return std::nullopt;
}

void show_page(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    LinkState s;
    try {
        ctx.store.read([&](store::Tx& tx) { s = read_link(tx, p.at("id")); });
    } catch (const std::exception&) {
        return respond(message_page(503, "Please try again",
                                    "The invitation could not be prepared just now."));
    }
    if (!s.link) return respond(unknown_link_page());
    if (auto why = unavailable(s, std::time(nullptr)))
        return respond(message_page(409, why->first, why->second));
    const std::string email = services::cta_email_from_query(query(req, "email"));
    const auto checked = mail::check_address(email);
    const std::string action = "/c/" + s.link->id;
    const std::string summary = html_escape(s.event->fields.summary);
    std::string body;
    if (checked.ok()) {
        // The script posts at once; without script, the <noscript> button does.
        body = fmt::format(
            "<main id=\"cta\" data-action=\"{0}\" data-email=\"{1}\">\n"
            "<h1>Your calendar invitation for {1}</h1>\n"
            "<p class=\"event\">{2}</p>\n"
            "<p id=\"status\" role=\"status\" aria-live=\"polite\"></p>\n"
            "<button id=\"retry\" type=\"button\" hidden>Try again</button>\n"
            "<form id=\"cta-form\" method=\"post\" action=\"{0}\" hidden>\n"
            "<label for=\"email\">Your email address</label>\n"
            "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" "
            "required value=\"{1}\">\n<button type=\"submit\">Send me the invitation</button>\n"
            "</form>\n"
            "<noscript><form method=\"post\" action=\"{0}\">\n"
            "<input type=\"hidden\" name=\"email\" value=\"{1}\">\n"
            "<p>Press the button to receive the calendar invitation.</p>\n"
            "<button type=\"submit\">Send me the invitation</button>\n</form></noscript>\n"
            "</main>\n",
            html_escape(action), html_escape(checked.address), summary);
    } else {
        // The link came without a usable address (a test send, a merge tag left in): ask.
        body = fmt::format(
            "<main id=\"cta\" data-action=\"{0}\" data-email=\"\">\n"
            "<h1>Get the calendar invitation</h1>\n"
            "<p class=\"event\">{1}</p>\n"
            "<p>This link did not carry a valid email address{2}. Enter yours:</p>\n"
            "<p id=\"status\" role=\"status\" aria-live=\"polite\"></p>\n"
            "<button id=\"retry\" type=\"button\" hidden>Try again</button>\n"
            "<form id=\"cta-form\" method=\"post\" action=\"{0}\">\n"
            "<label for=\"email\">Your email address</label>\n"
            "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" required>\n"
            "<button type=\"submit\">Send me the invitation</button>\n</form>\n</main>\n",
            html_escape(action), summary,
            email.empty() ? "" : " (“" + html_escape(shown_text(email)) + "”)");
    }
    respond(page(200, "Your calendar invitation", body, s.link->landing_url, true));
}

// ---- the public send ---------------------------------------------------------------------

bool wants_json(const Request& req) {
    return req.header("Accept").find("application/json") != std::string::npos ||
           req.header("Content-Type").starts_with("application/json");
}

// The address a POST names: its JSON or form body's "email", else the link's query.
std::optional<std::string> posted_email(const Request& req) {
    std::string email;
    if (req.header("Content-Type").starts_with("application/json")) {
        const auto body = nlohmann::json::parse(req.body, nullptr, false);
        if (body.is_discarded() || !body.is_object()) return std::nullopt;
        if (const auto it = body.find("email"); it != body.end() && it->is_string())
            email = it->get<std::string>();
    } else if (!req.body.empty()) {
        const auto form = http::parse_query(req.body);
        if (!form) return std::nullopt;
        if (const auto it = form->find("email"); it != form->end()) email = it->second;
    }
    // A body's "+" arrived encoded; only the link's query may have lost it to a space.
    if (email.empty()) return services::cta_email_from_query(query(req, "email"));
    return email;
}

// One answer in the caller's language: JSON for the script, a page for the form.
struct Answer {
    bool json;

    http::Response error(int status, const std::string& code, const std::string& title,
                         const std::string& text) const {
        return json ? json_error(status, code, text) : message_page(status, title, text);
    }
};

http::Response too_many(const Answer& a, const LimitVerdict& v) {
    const std::string text =
        v.which == "ip" ? fmt::format(
                              "Too many invitations were requested from your network just now. "
                              "Please try again in {} seconds.",
                              v.retry_after)
                        : fmt::format(
                              "Too many invitations were requested for this address just now. "
                              "Please try again in {} seconds.",
                              v.retry_after);
    auto r = a.error(429, "rate_limited", "Please wait a moment", text);
    r.headers.emplace_back("Retry-After", std::to_string(v.retry_after));
    return r;
}

struct SendResult {
    LinkState state;
    services::InviteOutcome outcome;
    bool failed = false;
};

void send(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    const Answer a{wants_json(req)};
    if (!same_site_post(ctx, req))
        return respond(a.error(403, "cross_site", "Not sent",
                               "This invitation can only be requested from its own page. "
                               "Nothing was sent."));
    const auto email = posted_email(req);
    if (!email)
        return respond(a.error(400, "invalid_body", "The request could not be read",
                               "Send the field \"email\" as a form or as JSON."));
    const auto checked = mail::check_address(*email);
    if (!checked.ok())
        return respond(
            a.error(422, "invalid_email", "Please check the address",
                    fmt::format("“{}” is not a valid email address: {}.", *email, checked.error)));
    const std::string lower = ascii_lower(checked.address);
    const std::int64_t now = std::time(nullptr);
    // Unknown links are refused before they count against anybody's limits.
    bool known = false;
    try {
        ctx.store.read([&](store::Tx& tx) { known = tx.find_cta_link(p.at("id")).has_value(); });
    } catch (const std::exception&) {
        return respond(a.error(503, "unavailable", "Please try again",
                               "The invitation could not be sent just now. Please try again in "
                               "a minute."));
    }
    if (!known)
        return respond(a.json ? json_error(404, "link_not_found", "no CTA link " + p.at("id"))
                              : unknown_link_page());
    if (const auto v = check_send_limits(ctx, req, lower, now); v.retry_after > 0)
        return respond(too_many(a, v));

    auto result = std::make_shared<SendResult>();
    services::InviteContext ic{nullptr,    ctx.uid_key,      ctx.token_key,
                               ctx.domain, ctx.bounce_local, now};
    store::WriteJob job;
    job.work = [result, ic, id = p.at("id"), email = checked.address](store::Tx& tx) {
        result->state = read_link(tx, id);
        if (!result->state.link || !result->state.landing_allowed) return;
        services::InviteRequest r;
        r.event_id = result->state.link->event_id;
        r.email = email;
        r.origin = services::cta_origin(result->state.link->platform);
        result->outcome = services::request_invite(tx, r, ic);
    };
    job.on_error = [result](store::Tx&, const std::exception&) { result->failed = true; };
    job.done = [result, respond, a, &ctx, now](bool committed) {
        const auto& s = result->state;
        if (!committed || result->failed)
            return respond(a.error(503, "unavailable", "Please try again",
                                   "The invitation could not be sent just now. Please try again "
                                   "in a minute."));
        if (!s.link)
            return respond(a.json ? json_error(404, "link_not_found", "no such CTA link")
                                  : unknown_link_page());
        if (!s.landing_allowed) {
            const auto why = unavailable(s, now);
            return respond(a.error(409, "landing_url_not_allowed", why->first, why->second));
        }
        const auto& o = result->outcome;
        if (!o.error_code.empty()) {
            const auto why = unavailable(s, now);
            return respond(a.error(o.status, o.error_code,
                                   why ? why->first : "The invitation was not sent",
                                   why ? why->second : o.error_message));
        }
        if (o.created) ctx.work_queued();
        const std::string status = o.created ? "sent" : "already_invited";
        if (a.json)
            return respond(
                json_response(200, {{"status", status}, {"redirect", s.link->landing_url}}));
        auto r = message_page(303, "Invitation sent",
                              "Your calendar invitation is on its way. Continue to the "
                              "organizer's page.");
        r.headers.emplace_back("Location", s.link->landing_url);
        respond(std::move(r));
    };
    ctx.committer.submit(std::move(job));
}

}  // namespace

void add_cta_routes(http::Router& router, ApiContext& ctx) {
    router.add("POST", "/event/{id}/cta-links", api::bind(ctx, create_link));
    router.add("GET", "/event/{id}/cta-links", api::bind(ctx, list_links));
    router.add("GET", "/c/{id}", api::bind(ctx, show_page));
    router.add("POST", "/c/{id}", api::bind(ctx, send));
}

}  // namespace cis::app
