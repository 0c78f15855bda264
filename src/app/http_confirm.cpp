// The double opt-in link of a page that asks for confirmation (services/page_confirm):
//
//   GET  /confirm/{token}  the events asked for and a button; changes nothing (link
//                          scanners fetch every link in a mail).
//   POST /confirm/{token}  sends them to the address the link was mailed to, as the page's
//                          send would have (origin = the page's kind): result page, or 303
//                          to the page's redirect URL. Again later: "already invited".
//
// 404 for an unknown token or a removed page, 410 once the link has expired. Events that
// left the page since (cancelled, over, filtered out) are shown and not sent: a visitor
// can never get an event the page does not show.
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <memory>

#include "app/api_support.hpp"
#include "app/page_send_flow.hpp"
#include "app/public_limits.hpp"
#include "pages/confirm_pages.hpp"
#include "pages/event_time.hpp"
#include "services/page_confirm.hpp"
#include "services/page_events.hpp"
#include "services/page_send.hpp"

namespace cis::app {

namespace {

using http::Request;
using http::Respond;
using Params = http::Router::Params;

// The confirmation with its page as it is now: which events can still go, which cannot.
struct Pending {
    store::PageConfirmation confirmation;
    store::Page page;
    std::vector<std::string> landing_urls;
    std::vector<std::string> event_ids;     // still on the page, in the order asked
    std::vector<pages::OutcomeRow> rows;    // for those
    std::vector<pages::OutcomeRow> gone;    // for the others: Unavailable
};

enum class Found { Yes, NoToken, NoPage };

Found load(ApiContext& ctx, const std::string& token, Pending& p) {
    Found found = Found::NoToken;
    ctx.store.read([&](store::Tx& tx) {
        auto c = tx.find_page_confirmation(token);
        if (!c) return;
        auto page = tx.find_page(c->page_id);
        if (!page) {
            found = Found::NoPage;
            return;
        }
        found = Found::Yes;
        const auto events = services::page_events(tx, *page, std::time(nullptr));
        const auto selection = services::select_page_events(events, c->event_ids);
        for (const Event* e : selection.events) {
            p.event_ids.push_back(e->id);
            p.rows.push_back({e->id, e->fields.summary, pages::event_when(e->fields).text, {}});
        }
        for (const auto& id : c->event_ids) {
            const bool on_page = std::find(p.event_ids.begin(), p.event_ids.end(), id) !=
                                 p.event_ids.end();
            if (on_page) continue;
            const auto e = tx.find_event_by_id(id);
            // Of the page's organizer only: another's event is not this page's to name.
            const bool named = e && e->organizer == page->organizer;
            p.gone.push_back({id, named ? e->fields.summary : std::string("(an event)"),
                              named ? pages::event_when(e->fields).text : std::string(),
                              pages::Outcome::Unavailable});
        }
        if (!page->redirect_url.empty()) p.landing_urls = tx.landing_urls(page->organizer);
        p.confirmation = std::move(*c);
        p.page = std::move(*page);
    });
    return found;
}

http::Response expired(const store::Page& page) {
    return error_page(410, branding_of(page), "This link has expired",
                      fmt::format("Confirmation links work for {} hours. Nothing was sent; ask "
                                  "again from the page and confirm within that time.",
                                  services::kConfirmationHours),
                      "/p/" + page.id);
}

http::Response not_found(Found why) {
    if (why == Found::NoPage)
        return error_page(404, {}, "This page no longer exists",
                          "The organizer removed the page these invitations were asked "
                          "from. Nothing was sent.");
    return error_page(404, {}, "Link not found",
                      "There is no confirmation at this address. The link may be incomplete: "
                      "open it from the message again, or copy all of it.");
}

// Loads, answering 404/410/503 itself; nullptr when it did.
std::shared_ptr<Pending> pending_or_answer(ApiContext& ctx, const Params& p, Respond& respond) {
    auto pending = std::make_shared<Pending>();
    Found found = Found::NoToken;
    try {
        found = load(ctx, p.at("token"), *pending);
    } catch (const std::exception&) {
        respond(page_unavailable());
        return nullptr;
    }
    if (found != Found::Yes) {
        respond(not_found(found));
        return nullptr;
    }
    if (services::confirmation_expired(pending->confirmation, std::time(nullptr))) {
        respond(expired(pending->page));
        return nullptr;
    }
    return pending;
}

void show(ApiContext& ctx, const Request&, const Params& p, Respond respond) {
    const auto pending = pending_or_answer(ctx, p, respond);
    if (!pending) return;
    auto rows = pending->rows;
    rows.insert(rows.end(), pending->gone.begin(), pending->gone.end());
    respond(respond_page(pages::render_confirm(branding_of(pending->page), page_assets(),
                                               pending->confirmation.email, rows,
                                               "/confirm/" + pending->confirmation.token),
                         pages::origin_of(pending->page.redirect_url)));
}

void confirm(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    const auto pending = pending_or_answer(ctx, p, respond);
    if (!pending) return;
    if (!same_site_post(ctx, req))
        return respond(error_page(403, branding_of(pending->page), "Not sent",
                                  "This confirmation can only be sent from its own page. "
                                  "Nothing was sent.",
                                  "/confirm/" + pending->confirmation.token));
    auto send = std::make_shared<PageSend>();
    send->email = pending->confirmation.email;
    send->event_ids = std::move(pending->event_ids);
    send->rows = std::move(pending->rows);
    send->extra_rows = std::move(pending->gone);
    send->landing_urls = std::move(pending->landing_urls);
    send->before = [token = pending->confirmation.token](store::Tx& tx) {
        tx.mark_page_confirmed(token, std::time(nullptr));
    };
    send->page = std::move(pending->page);
    submit_page_send(ctx, std::move(send), std::move(respond));
}

}  // namespace

void add_confirm_routes(http::Router& router, ApiContext& ctx) {
    router.add("GET", "/confirm/{token}", api::bind(ctx, show));
    router.add("POST", "/confirm/{token}", api::bind(ctx, confirm));
}

}  // namespace cis::app
