// The public unsubscribe link of every invitation (SPEC §3.5, §5; RFC 8058). No API key:
// the signed token in the path is the authority, and it only ever suppresses the address
// it was made for, for the organizer of that invitation.
//
//   GET  /unsubscribe/{token}  a page that asks to confirm. Changes nothing: link scanners
//                              (Safe Links, Mimecast, …) fetch every link in a message.
//   POST /unsubscribe/{token}  unsubscribes: what Gmail and Yahoo send for their one-click
//                              button (body "List-Unsubscribe=One-Click"), and what the
//                              page's button sends. Any body is accepted. A repeat answers
//                              the same.
//
// Answers are small HTML pages, UTF-8, readable on a phone, without script, under a
// Content-Security-Policy that allows nothing but their own inline style (by hash) and a
// form posting back to this server. Every piece of stored text is escaped.
#include <fmt/format.h>

#include <ctime>

#include "app/api_support.hpp"
#include "app/http_api.hpp"
#include "app/public_html.hpp"
#include "imip/mime_text.hpp"
#include "services/unsubscribe.hpp"

namespace cis::app {

namespace {

using http::Request;
using http::Respond;
using Params = http::Router::Params;
using imip::html_escape;

constexpr std::string_view kStyle =
    "body{margin:0;background:#f4f5f7;color:#1f2328;font:16px/1.5 system-ui,-apple-system,"
    "'Segoe UI',Roboto,Helvetica,Arial,sans-serif}"
    "main{box-sizing:border-box;max-width:34rem;margin:2rem auto;padding:1.5rem;"
    "background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12)}"
    "h1{font-size:1.35rem;line-height:1.3;margin:0 0 1rem}"
    "p{margin:0 0 1rem}.note{color:#59636e;font-size:.9rem;margin:1.25rem 0 0}"
    "button{font:inherit;font-weight:600;color:#fff;background:#1f6feb;border:0;"
    "border-radius:6px;padding:.7rem 1.4rem;min-height:44px;cursor:pointer;width:100%}"
    "button:focus{outline:3px solid #9ec5fe;outline-offset:2px}"
    "@media (min-width:30rem){button{width:auto}}"
    "@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}"
    "main{background:#161b22;box-shadow:none}.note{color:#9198a1}}";

const std::string& content_security_policy() {
    static const std::string csp = fmt::format(
        "default-src 'none'; style-src {}; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'",
        csp_hash(kStyle));
    return csp;
}

http::Response page(int status, std::string_view title, std::string_view body_html) {
    return public_html_response(
        status, small_page_html(title, kStyle, "", fmt::format("<main>\n{}</main>\n", body_html)),
        content_security_policy());
}

// "Ann's Club", or "the organizer of “Cup final”", escaped.
std::string who(const services::Unsubscription& u) {
    if (!u.organizer_name.empty()) return html_escape(u.organizer_name);
    if (!u.event_summary.empty()) return "the organizer of “" + html_escape(u.event_summary) + "”";
    return "the organizer of this event";
}

std::string about(const services::Unsubscription& u) {
    if (u.event_summary.empty()) return "";
    return "<p class=\"note\">This link came with the invitation to “" +
           html_escape(u.event_summary) + "”.</p>\n";
}

http::Response confirm_page(const services::Unsubscription& u) {
    return page(
        200, "Unsubscribe",
        fmt::format("<h1>Stop invitations from {0}?</h1>\n"
                    "<p><strong>{1}</strong> will no longer receive calendar "
                    "invitations from {0}. Invitations from other organizers are not "
                    "affected.</p>\n"
                    "<form method=\"post\">\n"
                    "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\n"
                    "<button type=\"submit\">Unsubscribe</button>\n"
                    "</form>\n{2}",
                    who(u), html_escape(u.masked_email), about(u)));
}

http::Response done_page(const services::Unsubscription& u) {
    return page(200, "Unsubscribed",
                fmt::format("<h1>You are unsubscribed</h1>\n"
                            "<p><strong>{1}</strong> will no longer receive calendar invitations "
                            "from {0}. Nothing else is needed.</p>\n{2}",
                            who(u), html_escape(u.masked_email), about(u)));
}

http::Response invalid_page() {
    return page(404, "Link not valid",
                "<h1>This unsubscribe link is not valid</h1>\n"
                "<p>It may be incomplete (some mail programs cut long links) or altered. "
                "Nothing was changed.</p>\n"
                "<p>Open the invitation again and use its unsubscribe link, or your mail "
                "program's unsubscribe button.</p>\n");
}

// A busy database (503) or a failure of ours (500): nothing was recorded.
http::Response unavailable_page(int status = 503) {
    auto r = page(status, "Please try again",
                  "<h1>Please try again in a minute</h1>\n"
                  "<p>Your request could not be recorded just now. Nothing was changed.</p>\n");
    if (status == 503) r.headers.emplace_back("Retry-After", "30");
    return r;
}

void show(ApiContext& ctx, const Request&, const Params& p, Respond respond) {
    std::optional<services::Unsubscription> u;
    try {
        ctx.store.read([&](store::Tx& tx) {
            u = services::find_unsubscription(tx, ctx.token_key, p.at("token"));
        });
    } catch (const std::exception&) {
        return respond(unavailable_page());
    }
    if (!u) return respond(invalid_page());
    respond(u->unsubscribed ? done_page(*u) : confirm_page(*u));
}

void confirm(ApiContext& ctx, const Request&, const Params& p, Respond respond) {
    // Cheap refusal of forged tokens before they take a place in the write queue.
    if (!services::invitee_of_unsubscribe_token(ctx.token_key, p.at("token")))
        return respond(invalid_page());
    api::commit_then_respond(
        ctx,
        [token = p.at("token"), key = ctx.token_key](store::Tx& tx) {
            const auto u = services::unsubscribe(tx, key, token, std::time(nullptr));
            return u ? done_page(*u) : invalid_page();
        },
        [respond](http::Response r) {
            // The committer's own failures come as JSON: this is a page for people.
            if (r.content_type == "application/json") r = unavailable_page(r.status);
            respond(std::move(r));
        });
}

}  // namespace

void add_unsubscribe_routes(http::Router& router, ApiContext& ctx) {
    router.add("GET", "/unsubscribe/{token}",
               [&ctx](const Request& req, const Params& p, Respond r) {
                   show(ctx, req, p, std::move(r));
               });
    router.add("POST", "/unsubscribe/{token}",
               [&ctx](const Request& req, const Params& p, Respond r) {
                   confirm(ctx, req, p, std::move(r));
               });
}

}  // namespace cis::app
