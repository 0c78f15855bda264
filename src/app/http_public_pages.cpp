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
#include "app/page_send_flow.hpp"
#include "app/public_html.hpp"
#include "app/public_limits.hpp"
#include "core/text.hpp"
#include "http/url.hpp"
#include "mail/address_check.hpp"
#include "pages/confirm_pages.hpp"
#include "pages/event_page.hpp"
#include "pages/message_pages.hpp"
#include "services/landing_urls.hpp"
#include "services/page_confirm.hpp"
#include "services/page_events.hpp"
#include "services/page_send.hpp"

namespace cis::app {

namespace {

using http::Request;
using http::Respond;
using Params = http::Router::Params;

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
        return respond(page_unavailable());
    }
    if (!page) return respond(page_not_found());
    pages::PageView view;
    view.id = page->id;
    view.kind = page->kind;
    view.branding = branding_of(*page);
    view.assets = page_assets();
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

// A page with `confirm`: no invitation yet; the address is mailed a link (or, when it is
// suppressed, silently not) and the visitor is told to look for it.
void ask_confirmation(ApiContext& ctx, std::shared_ptr<SendContext> sc,
                      const services::PageSelection& selection, const std::string& email,
                      std::vector<pages::OutcomeRow> rows, Respond respond) {
    services::ConfirmationContext cc{ctx.domain, ctx.notification_mailbox, ctx.bounce_local,
                                     ctx.public_url, std::time(nullptr)};
    store::WriteJob job;
    struct Asked {
        bool mailed = false, failed = false;
    };
    auto outcome = std::make_shared<Asked>();
    job.work = [sc, events = selection.events, email, cc, outcome](store::Tx& tx) {
        outcome->mailed =
            !services::request_page_confirmation(tx, sc->page, events, email, cc).empty();
    };
    // The job's savepoint is rolled back: no confirmation, no message. Not "check your inbox".
    job.on_error = [outcome](store::Tx&, const std::exception&) { outcome->failed = true; };
    job.done = [&ctx, sc, email, rows = std::move(rows), outcome, respond](bool committed) {
        if (!committed || outcome->failed) return respond(page_unavailable());
        if (outcome->mailed) ctx.work_queued();
        respond(respond_page(pages::render_check_inbox(
            branding_of(sc->page), page_assets(), email, rows,
            static_cast<int>(services::kConfirmationHours), "/p/" + sc->page.id)));
    };
    ctx.committer.submit(std::move(job));
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
        return respond(page_unavailable());
    }
    if (!found) return respond(page_not_found());
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
    std::vector<pages::OutcomeRow> rows;
    for (const Event* e : selection.events)
        rows.push_back({e->id, e->fields.summary, pages::event_when(e->fields).text, {}});
    if (sc->page.confirm) return ask_confirmation(ctx, sc, selection, email, std::move(rows), respond);

    auto plan = std::make_shared<PageSend>();
    plan->email = email;
    for (const Event* e : selection.events) plan->event_ids.push_back(e->id);
    plan->rows = std::move(rows);
    plan->landing_urls = std::move(sc->landing_urls);
    plan->page = std::move(sc->page);
    submit_page_send(ctx, std::move(plan), std::move(respond));
}

}  // namespace

void add_public_page_routes(http::Router& router, ApiContext& ctx) {
    router.add("GET", "/p/{id}", api::bind(ctx, show));
    router.add("POST", "/p/{id}/send", api::bind(ctx, send));
}

}  // namespace cis::app
