// The public pages of issue 6 (SPEC §5), no API key:
//
//   GET  /p/{id}       a landing, upcoming or schedule page. ?month=&from=&to=&q= filter
//                      on the server (the page works without script); a GET changes nothing.
//   POST /p/{id}/send  form fields email and event (repeated): one invitation per selected
//                      event, origin = the page's kind. Answers a result page, or 303 to the
//                      page's redirect URL when the organizer's allow-list still has it.
//
// HTML comes from src/pages/ (pure); this file reads, checks limits and writes. Reads are
// one read transaction, the sends one write transaction through the GroupCommitter.
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <memory>

#include "app/api_support.hpp"
#include "app/assets.hpp"
#include "app/http_api.hpp"
#include "app/public_html.hpp"
#include "app/public_limits.hpp"
#include "core/text.hpp"
#include "http/url.hpp"
#include "mail/address_check.hpp"
#include "pages/event_page.hpp"
#include "pages/message_pages.hpp"
#include "services/landing_urls.hpp"
#include "services/page_events.hpp"
#include "services/page_send.hpp"

namespace cis::app {

namespace {

using http::Request;
using http::Respond;
using Params = http::Router::Params;

pages::Assets assets() {
    return {asset_url("pages.css"), asset_url("pages.js")};
}

pages::Branding branding_of(const store::Page& p) {
    return {p.title, p.logo_url, p.background_url, p.accent};
}

// With the CSP the page needs. Referrer-Policy is same-origin here, not no-referrer:
// under no-referrer browsers send "Origin: null" with the page's own form post, and the
// cross-site check of POST /p/{id}/send needs the real origin. Other sites still get none.
http::Response respond_page(const pages::Rendered& r, std::string_view redirect_origin = "") {
    return public_html_response(r.status, r.html,
                                pages::page_csp(r.style.empty() ? std::string() : csp_hash(r.style),
                                                r.script, r.images, redirect_origin),
                                "same-origin");
}

http::Response error_page(int status, const pages::Branding& b, std::string_view heading,
                          std::string_view message, std::string_view back = "") {
    return respond_page(pages::render_error(status, b, assets(), heading, message, back));
}

http::Response not_found() {
    return error_page(404, {}, "Page not found",
                      "There is no page at this address. The link may be incomplete, or the "
                      "organizer removed the page.");
}

// A busy or failing database: nothing was sent.
http::Response unavailable() {
    auto r = error_page(503, {}, "Please try again in a minute",
                        "Your request could not be handled just now. Nothing was sent.");
    r.headers.emplace_back("Retry-After", "30");
    return r;
}

void show(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    const auto started = std::chrono::steady_clock::now();
    std::optional<store::Page> page;
    std::vector<Event> events;
    try {
        ctx.store.read([&](store::Tx& tx) {
            page = tx.find_page(p.at("id"));
            if (page) events = services::page_events(tx, *page, std::time(nullptr));
        });
    } catch (const std::exception&) {
        return respond(unavailable());
    }
    if (!page) return respond(not_found());
    pages::PageView view;
    view.id = page->id;
    view.kind = page->kind;
    view.branding = branding_of(*page);
    view.assets = assets();
    if (page->kind != "landing") {
        view.feed_url = fmt::format("{}/p/{}/feed.ics", ctx.public_url, page->id);
        view.webcal_url = webcal_url(view.feed_url);
    }
    if (page->kind == "schedule") view.filters = pages::parse_filters(req.query);
    view.events = &events;
    // The redirect after a send is part of the form's navigation: form-action must allow it.
    auto resp = respond_page(pages::render_event_page(view), pages::origin_of(page->redirect_url));
    const std::chrono::duration<double, std::milli> took =
        std::chrono::steady_clock::now() - started;
    resp.headers.emplace_back("Server-Timing", fmt::format("render;dur={:.2f}", took.count()));
    respond(std::move(resp));
}

// What the POST needs from the store, read before the write.
struct SendContext {
    store::Page page;
    std::vector<Event> events;
    std::vector<std::string> landing_urls;
};

pages::Outcome outcome_of(services::PageSendOutcome o) {
    switch (o) {
        case services::PageSendOutcome::Sent:
            return pages::Outcome::Sent;
        case services::PageSendOutcome::AlreadyInvited:
            return pages::Outcome::AlreadyInvited;
        case services::PageSendOutcome::Cancelled:
            return pages::Outcome::Cancelled;
        case services::PageSendOutcome::Over:
            return pages::Outcome::Over;
        case services::PageSendOutcome::NotSent:
            return pages::Outcome::NotSent;
    }
    return pages::Outcome::NotSent;
}

void send(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto sc = std::make_shared<SendContext>();
    bool found = false;
    try {
        ctx.store.read([&](store::Tx& tx) {
            auto page = tx.find_page(p.at("id"));
            if (!page) return;
            found = true;
            sc->page = std::move(*page);
            sc->events = services::page_events(tx, sc->page, std::time(nullptr));
            if (!sc->page.redirect_url.empty())
                sc->landing_urls = tx.landing_urls(sc->page.organizer);
        });
    } catch (const std::exception&) {
        return respond(unavailable());
    }
    if (!found) return respond(not_found());
    const auto b = branding_of(sc->page);
    const std::string back = "/p/" + sc->page.id;
    if (!same_site_post(ctx, req))
        return respond(error_page(403, b, "Not sent",
                                  "This form can only be sent from its own page. Nothing was sent.",
                                  back));
    const auto form = http::parse_query(req.body);
    if (!form)
        return respond(error_page(422, b, "Not sent",
                                  "The form arrived damaged. Nothing was sent; please try again.",
                                  back));
    std::string email_in;
    std::vector<std::string> ids;
    for (const auto& [name, value] : *form) {
        if (name == "email" && email_in.empty()) email_in = value;
        if (name == "event") ids.push_back(value);
    }
    const auto checked = mail::check_address(email_in);
    if (email_in.empty() || !checked.ok())
        return respond(error_page(
            422, b, "Please check the email address",
            email_in.empty() ? "Enter the email address the invitations should go to."
                             : fmt::format("“{}” is not an email address we can send to: {}.",
                                           email_in.substr(0, 254), checked.error),
            back));
    const std::string email = ascii_lower(checked.address);
    if (ids.empty())
        return respond(error_page(422, b, "Nothing selected",
                                  "Tick at least one event, then send again.", back));
    const auto selection = services::select_page_events(sc->events, ids);
    if (selection.events.size() > ctx.pages.max_selection)
        return respond(error_page(
            422, b, "Too many events",
            fmt::format("At most {} events can be sent at once; you selected {}. Nothing was "
                        "sent.",
                        ctx.pages.max_selection, selection.events.size()),
            back));
    if (selection.not_on_page > 0)
        return respond(error_page(
            422, b, "Some events are not available",
            fmt::format("{} of the selected events {} not on this page (any more). Nothing was "
                        "sent; reload the page and select again.",
                        selection.not_on_page, selection.not_on_page == 1 ? "is" : "are"),
            back));
    const std::int64_t now = std::time(nullptr);
    if (const auto verdict = check_send_limits(ctx, req, email, now); verdict.retry_after > 0) {
        auto r = error_page(
            429, b, "Please wait a little",
            fmt::format("Too many invitations were asked for {} just now. Please try again in {}. "
                        "Nothing was sent.",
                        verdict.which == "ip" ? "from your network" : "for this address",
                        pages::wait_in_words(verdict.retry_after)),
            back);
        r.headers.emplace_back("Retry-After", std::to_string(verdict.retry_after));
        return respond(std::move(r));
    }

    // The rows of the result page, in the visitor's order, before the events go away.
    auto rows = std::make_shared<std::vector<pages::OutcomeRow>>();
    std::vector<std::string> event_ids;
    for (const Event* e : selection.events) {
        rows->push_back({e->id, e->fields.summary, pages::event_when(e->fields).text, {}});
        event_ids.push_back(e->id);
    }
    auto results = std::make_shared<std::vector<services::PageSendResult>>();
    services::InviteContext ic{nullptr,    ctx.uid_key,      ctx.token_key,
                               ctx.domain, ctx.bounce_local, now};
    store::WriteJob job;
    job.work = [results, event_ids = std::move(event_ids), email, origin = sc->page.kind,
                ic](store::Tx& tx) {
        *results = services::send_page_invitations(tx, event_ids, email, origin, ic);
    };
    job.on_error = [results](store::Tx&, const std::exception&) { results->clear(); };
    job.done = [&ctx, sc, rows, results, email, b, back, respond](bool committed) {
        if (!committed || results->size() != rows->size()) return respond(unavailable());
        // The redirect is for a send that fully worked: any event not sent (cancelled
        // meanwhile, a suppressed address) is said on the result page instead.
        bool queued = false, delivered = true;
        for (std::size_t i = 0; i < rows->size(); ++i) {
            (*rows)[i].outcome = outcome_of((*results)[i].outcome);
            queued |= (*rows)[i].outcome == pages::Outcome::Sent;
            delivered &= (*rows)[i].outcome == pages::Outcome::Sent ||
                         (*rows)[i].outcome == pages::Outcome::AlreadyInvited;
        }
        if (queued) ctx.work_queued();
        const auto& url = sc->page.redirect_url;
        if (delivered && !url.empty() && services::landing_url_allowed(sc->landing_urls, url)) {
            auto r =
                public_html_response(303, "<!DOCTYPE html>\n<title>Sent</title>\n<p>Sent.</p>\n",
                                     pages::page_csp("", false));
            r.headers.emplace_back("Location", url);
            return respond(std::move(r));
        }
        respond(respond_page(pages::render_result(b, assets(), email, *rows, back)));
    };
    ctx.committer.submit(std::move(job));
}

}  // namespace

void add_public_page_routes(http::Router& router, ApiContext& ctx) {
    router.add("GET", "/p/{id}", api::bind(ctx, show));
    router.add("POST", "/p/{id}/send", api::bind(ctx, send));
}

}  // namespace cis::app
