#include "pages/message_pages.hpp"

#include <fmt/format.h>

#include "imip/mime_text.hpp"

namespace cis::pages {

namespace {

using imip::html_escape;

const char* outcome_class(Outcome o) {
    switch (o) {
        case Outcome::Sent:
            return "sent";
        case Outcome::AlreadyInvited:
            return "already-invited";
        case Outcome::Cancelled:
            return "cancelled";
        case Outcome::Over:
            return "over";
        case Outcome::NotSent:
            return "not-sent";
        case Outcome::Unavailable:
            return "unavailable";
    }
    return "not-sent";
}

// Suppressed addresses get "not sent" without a reason: anyone can type any address here,
// and whether someone unsubscribed is theirs to know.
const char* outcome_text(Outcome o) {
    switch (o) {
        case Outcome::Sent:
            return "invitation sent";
        case Outcome::AlreadyInvited:
            return "already invited — nothing sent again";
        case Outcome::Cancelled:
            return "not available: the event is cancelled";
        case Outcome::Over:
            return "not available: the event is over";
        case Outcome::NotSent:
            return "not sent to this address";
        case Outcome::Unavailable:
            return "no longer available";
    }
    return "not sent";
}

void back_link(std::string& out, std::string_view back) {
    if (back.empty()) return;
    out += "<p class=\"back\"><a href=\"";
    out += html_escape(back);
    out += "\">Back to the events</a></p>\n";
}

}  // namespace

void append_outcome_row(std::string& out, const OutcomeRow& row, bool with_outcome) {
    out += "<li class=\"outcome";
    if (with_outcome) {
        out += ' ';
        out += outcome_class(row.outcome);
    }
    out += "\" data-event=\"";
    out += html_escape(row.event_id);
    out += "\"><span class=\"summary\">";
    out += html_escape(row.summary.empty() ? std::string_view("(untitled event)")
                                           : std::string_view(row.summary));
    out += "</span>";
    if (!row.when.empty()) {
        out += " · <span class=\"when\">";
        out += html_escape(row.when);
        out += "</span>";
    }
    if (with_outcome) {
        out += ": <strong class=\"state\">";
        out += outcome_text(row.outcome);
        out += "</strong>";
    }
    out += "</li>\n";
}

std::string wait_in_words(std::int64_t seconds) {
    if (seconds < 1) seconds = 1;
    if (seconds < 60) return fmt::format("about {} second{}", seconds, seconds == 1 ? "" : "s");
    if (seconds < 3600) {
        const auto minutes = (seconds + 59) / 60;
        return fmt::format("{} minute{}", minutes, minutes == 1 ? "" : "s");
    }
    const auto hours = (seconds + 3599) / 3600;
    return fmt::format("{} hour{}", hours, hours == 1 ? "" : "s");
}

Rendered render_result(const Branding& b, const Assets& a, std::string_view email,
                       const std::vector<OutcomeRow>& rows, std::string_view back) {
    Rendered r;
    r.style = branding_style(b);
    r.images = image_sources(b);
    std::string& out = r.html;
    out.reserve(2048 + rows.size() * 300);
    std::size_t sent = 0;
    for (const auto& row : rows) sent += row.outcome == Outcome::Sent;
    open_page(out, b, {a.css, ""}, "Your invitations", " id=\"result\"", "kind-result");
    out += "<h2>";
    if (sent == 0)
        out += "No new invitation was sent";
    else
        out += fmt::format("{} invitation{} on the way", sent, sent == 1 ? " is" : "s are");
    out += "</h2>\n<p>To <strong>";
    out += html_escape(email);
    out += "</strong>:</p>\n<ul class=\"outcomes\">\n";
    for (const auto& row : rows) append_outcome_row(out, row, true);
    out += "</ul>\n";
    if (sent > 0)
        out +=
            "<p class=\"note\">Open the invitation in your mail and accept it to add the event "
            "to your calendar.</p>\n";
    back_link(out, back);
    close_page(out);
    return r;
}

Rendered render_error(int status, const Branding& b, const Assets& a, std::string_view heading,
                      std::string_view message, std::string_view back) {
    Rendered r;
    r.status = status;
    r.style = branding_style(b);
    r.images = image_sources(b);
    std::string& out = r.html;
    open_page(out, b, {a.css, ""}, heading, fmt::format(" id=\"error\" data-status=\"{}\"", status),
              "kind-error");
    out += "<h2>";
    out += html_escape(heading);
    out += "</h2>\n<p class=\"message\">";
    out += html_escape(message);
    out += "</p>\n";
    back_link(out, back);
    close_page(out);
    return r;
}

}  // namespace cis::pages
