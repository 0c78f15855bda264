#include "pages/confirm_pages.hpp"

#include <fmt/format.h>

#include "imip/mime_text.hpp"

namespace cis::pages {

namespace {

using imip::html_escape;

void event_list(std::string& out, const std::vector<OutcomeRow>& rows) {
    out += "<ul class=\"outcomes\">\n";
    // Asked for, not sent yet: only an event that cannot go says so.
    for (const auto& row : rows) append_outcome_row(out, row, row.outcome == Outcome::Unavailable);
    out += "</ul>\n";
}

Rendered frame(const Branding& b) {
    Rendered r;
    r.style = branding_style(b);
    r.images = image_sources(b);
    return r;
}

}  // namespace

Rendered render_check_inbox(const Branding& b, const Assets& a, std::string_view email,
                            const std::vector<OutcomeRow>& rows, int hours, std::string_view back) {
    Rendered r = frame(b);
    std::string& out = r.html;
    open_page(out, b, {a.css, ""}, "Check your inbox", " id=\"check-inbox\"", "kind-result");
    out += "<h2>Check your inbox</h2>\n<p>We sent a message to <strong>";
    out += html_escape(email);
    out += fmt::format(
        "</strong>. Open the link in it within {} hours and confirm: then the invitation{} "
        "below {} sent. Until then nothing is sent.</p>\n",
        hours, rows.size() == 1 ? "" : "s", rows.size() == 1 ? "is" : "are");
    event_list(out, rows);
    if (!back.empty()) {
        out += "<p class=\"back\"><a href=\"";
        out += html_escape(back);
        out += "\">Back to the events</a></p>\n";
    }
    close_page(out);
    return r;
}

Rendered render_confirm(const Branding& b, const Assets& a, std::string_view email,
                        const std::vector<OutcomeRow>& rows, std::string_view action) {
    Rendered r = frame(b);
    std::string& out = r.html;
    std::size_t available = 0;
    for (const auto& row : rows) available += row.outcome != Outcome::Unavailable;
    open_page(out, b, {a.css, ""}, "Confirm your invitations", " id=\"confirm\"", "kind-result");
    out += available == 1 ? "<h2>Send the invitation to <strong>" : "<h2>Send the invitations to <strong>";
    out += html_escape(email);
    out += "</strong>?</h2>\n";
    event_list(out, rows);
    if (available == 0) {
        out += "<p class=\"message\">None of these events is available any more.</p>\n";
    } else {
        out += "<form method=\"post\" action=\"";
        out += html_escape(action);
        out += fmt::format(
            "\"><button type=\"submit\" id=\"confirm-send\">Send me the invitation{}</button>"
            "</form>\n",
            available == 1 ? "" : "s");
    }
    close_page(out);
    return r;
}

}  // namespace cis::pages
