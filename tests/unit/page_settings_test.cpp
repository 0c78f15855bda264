// Page configuration checks: every branding value lands in a public page (text, attribute,
// CSS), so each one is refused with a specific code when it has a form that could break out
// of its place. The store-dependent rules run against a real, migrated SQLite store.
#include "services/page_settings.hpp"

#include <gtest/gtest.h>

#include "support/store_fixture.hpp"

using namespace cis;
using services::apply_page_fields;
using services::check_page_in_store;

namespace {

std::string code_of(const nlohmann::json& body) {
    store::Page p;
    p.kind = "schedule";
    const auto e = apply_page_fields(body, p);
    return e ? e->code : "";
}

}  // namespace

TEST(PageSettings, Accent) {
    for (auto ok : {"#abc", "#ABC", "#1f6feb", "#000000"})
        EXPECT_TRUE(services::valid_accent(ok)) << ok;
    for (auto bad : {"", "abc", "#ab", "#abcd", "#12345g", "#1f6feb;", "red", "#fff;x:y"})
        EXPECT_FALSE(services::valid_accent(bad)) << bad;
}

TEST(PageSettings, ImageUrls) {
    for (auto ok : {"https://club.example/logo.png", "HTTP://club.example/a?b=c&d=%20e",
                    "https://cdn.example:8443/x/y.svg#frag"})
        EXPECT_FALSE(services::image_url_problem(ok)) << ok;
    for (auto bad : {"", "club.example/logo.png", "javascript:alert(1)", "data:image/png,xx",
                     "https://", "https:///x", "https://a.example/a b", "https://a.example/\"",
                     "https://a.example/'", "https://a.example/\\", "https://a.example/(",
                     "https://a.example/)", "https://a.example/<", "https://a.example/>",
                     "https://a.example/\t", "https://a.example/\x7f"})
        EXPECT_TRUE(services::image_url_problem(bad)) << bad;
    EXPECT_FALSE(services::image_url_problem("https://a.example/" + std::string(1982, 'x')));
    EXPECT_TRUE(services::image_url_problem("https://a.example/" + std::string(1983, 'x')));
}

TEST(PageSettings, OneLineCountsCharactersNotBytes) {
    std::string title;
    for (int i = 0; i < 200; ++i) title += "é";  // 400 bytes, 200 characters
    EXPECT_FALSE(services::one_line_problem(title, 200));
    EXPECT_TRUE(services::one_line_problem(title + "e", 200));
    EXPECT_TRUE(services::one_line_problem("a\nb", 200));
    EXPECT_TRUE(services::one_line_problem("a\rb", 200));
    EXPECT_TRUE(services::one_line_problem(std::string("a\0b", 3), 200));
}

TEST(PageSettings, FieldErrorsAreSpecific) {
    EXPECT_EQ(code_of({{"kind", "calendar"}}), "invalid_kind");
    EXPECT_EQ(code_of({{"kind", nullptr}}), "invalid_kind");
    EXPECT_EQ(code_of({{"title", 5}}), "invalid_title");
    EXPECT_EQ(code_of({{"title", "a\nb"}}), "invalid_title");
    EXPECT_EQ(code_of({{"filter", std::string(201, 'f')}}), "invalid_filter");
    EXPECT_EQ(code_of({{"accent", "blue"}}), "invalid_accent");
    EXPECT_EQ(code_of({{"logo_url", "https://x.example/a)b"}}), "invalid_logo_url");
    EXPECT_EQ(code_of({{"background_url", "ftp://x.example/a"}}), "invalid_background_url");
    EXPECT_EQ(code_of({{"redirect_url", "javascript:alert(1)"}}), "invalid_redirect_url");
    EXPECT_EQ(code_of({{"event_id", std::string(201, 'e')}}), "invalid_event_id");
    EXPECT_EQ(code_of({{"colour", "red"}}), "unknown_field");
    EXPECT_EQ(code_of({{"organizer", "whoever"}}), "");  // the route's business
}

TEST(PageSettings, AppliesAndClears) {
    store::Page p;
    p.kind = "upcoming";
    p.logo_url = "https://old.example/logo.png";
    ASSERT_FALSE(apply_page_fields({{"kind", "schedule"},
                                    {"title", "Season"},
                                    {"accent", "#ABCDEF"},
                                    {"logo_url", nullptr},
                                    {"background_url", ""},
                                    {"redirect_url", "HTTPS://Club.Example:443/Fans"}},
                                   p));
    EXPECT_EQ(p.kind, "schedule");
    EXPECT_EQ(p.title, "Season");
    EXPECT_EQ(p.accent, "#abcdef");
    EXPECT_EQ(p.logo_url, "");
    EXPECT_EQ(p.redirect_url, "https://club.example/Fans");
    EXPECT_FALSE(p.confirm);
    ASSERT_FALSE(apply_page_fields({{"confirm", true}}, p));
    EXPECT_TRUE(p.confirm);
    const auto e = apply_page_fields({{"confirm", "yes"}}, p);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "invalid_confirm");
    EXPECT_TRUE(p.confirm);
    ASSERT_FALSE(apply_page_fields({{"confirm", false}}, p));
    EXPECT_FALSE(p.confirm);
}

class PageSettingsStore : public test::StoreTest {
  protected:
    void add_event(const std::string& id, const std::string& organizer) {
        Event e;
        e.id = id;
        e.organizer = organizer;
        e.original_uid = "uid-" + id;
        e.fields.summary = "Match";
        e.fields.start = CalTime{1900000000, "20300317T190000", false, false};
        e.fields.end = CalTime{1900007200, "20300317T210000", false, false};
        e.last_end = 1900007200;
        store_->write([&](store::Tx& tx) { tx.insert_event(e); });
    }
    std::string check(store::Page& p) {
        std::string code;
        store_->read([&](store::Tx& tx) {
            const auto e = check_page_in_store(tx, p);
            code = e ? e->code : "";
        });
        return code;
    }
};

TEST_F(PageSettingsStore, LandingPageNeedsAnEventOfItsOrganizer) {
    add_event("ev-own", "org@example.org");
    add_event("ev-other", "rival@example.org");
    store::Page p;
    p.organizer = "org@example.org";
    p.kind = "landing";
    EXPECT_EQ(check(p), "invalid_event_id");
    p.event_id = "ev-missing";
    EXPECT_EQ(check(p), "event_not_found");
    p.event_id = "ev-other";
    EXPECT_EQ(check(p), "event_not_found");
    p.event_id = "ev-own";
    EXPECT_EQ(check(p), "");
    p.kind = "schedule";
    EXPECT_EQ(check(p), "");
    EXPECT_EQ(p.event_id, "");  // only landing pages carry an event
    p.kind = "";
    EXPECT_EQ(check(p), "invalid_kind");
}

TEST_F(PageSettingsStore, RedirectMustBeOnTheAllowList) {
    store::Page p;
    p.organizer = "org@example.org";
    p.kind = "upcoming";
    p.redirect_url = "https://club.example/fans/thanks";
    EXPECT_EQ(check(p), "redirect_url_not_allowed");
    store_->write([&](store::Tx& tx) {
        store::Organizer o;
        o.email = "org@example.org";
        tx.put_organizer(o);
        tx.set_landing_urls("org@example.org", {"https://club.example/fans"}, 1);
    });
    EXPECT_EQ(check(p), "");
    p.redirect_url = "https://club.example/fansite";
    EXPECT_EQ(check(p), "redirect_url_not_allowed");
}
