#include "app/page_send_flow.hpp"

#include <ctime>

#include "app/assets.hpp"
#include "app/public_html.hpp"
#include "services/landing_urls.hpp"
#include "services/page_send.hpp"

namespace cis::app {

namespace {

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

}  // namespace

pages::Assets page_assets() {
    return {asset_url("pages.css"), asset_url("pages.js")};
}

pages::Branding branding_of(const store::Page& p) {
    return {p.title, p.logo_url, p.background_url, p.accent};
}

http::Response respond_page(const pages::Rendered& r, std::string_view redirect_origin) {
    return public_html_response(r.status, r.html,
                                pages::page_csp(r.style.empty() ? std::string() : csp_hash(r.style),
                                                r.script, r.images, redirect_origin),
                                "same-origin");
}

http::Response error_page(int status, const pages::Branding& b, std::string_view heading,
                          std::string_view message, std::string_view back) {
    return respond_page(pages::render_error(status, b, page_assets(), heading, message, back));
}

http::Response page_not_found() {
    return error_page(404, {}, "Page not found",
                      "There is no page at this address. The link may be incomplete, or the "
                      "organizer removed the page.");
}

http::Response page_unavailable() {
    auto r = error_page(503, {}, "Please try again in a minute",
                        "Your request could not be handled just now. Nothing was sent.");
    r.headers.emplace_back("Retry-After", "30");
    return r;
}

void submit_page_send(ApiContext& ctx, std::shared_ptr<PageSend> send, http::Respond respond) {
    auto results = std::make_shared<std::vector<services::PageSendResult>>();
    auto failed = std::make_shared<bool>(false);
    services::InviteContext ic{nullptr,    ctx.uid_key,      ctx.token_key,
                               ctx.domain, ctx.bounce_local, std::time(nullptr)};
    store::WriteJob job;
    job.work = [send, results, ic](store::Tx& tx) {
        if (send->before) send->before(tx);
        *results = services::send_page_invitations(tx, send->event_ids, send->email,
                                                   send->page.kind, ic);
    };
    job.on_error = [failed](store::Tx&, const std::exception&) { *failed = true; };
    job.done = [&ctx, send, results, failed, respond](bool committed) {
        auto& rows = send->rows;
        if (!committed || *failed || results->size() != rows.size())
            return respond(page_unavailable());
        // The redirect is for a send that fully worked: any event not sent (cancelled
        // meanwhile, a suppressed address, gone from the page) is said on the result page.
        bool queued = false, delivered = send->extra_rows.empty();
        for (std::size_t i = 0; i < rows.size(); ++i) {
            rows[i].outcome = outcome_of((*results)[i].outcome);
            queued |= rows[i].outcome == pages::Outcome::Sent;
            delivered &= rows[i].outcome == pages::Outcome::Sent ||
                         rows[i].outcome == pages::Outcome::AlreadyInvited;
        }
        if (queued) ctx.work_queued();
        const auto& url = send->page.redirect_url;
        if (delivered && !url.empty() && services::landing_url_allowed(send->landing_urls, url)) {
            auto r =
                public_html_response(303, "<!DOCTYPE html>\n<title>Sent</title>\n<p>Sent.</p>\n",
                                     pages::page_csp("", false));
            r.headers.emplace_back("Location", url);
            return respond(std::move(r));
        }
        rows.insert(rows.end(), send->extra_rows.begin(), send->extra_rows.end());
        respond(respond_page(pages::render_result(branding_of(send->page), page_assets(),
                                                  send->email, rows, "/p/" + send->page.id)));
    };
    ctx.committer.submit(std::move(job));
}

}  // namespace cis::app
