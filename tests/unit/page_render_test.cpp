// The public pages' HTML from values (src/pages): every event and query value escaped,
// branding CSS that cannot break out of its style block, times in the event's own zone.
#include <gtest/gtest.h>

#include "pages/branding.hpp"
#include "pages/confirm_pages.hpp"
#include "pages/event_page.hpp"
#include "pages/event_time.hpp"
#include "pages/message_pages.hpp"

namespace cis::pages {
namespace {

constexpr const char* kEvil = "<script>alert(\"x\")</script> & 'q'";
constexpr const char* kEscaped =
    "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;";

Event event(std::string id, std::string summary, std::string local, std::int64_t utc,
            std::string zone = "Europe/Berlin") {
    Event e;
    e.id = std::move(id);
    e.organizer = "org@example.org";
    e.fields.summary = std::move(summary);
    e.fields.start.local = std::move(local);
    e.fields.start.utc = utc;
    e.fields.end = e.fields.start;
    e.fields.end.utc += 7200;
    e.fields.timezone = std::move(zone);
    return e;
}

PageView view(const std::vector<Event>& events, std::string kind = "schedule") {
    PageView v;
    v.id = "season";
    v.kind = std::move(kind);
    v.assets = {"/assets/pages.css?v=1", "/assets/pages.js?v=1"};
    v.feed_url = "https://cis.test/p/season/feed.ics";
    v.webcal_url = "webcal://cis.test/p/season/feed.ics";
    v.events = &events;
    return v;
}

TEST(PageRender, EscapesEveryEventValueAndTheTitle) {
    auto e = event("ev1", kEvil, "20270403T190500", 1806771900);
    e.fields.description = kEvil;
    e.fields.location = kEvil;
    const std::vector<Event> events{e};
    auto v = view(events);
    v.branding.title = kEvil;
    const auto r = render_event_page(v);
    EXPECT_EQ(r.html.find("<script>"), std::string::npos);
    EXPECT_NE(r.html.find(std::string("<h1>") + kEscaped + "</h1>"), std::string::npos);
    EXPECT_NE(r.html.find(std::string("<title>") + kEscaped + "</title>"), std::string::npos);
    EXPECT_NE(r.html.find(std::string("<span class=\"summary\">") + kEscaped), std::string::npos);
    EXPECT_NE(r.html.find(std::string("<p class=\"where\">") + kEscaped), std::string::npos);
    EXPECT_NE(r.html.find(std::string("<p class=\"description\">") + kEscaped), std::string::npos);
    EXPECT_TRUE(r.script);
}

TEST(PageRender, EchoesFilterValuesEscaped) {
    const std::vector<Event> events{event("ev1", "Lions", "20270403T190500", 1806771900)};
    auto v = view(events);
    v.filters =
        parse_filters({{"q", "\"><script>x</script>"}, {"month", "<b>"}, {"to", "2027-04-30"}});
    const auto r = render_event_page(v);
    EXPECT_EQ(r.html.find("<script>"), std::string::npos);
    EXPECT_NE(r.html.find("value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\""), std::string::npos);
    EXPECT_EQ(r.html.find("<b>"), std::string::npos) << "a malformed month is dropped";
    EXPECT_NE(r.html.find("Ignored a filter that is not a date or month: month."),
              std::string::npos);
    EXPECT_NE(r.html.find("name=\"to\" type=\"date\" value=\"2027-04-30\""), std::string::npos);
}

TEST(PageRender, ServerSideFiltersHideRowsAndCount) {
    const std::vector<Event> events{event("a", "Lions vs Bears", "20270403T190500", 1806771900),
                                    event("b", "Hawks vs Owls", "20270502T190500", 1809363900),
                                    event("c", "LIONS at home", "20270520T190500", 1810919100)};
    auto v = view(events);
    v.filters = parse_filters({{"q", "lions"}, {"from", "2027-05-01"}});
    const auto html = render_event_page(v).html;
    EXPECT_NE(html.find("data-date=\"2027-04-03\" hidden>"), std::string::npos);
    EXPECT_NE(html.find("data-date=\"2027-05-02\" hidden>"), std::string::npos);
    EXPECT_NE(html.find("data-month=\"2027-05\" data-date=\"2027-05-20\">"), std::string::npos);
    EXPECT_NE(html.find("<span id=\"shown-count\">1</span> of 3"), std::string::npos);
    EXPECT_NE(html.find("<option value=\"2027-04\">April 2027</option>"), std::string::npos);
}

TEST(PageRender, TimesInTheEventsZone) {
    auto w = event_when(event("a", "x", "20270403T190500", 1806771900).fields);
    EXPECT_EQ(w.text, "Sat 3 Apr 2027, 19:05 (Europe/Berlin)");
    EXPECT_EQ(w.utc, "2027-04-03T17:05:00Z");
    EXPECT_EQ(w.date, "2027-04-03");
    EXPECT_EQ(w.month, "2027-04");

    auto utc = event("b", "x", "20270101T000000Z", 1798761600, "");
    EXPECT_EQ(event_when(utc.fields).text, "Fri 1 Jan 2027, 00:00 (UTC)");

    auto all_day = event("c", "x", "20271231", 1830211200, "");
    all_day.fields.start.is_date = all_day.fields.all_day = true;
    w = event_when(all_day.fields);
    EXPECT_EQ(w.text, "Fri 31 Dec 2027");
    EXPECT_EQ(w.utc, "") << "no visitor time for a date";

    auto floating = event("d", "x", "20270615T083000", 1812961800, "");
    floating.fields.start.floating = true;
    w = event_when(floating.fields);
    EXPECT_EQ(w.text, "Tue 15 Jun 2027, 08:30");
    EXPECT_EQ(w.utc, "");
}

TEST(PageRender, CssValuesCannotBreakOut) {
    EXPECT_EQ(css_url("javascript:alert(1)"), "");
    EXPECT_EQ(css_url("data:image/png;base64,AAAA"), "");
    EXPECT_EQ(css_url("https://a.example/x.png"), "https://a.example/x.png");
    EXPECT_EQ(css_url("HTTPS://a.example/a b\"c'd\\e(f)g<h>i\n\x7fé"),
              "HTTPS://a.example/a%20b%22c%27d%5Ce%28f%29g%3Ch%3Ei%0A%7F%C3%A9");
    EXPECT_EQ(css_colour("#abc"), "#abc");
    EXPECT_EQ(css_colour("#A1b2C3"), "#A1b2C3");
    EXPECT_EQ(css_colour("red"), "");
    EXPECT_EQ(css_colour("#abc;}</style>"), "");
    EXPECT_EQ(css_colour("#12345g"), "");
    Branding b;
    b.accent = "#c00";
    b.background_url = "https://img.example/bg.png\");}body{color:red";
    EXPECT_EQ(branding_style(b),
              ":root{--accent:#c00}body{background-image:url(\"https://img.example/"
              "bg.png%22%29;}body{color:red\");background-size:cover;background-attachment:fixed}");
    EXPECT_EQ(safe_http_url("javascript:alert(1)"), "");
    EXPECT_EQ(safe_http_url("https://a.example/logo.png"), "https://a.example/logo.png");
}

TEST(PageRender, CspAllowsTheStyleByHashAndNoInlineScript) {
    const auto csp = page_csp("'sha256-abc'", true, "https://img.example", "https://club.example");
    EXPECT_NE(csp.find("img-src https://img.example;"), std::string::npos);
    EXPECT_NE(csp.find("script-src 'self';"), std::string::npos);
    EXPECT_NE(csp.find("style-src 'self' 'sha256-abc';"), std::string::npos);
    EXPECT_NE(csp.find("form-action 'self' https://club.example;"), std::string::npos);
    EXPECT_EQ(csp.find("unsafe"), std::string::npos);
    EXPECT_EQ(page_csp("", false).find("script-src"), std::string::npos);
    EXPECT_EQ(page_csp("", false).find("img-src"), std::string::npos) << "no images: none allowed";
    Branding b;
    b.logo_url = "https://img.example/a.png";
    b.background_url = "https://img.example/b.png";
    EXPECT_EQ(image_sources(b), "https://img.example");
    b.background_url = "http://cdn.example:8080/b.png";
    EXPECT_EQ(image_sources(b), "https://img.example http://cdn.example:8080");
    b.logo_url = "javascript:x";
    EXPECT_EQ(image_sources(b), "http://cdn.example:8080");
    EXPECT_EQ(origin_of("HTTPS://Club.example:8443/thanks?x=1"), "https://Club.example:8443");
    EXPECT_EQ(origin_of("https://a.example;script-src *"), "");
    EXPECT_EQ(origin_of("javascript:x"), "");
}

TEST(PageRender, LandingTicksItsEvent) {
    const std::vector<Event> events{event("ev1", "Cup final", "20270403T190500", 1806771900)};
    const auto html = render_event_page(view(events, "landing")).html;
    EXPECT_NE(html.find("name=\"event\" value=\"ev1\" checked>"), std::string::npos);
    EXPECT_NE(html.find("<h1>Cup final</h1>"), std::string::npos);
    EXPECT_EQ(html.find("id=\"subscribe\""), std::string::npos);
    EXPECT_EQ(html.find("filter-month"), std::string::npos);
}

TEST(PageRender, ResultAndErrorPagesEscape) {
    const std::vector<OutcomeRow> rows{{"e1", kEvil, "Sat 3 Apr 2027", Outcome::Sent},
                                       {"e2", "B", "", Outcome::AlreadyInvited},
                                       {"e3", "C", "", Outcome::NotSent}};
    const auto r =
        render_result({}, {"/assets/pages.css?v=1", ""}, "a<b@example.org", rows, "/p/x");
    EXPECT_EQ(r.html.find("<script>"), std::string::npos);
    EXPECT_NE(r.html.find("<main id=\"result\">"), std::string::npos);
    EXPECT_NE(r.html.find("1 invitation is on the way"), std::string::npos);
    EXPECT_NE(r.html.find("a&lt;b@example.org"), std::string::npos);
    EXPECT_NE(r.html.find("class=\"outcome already-invited\""), std::string::npos);
    EXPECT_NE(r.html.find("not sent to this address"), std::string::npos);
    EXPECT_FALSE(r.script);
    const auto e = render_error(429, {}, {"/assets/pages.css?v=1", ""}, "Wait", kEvil);
    EXPECT_EQ(e.status, 429);
    EXPECT_EQ(e.html.find("<script>"), std::string::npos);
    EXPECT_NE(e.html.find(kEscaped), std::string::npos);
}

TEST(PageRender, ConfirmationPagesEscapeAndMarkWhatIsGone) {
    const std::vector<OutcomeRow> rows{{"e1", kEvil, "Sat 3 Apr 2027", Outcome::Sent},
                                       {"e2", "Gone game", "", Outcome::Unavailable}};
    const Assets a{"/assets/pages.css?v=1", ""};
    const auto inbox = render_check_inbox({}, a, "a<b@example.org", rows, 24, "/p/x");
    EXPECT_NE(inbox.html.find("<main id=\"check-inbox\">"), std::string::npos);
    EXPECT_NE(inbox.html.find("a&lt;b@example.org"), std::string::npos);
    EXPECT_NE(inbox.html.find("within 24 hours"), std::string::npos);
    EXPECT_EQ(inbox.html.find("<script>"), std::string::npos);
    const auto page = render_confirm({}, a, "a<b@example.org", rows, "/confirm/t\"k");
    EXPECT_NE(page.html.find("<main id=\"confirm\">"), std::string::npos);
    EXPECT_NE(page.html.find("action=\"/confirm/t&quot;k\""), std::string::npos);
    EXPECT_NE(page.html.find(kEscaped), std::string::npos);
    EXPECT_EQ(page.html.find("<script>"), std::string::npos);
    EXPECT_NE(page.html.find("class=\"outcome unavailable\""), std::string::npos);
    EXPECT_NE(page.html.find("Send me the invitation</button>"), std::string::npos);  // one left
    EXPECT_FALSE(page.script);
    // Nothing left to send: no button.
    const auto none = render_confirm({}, a, "x@example.org", {rows[1]}, "/confirm/t");
    EXPECT_EQ(none.html.find("<form"), std::string::npos);
    EXPECT_NE(none.html.find("None of these events is available"), std::string::npos);
}

TEST(PageRender, WaitInWords) {
    EXPECT_EQ(wait_in_words(1), "about 1 second");
    EXPECT_EQ(wait_in_words(40), "about 40 seconds");
    EXPECT_EQ(wait_in_words(61), "2 minutes");
    EXPECT_EQ(wait_in_words(60), "1 minute");
    EXPECT_EQ(wait_in_words(3601), "2 hours");
}

}  // namespace
}  // namespace cis::pages
