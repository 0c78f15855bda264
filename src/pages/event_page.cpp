#include "pages/event_page.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "imip/calendar_links.hpp"
#include "imip/human_text.hpp"
#include "imip/mime_text.hpp"
#include "pages/html_out.hpp"

namespace cis::pages {

namespace {

using imip::html_escape;

constexpr std::size_t kDescriptionShown = 280;  // bytes; a schedule row is not the invitation
constexpr const char* kMonthNames[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};

// The first ~kDescriptionShown bytes, cut at a character boundary.
std::string_view shortened(std::string_view text, bool* cut) {
    *cut = text.size() > kDescriptionShown;
    if (!*cut) return text;
    std::size_t end = kDescriptionShown;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end);
}

// "April 2027" for "2027-04".
std::string month_label(std::string_view month) {
    // "YYYY-MM" from event_when; anything else (a year past 9999) is shown as it is.
    const int m = month.size() == 7 ? (month[5] - '0') * 10 + (month[6] - '0') : 0;
    if (m < 1 || m > 12) return std::string(month);
    return fmt::format("{} {}", kMonthNames[m - 1], month.substr(0, 4));
}

void filter_controls(std::string& out, const PageView& v, const std::vector<std::string>& months) {
    const Filters& f = v.filters;
    out += "<form id=\"filter-form\" class=\"filters\" method=\"get\" action=\"/p/";
    append_html(out, v.id);
    out +=
        "\" role=\"search\">\n<fieldset>\n<legend>Find events</legend>\n"
        "<div class=\"field\"><label for=\"filter-month\">Month</label>\n"
        "<select id=\"filter-month\" name=\"month\">\n<option value=\"\">All months</option>\n";
    for (const auto& m : months) {
        out += "<option value=\"";
        out += m;  // "YYYY-MM" built from digits
        out += m == f.month ? "\" selected>" : "\">";
        out += month_label(m);
        out += "</option>\n";
    }
    out +=
        "</select></div>\n<div class=\"field\"><label for=\"filter-from\">From</label>\n"
        "<input id=\"filter-from\" name=\"from\" type=\"date\" value=\"";
    out += f.from;  // checked YYYY-MM-DD
    out +=
        "\"></div>\n<div class=\"field\"><label for=\"filter-to\">To</label>\n"
        "<input id=\"filter-to\" name=\"to\" type=\"date\" value=\"";
    out += f.to;
    out +=
        "\"></div>\n<div class=\"field field-q\"><label for=\"filter-q\">Search</label>\n"
        "<input id=\"filter-q\" name=\"q\" type=\"search\" placeholder=\"Team, venue, …\" "
        "value=\"";
    append_html(out, f.q);
    out +=
        "\"></div>\n<div class=\"filter-actions\"><button type=\"submit\" "
        "id=\"filter-apply\">Filter</button>\n<a href=\"/p/";
    append_html(out, v.id);
    out += "\" id=\"filter-clear\">Show all</a></div>\n</fieldset>\n</form>\n";
    if (!f.ignored.empty()) {
        out += "<p class=\"notice\" role=\"status\">Ignored a filter that is not a date or month: ";
        for (std::size_t i = 0; i < f.ignored.size(); ++i) {
            if (i) out += ", ";
            out += f.ignored[i];  // our own parameter names
        }
        out += ".</p>\n";
    }
}

void event_row(std::string& out, const PageView& v, const Event& e, const EventWhen& when,
               bool shown, bool landing) {
    std::string id;
    append_html(id, e.id);
    out += "<li class=\"event\" data-month=\"";
    out += when.month;
    out += "\" data-date=\"";
    out += when.date;
    out += shown ? "\">\n" : "\" hidden>\n";
    out += "<label class=\"pick\"><input type=\"checkbox\" name=\"event\" value=\"";
    out += id;
    out += landing ? "\" checked> <span class=\"summary\">" : "\"> <span class=\"summary\">";
    append_html(out, e.fields.summary.empty() ? std::string_view("(untitled event)")
                                              : std::string_view(e.fields.summary));
    out += "</span></label>\n<p class=\"when\">";
    if (when.utc.empty()) {
        append_html(out, when.text);
    } else {
        out += "<time datetime=\"";
        out += when.utc;
        out += "\" data-zone=\"";
        append_html(out, when.zone);
        out += "\">";
        append_html(out, when.text);
        out += "</time>";
    }
    if (!e.recurrence.rrule.empty()) {
        if (const auto repeat = imip::repeat_text(e.recurrence.rrule); !repeat.empty()) {
            out += " <span class=\"repeat\">(repeats ";
            append_html(out, repeat);
            out += ")</span>";
        }
    }
    out += "</p>\n";
    if (!e.fields.location.empty()) {
        out += "<p class=\"where\">";
        append_html(out, e.fields.location);
        out += "</p>\n";
    }
    if (!e.fields.description.empty()) {
        bool cut = false;
        out += "<p class=\"description\">";
        append_html(out, shortened(e.fields.description, &cut));
        if (cut) out += "…";
        out += "</p>\n";
    }
    // A landing page links the services directly; a list links /p/{id}/add/…, which
    // redirects there, so thousands of rows do not each carry two long URLs.
    const auto add_link = [&](std::string_view service) {
        if (landing) {
            append_html(out, service == "google" ? imip::google_calendar_url(e)
                                                 : imip::outlook_calendar_url(e));
            return;
        }
        out += "/p/";
        append_html(out, v.id);
        out += "/add/";
        out += id;
        out += '/';
        out += service;
    };
    out +=
        "<p class=\"add\">Add to <a class=\"add-google\" rel=\"noopener\" target=\"_blank\" "
        "href=\"";
    add_link("google");
    out +=
        "\">Google Calendar</a> · <a class=\"add-outlook\" rel=\"noopener\" target=\"_blank\" "
        "href=\"";
    add_link("outlook");
    out += "\">Outlook.com</a> · <a class=\"download-ics\" download href=\"/p/";
    append_html(out, v.id);
    out += "/ics/";
    out += id;
    out += "\">download .ics</a></p>\n</li>\n";
}

}  // namespace

