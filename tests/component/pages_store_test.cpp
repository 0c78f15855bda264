// The store side of public pages (issue 6) on a real SQLite file: page configurations,
// an organizer's upcoming events in start order (over, cancelled and text filters), CTA
// links, landing URL allow-lists and feed tokens, and what removing an organizer takes away.
#include <gtest/gtest.h>

#include "support/store_fixture.hpp"

namespace cis {
namespace {

using store::Tx;

class PagesStore : public test::StoreTest {
  protected:
    void event(const std::string& id, std::int64_t start, const std::string& summary,
               EventStatus status = EventStatus::Confirmed,
               const std::string& organizer = "fan@club.example") {
        store_->write([&](Tx& tx) {
            Event e;
            e.id = id;
            e.organizer = organizer;
            e.original_uid = "uid-" + id;
            e.fields.summary = summary;
            e.fields.status = status;
            e.fields.start = CalTime{start, "", false, false};
            e.fields.end = CalTime{start + 3600, "", false, false};
            e.last_end = start + 3600;
            e.created_at = e.updated_at = 1700000000;
            tx.insert_event(e);
        });
    }
    std::vector<std::string> upcoming(store::UpcomingFilter f) {
        std::vector<std::string> ids;
        store_->read([&](Tx& tx) {
            for (const auto& e : tx.upcoming_events(f)) ids.push_back(e.id);
        });
        return ids;
    }
};

TEST_F(PagesStore, UpcomingEventsComeInStartOrderWithoutThoseOverOrCancelled) {
    event("late", 2000000000, "Final");
    event("early", 1900000000, "Opening game");
    event("over", 1000000000, "Last season");
    event("off", 1950000000, "Cancelled friendly", EventStatus::Cancelled);
    event("other", 1900000500, "Someone else's", EventStatus::Confirmed, "x@other.example");
    store::UpcomingFilter f;
    f.organizer = "fan@club.example";
    f.now = 1800000000;
    EXPECT_EQ(upcoming(f), (std::vector<std::string>{"early", "late"}));
    f.with_cancelled = true;
    EXPECT_EQ(upcoming(f), (std::vector<std::string>{"early", "off", "late"}));
    f.text = "GAME";  // any case, anywhere in the text
    EXPECT_EQ(upcoming(f), (std::vector<std::string>{"early"}));
    f.text = "100%";  // LIKE's wildcards are taken literally
    EXPECT_TRUE(upcoming(f).empty());
    f.text.clear();
    f.limit = 1;
    EXPECT_EQ(upcoming(f), (std::vector<std::string>{"early"}));
}

TEST_F(PagesStore, PagesAreStoredChangedListedAndDeleted) {
    store::Page p;
    p.id = "abc123";
    p.organizer = "fan@club.example";
    p.kind = "schedule";
    p.title = "Season <2027>";
    p.accent = "#c00";
    p.created_at = p.updated_at = 1700000000;
    store::Page q = p;
    q.id = "zzz999";
    q.organizer = "x@other.example";
    store_->write([&](Tx& tx) {
        tx.insert_page(p);
        tx.insert_page(q);
    });
    p.title = "Season 2027";
    p.updated_at = 1700000100;
    store_->write([&](Tx& tx) { tx.update_page(p); });
    store_->read([&](Tx& tx) {
        auto found = tx.find_page("abc123");
        ASSERT_TRUE(found);
        EXPECT_EQ(found->title, "Season 2027");
        EXPECT_EQ(found->accent, "#c00");
        EXPECT_EQ(found->created_at, 1700000000);
        EXPECT_EQ(found->updated_at, 1700000100);
        EXPECT_EQ(tx.list_pages({}).size(), 2u);
        EXPECT_EQ(tx.list_pages({"fan@club.example", "", "", 50}).size(), 1u);
        EXPECT_EQ(tx.list_pages({"", "other.example", "", 50}).front().id, "zzz999");
        EXPECT_EQ(tx.list_pages({"", "", "abc123", 50}).front().id, "zzz999");
    });
    bool deleted = false, again = true;
    store_->write([&](Tx& tx) {
        deleted = tx.delete_page("abc123");
        again = tx.delete_page("abc123");
    });
    EXPECT_TRUE(deleted);
    EXPECT_FALSE(again);
}

TEST_F(PagesStore, ConfirmationsRoundTripExpireAndGoWithTheirPage) {
    store::Page p;
    p.id = "pg1";
    p.organizer = "fan@club.example";
    p.kind = "schedule";
    p.confirm = true;
    const std::int64_t now = 1800000000, week = 7 * 24 * 3600;
    store_->write([&](Tx& tx) {
        tx.insert_page(p);
        tx.insert_page_confirmation({"old", "pg1", "a@example.org", {"e1"}, 1, now - week - 2, {}});
        tx.insert_page_confirmation({"recent", "pg1", "b@example.org", {"e1"}, 1, now - 5, {}});
        // Inserting drops what expired over a week before it.
        tx.insert_page_confirmation(
            {"tok", "pg1", "c@example.org", {"e1", "e2", "e3"}, now, now + 86400, {}});
    });
    store_->read([&](Tx& tx) {
        EXPECT_TRUE(tx.find_page("pg1")->confirm);
        EXPECT_FALSE(tx.find_page_confirmation("old"));
        EXPECT_TRUE(tx.find_page_confirmation("recent"));
        const auto c = tx.find_page_confirmation("tok");
        ASSERT_TRUE(c);
        EXPECT_EQ(c->email, "c@example.org");
        EXPECT_EQ(c->event_ids, (std::vector<std::string>{"e1", "e2", "e3"}));
        EXPECT_EQ(c->expires_at, now + 86400);
        EXPECT_FALSE(c->confirmed_at);
    });
    store_->write([&](Tx& tx) {
        tx.mark_page_confirmed("tok", now + 10);
        tx.mark_page_confirmed("tok", now + 20);  // the first one stays
    });
    store_->read([&](Tx& tx) {
        EXPECT_EQ(tx.find_page_confirmation("tok")->confirmed_at.value_or(0), now + 10);
    });
    store_->write([&](Tx& tx) { tx.delete_page("pg1"); });
    store_->read([&](Tx& tx) {
        EXPECT_FALSE(tx.find_page_confirmation("tok"));
        EXPECT_FALSE(tx.find_page_confirmation("recent"));
    });
}

TEST_F(PagesStore, RemovingAnOrganizerRemovesWhatIsPublicInItsName) {
    store_->write([&](Tx& tx) {
        store::Organizer o;
        o.email = "fan@club.example";
        tx.put_organizer(o);
        store::Page p;
        p.id = "pg1";
        p.organizer = o.email;
        p.kind = "upcoming";
        tx.insert_page(p);
        tx.insert_cta_link({"cta1", "ev1", o.email, "mailchimp", "https://club.example/", 1});
        tx.set_landing_urls(o.email, {"https://club.example/", "https://club.example/"}, 1);
        tx.set_organizer_feed_token(o.email, "tok", 1);
        tx.insert_page_confirmation({"conf", "pg1", "a@example.org", {"ev1"}, 1, 2, {}});
    });
    store_->read([&](Tx& tx) {
        EXPECT_EQ(tx.landing_urls("fan@club.example").size(), 1u);  // duplicates kept once
        EXPECT_EQ(tx.organizer_of_feed_token("tok").value_or(""), "fan@club.example");
        EXPECT_EQ(tx.list_cta_links("ev1").size(), 1u);
    });
    store_->write([&](Tx& tx) { EXPECT_TRUE(tx.remove_organizer("fan@club.example")); });
    store_->read([&](Tx& tx) {
        EXPECT_FALSE(tx.find_page("pg1"));
        EXPECT_FALSE(tx.find_cta_link("cta1"));
        EXPECT_TRUE(tx.landing_urls("fan@club.example").empty());
        EXPECT_FALSE(tx.organizer_of_feed_token("tok"));
        EXPECT_EQ(tx.organizer_feed_token("fan@club.example"), "");
        EXPECT_FALSE(tx.find_page_confirmation("conf"));
    });
}

}  // namespace
}  // namespace cis
