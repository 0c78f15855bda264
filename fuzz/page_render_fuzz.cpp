// Untrusted bytes through a public page: a visitor's query string (the schedule's filters)
// and an organizer's event text and branding, rendered as the schedule page is. Beyond not
// crashing: nothing from the input ever opens an element — the only <script> is the
// page's own asset, and the only <style> its branding block. The confirmation pages of a
// page that asks for it get the same text and the typed address: no script, one form.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http/url.hpp"
#include "pages/confirm_pages.hpp"
#include "pages/event_page.hpp"

namespace {
void require(bool ok) {
    if (!ok) std::abort();
}

std::size_t count(const std::string& hay, std::string_view needle) {
    std::size_t n = 0;
    for (auto at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
    return n;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cis;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const auto query = http::parse_query(bytes);
    Event e;
    e.id = "ev1";
    e.fields.summary = std::string(bytes.substr(0, 200));
    e.fields.location = std::string(bytes.substr(size / 2));
    e.fields.description = std::string(bytes);
    e.fields.start = CalTime{1901386800, std::string(bytes.substr(0, 15)), false, false};
    e.fields.end = CalTime{1901394000, "", false, false};
    e.fields.timezone = std::string(bytes.substr(0, 30));
    const std::vector<Event> events = {e};
    pages::PageView v;
    v.id = "pg";
    v.kind = size % 3 == 0 ? "landing" : size % 3 == 1 ? "upcoming" : "schedule";
    v.branding = {std::string(bytes.substr(0, 50)), std::string(bytes.substr(0, 80)),
                  std::string(bytes.substr(size / 3)), std::string(bytes.substr(0, 7))};
    v.assets = {"/assets/pages.css?v=1", "/assets/pages.js?v=1"};
    v.events = &events;
    if (query) v.filters = pages::parse_filters(*query);
    const auto r = pages::render_event_page(v);
    require(count(r.html, "<script") == 1);
    require(count(r.html, "<style") == (r.style.empty() ? 0 : 1));
    require(r.style.find("</") == std::string::npos);
    // The confirmation pages show the same event text and an address typed by a visitor.
    const std::string email(bytes.substr(0, 100));
    const std::vector<pages::OutcomeRow> rows{
        {e.id, e.fields.summary, e.fields.location, pages::Outcome::Sent},
        {"ev2", e.fields.description, "", pages::Outcome::Unavailable}};
    for (const auto& page :
         {pages::render_confirm(v.branding, v.assets, email, rows, "/confirm/" + email),
          pages::render_check_inbox(v.branding, v.assets, email, rows, 24, "/p/pg")}) {
        require(count(page.html, "<script") == 0);
        require(count(page.html, "<form") <= 1);
        require(count(page.html, "<li class=\"outcome") == 2);
    }
    return 0;
}
