#pragma once
// What the public page routes share (http_public_pages.cpp: GET /p/{id}, POST
// /p/{id}/send; http_confirm.cpp: /confirm/{token}): the page frame and error pages with
// their headers, and the send itself — one write transaction, then the result page, or a
// 303 to the page's redirect URL when every event went.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/http_api.hpp"
#include "pages/message_pages.hpp"

namespace cis::app {

pages::Assets page_assets();
pages::Branding branding_of(const store::Page& p);

// With the CSP the page needs. Referrer-Policy is same-origin here, not no-referrer:
// under no-referrer browsers send "Origin: null" with the page's own form post, and the
// cross-site check of the POSTs needs the real origin. Other sites still get none.
http::Response respond_page(const pages::Rendered& r, std::string_view redirect_origin = "");
http::Response error_page(int status, const pages::Branding& b, std::string_view heading,
                          std::string_view message, std::string_view back = "");
http::Response page_not_found();
// A busy or failing database: nothing was sent.
http::Response page_unavailable();

// A send about to be made: the invitations of `event_ids` to `email`, origin = the page's
// kind. `rows` are shown on the result page in this order, one per event id, followed by
// `extra_rows` (events no longer available: not sent, shown as such).
struct PageSend {
    store::Page page;
    std::vector<std::string> landing_urls;  // the organizer's allow-list (redirect_url)
    std::string email;
    std::vector<std::string> event_ids;
    std::vector<pages::OutcomeRow> rows, extra_rows;
    // Run first in the same transaction (e.g. marking a confirmation used); may be empty.
    std::function<void(store::Tx&)> before;
};

void submit_page_send(ApiContext& ctx, std::shared_ptr<PageSend> send, http::Respond respond);

}  // namespace cis::app