Rendered render_event_page(const PageView& v) {
    static const std::vector<Event> kNone;
    const auto& events = v.events ? *v.events : kNone;
    const bool landing = v.kind == "landing";
    const bool schedule = v.kind == "schedule";
    Rendered r;
    r.script = true;
    r.style = branding_style(v.branding);
    r.images = image_sources(v.branding);
    std::string& out = r.html;
    out.reserve(4096 + events.size() * 1400);

    // One pass for times (used twice: month options and rows) keeps the rows cheap.
    std::vector<EventWhen> whens;
    whens.reserve(events.size());
    std::vector<std::string> months;
    for (const auto& e : events) {
        whens.push_back(event_when(e.fields));
        const auto& m = whens.back().month;
        if (std::find(months.begin(), months.end(), m) == months.end()) months.push_back(m);
    }
    std::sort(months.begin(), months.end());

    const std::string_view fallback = landing && !events.empty()
                                          ? std::string_view(events.front().fields.summary)
                                      : schedule ? std::string_view("Schedule")
                                                 : std::string_view("Upcoming events");
    Branding b = v.branding;
    if (b.title.empty()) b.title = std::string(fallback.empty() ? "Event" : fallback);
    open_page(out, b, v.assets, b.title, "",
              "kind-" + std::string(landing    ? "landing"
                                    : schedule ? "schedule"
                                               : "upcoming"));
    if (schedule) filter_controls(out, v, months);

    const std::string q_lower = ascii_lower(v.filters.q);
    std::vector<bool> shown(events.size(), true);
    std::size_t shown_count = events.size();
    if (schedule && v.filters.any()) {
        shown_count = 0;
        for (std::size_t i = 0; i < events.size(); ++i) {
            shown[i] = passes(v.filters, q_lower, whens[i], events[i].fields);
            shown_count += shown[i];
        }
    }

    out += "<form id=\"send-form\" method=\"post\" action=\"/p/";
    append_html(out, v.id);
    out += "/send\">\n<fieldset class=\"events-box\">\n<legend>";
    out += landing ? "Event" : "Choose events";
    out += "</legend>\n";
    if (!landing)
        out += fmt::format(
            "<p id=\"counts\" aria-live=\"polite\"><span id=\"shown-count\">{}</span> of {} "
            "events shown, <span id=\"selected-count\">0</span> selected</p>\n",
            shown_count, events.size());
    if (events.empty())
        out += landing ? "<p class=\"empty\">This event is over or no longer available.</p>\n"
                       : "<p class=\"empty\">There are no upcoming events on this page.</p>\n";
    else  // the script shows it when its filters leave no row
        out += shown_count == 0
                   ? "<p class=\"empty\" id=\"no-match\">No event matches these filters.</p>\n"
                   : "<p class=\"empty\" id=\"no-match\" hidden>No event matches these "
                     "filters.</p>\n";
    out += "<ul class=\"events\">\n";
    for (std::size_t i = 0; i < events.size(); ++i)
        event_row(out, v, events[i], whens[i], shown[i], landing);
    out += "</ul>\n</fieldset>\n";
    if (!events.empty()) {
        out += "<fieldset class=\"send-box\">\n<legend>Get ";
        out += landing ? "the invitation" : "invitations";
        out +=
            "</legend>\n<label for=\"email\">Your email address</label>\n"
            "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" "
            "required maxlength=\"254\">\n<button id=\"send\" type=\"submit\">";
        out += landing ? "Send me the invitation" : "Send me the invitations";
        out +=
            "</button>\n<p class=\"note\">One calendar invitation per event, to this address "
            "only.</p>\n</fieldset>\n";
    }
    out += "</form>\n";
    if (!landing && !v.feed_url.empty()) {
        out += "<p class=\"subscribe\">Keep your calendar up to date: <a id=\"subscribe\" href=\"";
        append_html(out, v.webcal_url);
        out += "\">subscribe to this calendar</a> (<a id=\"feed-download\" href=\"";
        append_html(out, v.feed_url);
        out += "\">feed address</a>)</p>\n";
    }
    close_page(out);
    return r;
}

}  // namespace cis::pages
