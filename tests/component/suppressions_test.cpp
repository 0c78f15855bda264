// Suppressions against a real SQLite file: the store's listing (filters, scope, paging)
// and removal; one-click unsubscribe (services/unsubscribe) suppressing for one organizer;
// and the renderer leaving out a message whose address was suppressed after it was queued.
#include <gtest/gtest.h>

#include "services/invitation_renderer.hpp"
#include "services/unsubscribe.hpp"
#include "store/store.hpp"
#include "support/store_fixture.hpp"

namespace cis {
namespace {

using store::Suppression;
using store::SuppressionFilter;
using store::Tx;

constexpr const char* kKey = "token-key";

class SuppressionsTest : public test::StoreTest {
  protected:
    void put(const std::string& email, const std::string& organizer,
             const std::string& reason = "blocked", std::int64_t at = 100) {
        store_->write([&](Tx& tx) { tx.put_suppression(email, organizer, reason, "", at); });
    }
    std::vector<std::string> listed(const SuppressionFilter& f) {
        std::vector<std::string> out;
        store_->read([&](Tx& tx) {
            for (const auto& s : tx.list_suppressions(f))
                out.push_back(s.email + "|" + s.organizer);
        });
        return out;
    }
    std::optional<std::string> reason(const std::string& email, const std::string& organizer) {
        std::optional<std::string> r;
        store_->read([&](Tx& tx) { r = tx.suppression_reason(email, organizer); });
        return r;
    }

    // An event of `organizer` with one invitee; returns the invitee's id.
    std::int64_t invited(const std::string& event_id, const std::string& organizer,
                         const std::string& email, const std::string& summary = "Cup final") {
        std::int64_t id = 0;
        store_->write([&](Tx& tx) {
            Event e;
            e.id = event_id;
            e.organizer = organizer;
            e.original_uid = "uid-" + event_id;
            e.fields.summary = summary;
            e.fields.start = CalTime{1900000000, "20300317T190000", false, false};
            e.fields.end = CalTime{1900007200, "20300317T210000", false, false};
            e.fields.timezone = "Europe/Berlin";
            e.last_end = 1900007200;
            e.created_at = e.updated_at = 1700000000;
            tx.insert_event(e);
            store::Invitee i;
            i.event_id = event_id;
            i.email = email;
            i.uid = "x" + event_id + "@cis.test";
            i.invited_at = 1700000000;
            id = tx.insert_invitee(i);
        });
        return id;
    }
    std::optional<services::Unsubscription> unsubscribe(const std::string& token,
                                                        std::int64_t now = 500) {
        std::optional<services::Unsubscription> u;
        store_->write([&](Tx& tx) { u = services::unsubscribe(tx, kKey, token, now); });
        return u;
    }
    std::optional<services::Unsubscription> look(const std::string& token) {
        std::optional<services::Unsubscription> u;
        store_->read([&](Tx& tx) { u = services::find_unsubscription(tx, kKey, token); });
        return u;
    }
};

TEST_F(SuppressionsTest, ListsNewestFirstWithScopeFilters) {
    put("a@x.test", "", "bounced");
    put("b@x.test", "org@one.test");
    put("c@x.test", "org@two.test", "unsubscribed");
    put("a@x.test", "org@one.test");
    put("d@x.test", "boss@one.test");
    EXPECT_EQ(listed({}), (std::vector<std::string>{
                              "d@x.test|boss@one.test", "a@x.test|org@one.test",
                              "c@x.test|org@two.test", "b@x.test|org@one.test", "a@x.test|"}));
    SuppressionFilter one;
    one.global = false;
    one.organizer = "org@one.test";
    EXPECT_EQ(listed(one),
              (std::vector<std::string>{"a@x.test|org@one.test", "b@x.test|org@one.test"}));
    SuppressionFilter domain;
    domain.global = false;
    domain.domain = "one.test";
    EXPECT_EQ(listed(domain),
              (std::vector<std::string>{"d@x.test|boss@one.test", "a@x.test|org@one.test",
                                        "b@x.test|org@one.test"}));
    SuppressionFilter suffix;  // "one.test" is not "@ne.test"
    suffix.global = false;
    suffix.domain = "ne.test";
    EXPECT_TRUE(listed(suffix).empty());
    SuppressionFilter global_only;
    global_only.scoped = false;
    EXPECT_EQ(listed(global_only), (std::vector<std::string>{"a@x.test|"}));
    SuppressionFilter by_email;
    by_email.email = "a@x.test";
    EXPECT_EQ(listed(by_email), (std::vector<std::string>{"a@x.test|org@one.test", "a@x.test|"}));
    by_email.organizer = "org@two.test";  // scoped ones of another organizer, and global
    EXPECT_EQ(listed(by_email), (std::vector<std::string>{"a@x.test|"}));
    SuppressionFilter by_reason;
    by_reason.reason = "unsubscribed";
    EXPECT_EQ(listed(by_reason), (std::vector<std::string>{"c@x.test|org@two.test"}));
}

TEST_F(SuppressionsTest, PagesWithTheCursorOfTheLastEntry) {
    for (int i = 0; i < 7; ++i) put("p" + std::to_string(i) + "@x.test", "org@one.test");
    std::vector<std::string> all;
    SuppressionFilter f;
    f.limit = 3;
    for (int pages = 0; pages < 10; ++pages) {
        std::vector<Suppression> page;
        store_->read([&](Tx& tx) { page = tx.list_suppressions(f); });
        for (const auto& s : page) all.push_back(s.email);
        if (page.size() < f.limit) break;
        f.before = page.back().position;
    }
    EXPECT_EQ(all, (std::vector<std::string>{"p6@x.test", "p5@x.test", "p4@x.test", "p3@x.test",
                                             "p2@x.test", "p1@x.test", "p0@x.test"}));
}

TEST_F(SuppressionsTest, FindAndRemoveExactlyOneEntry) {
    put("a@x.test", "", "bounced");
    put("a@x.test", "org@one.test");
    store_->write([&](Tx& tx) {
        auto s = tx.find_suppression("a@x.test", "org@one.test");
        ASSERT_TRUE(s);
        EXPECT_EQ(s->reason, "blocked");
        EXPECT_EQ(s->created_at, 100);
        EXPECT_FALSE(tx.find_suppression("a@x.test", "org@two.test"));
        EXPECT_TRUE(tx.remove_suppression("a@x.test", "org@one.test"));
        EXPECT_FALSE(tx.remove_suppression("a@x.test", "org@one.test"));
        EXPECT_TRUE(tx.find_suppression("a@x.test", ""));
    });
    EXPECT_EQ(reason("a@x.test", "org@one.test"), "bounced");
}

TEST_F(SuppressionsTest, UnsubscribeSuppressesForThatOrganizerOnly) {
    const auto id = invited("ev1", "org@one.test", "zack@example.org", "Derby <b>day</b>");
    const std::string token = services::unsubscribe_token(kKey, id);
    store_->write([&](Tx& tx) {
        tx.put_organizer(store::Organizer{"org@one.test", "One FC", "none", "", 0, 1});
    });

    auto before = look(token);
    ASSERT_TRUE(before);
    EXPECT_FALSE(before->unsubscribed);
    EXPECT_EQ(before->masked_email, "z***@example.org");
    EXPECT_EQ(before->organizer_name, "One FC");
    EXPECT_EQ(before->event_summary, "Derby <b>day</b>");
    EXPECT_FALSE(reason("zack@example.org", "org@one.test")) << "looking changes nothing";

    auto u = unsubscribe(token);
    ASSERT_TRUE(u);
    EXPECT_TRUE(u->unsubscribed && u->changed);
    EXPECT_EQ(reason("zack@example.org", "org@one.test"),
              "unsubscribed (one-click unsubscribe from the invitation to \"Derby <b>day</b>\" "
              "(event ev1))");
    EXPECT_FALSE(reason("zack@example.org", "org@two.test")) << "other organizers unaffected";
    EXPECT_TRUE(look(token)->unsubscribed);

    auto again = unsubscribe(token, 900);
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->unsubscribed);
    EXPECT_FALSE(again->changed) << "idempotent";
    store_->read([&](Tx& tx) {
        EXPECT_EQ(tx.find_suppression("zack@example.org", "org@one.test")->created_at, 500);
    });
}

TEST_F(SuppressionsTest, ForgedOrStaleTokensChangeNothing) {
    const auto id = invited("ev1", "org@one.test", "zack@example.org");
    std::string forged = services::unsubscribe_token(kKey, id);
    forged.back() = forged.back() == 'a' ? 'b' : 'a';
    EXPECT_FALSE(unsubscribe(forged));
    EXPECT_FALSE(look(forged));
    EXPECT_FALSE(unsubscribe(services::unsubscribe_token("other-key", id)));
    EXPECT_FALSE(unsubscribe(services::unsubscribe_token(kKey, id + 1))) << "no such invitee";
    EXPECT_TRUE(listed({}).empty());
}

TEST_F(SuppressionsTest, UnsubscribeReplacesABlockButKeepsAComplaint) {
    const auto blocked = invited("ev1", "org@one.test", "b@example.org");
    const auto complained = invited("ev2", "org@one.test", "c@example.org");
    put("b@example.org", "org@one.test", "blocked");
    put("c@example.org", "org@one.test", "complained");
    EXPECT_FALSE(look(services::unsubscribe_token(kKey, blocked))->unsubscribed);
    EXPECT_TRUE(look(services::unsubscribe_token(kKey, complained))->unsubscribed);
    EXPECT_TRUE(unsubscribe(services::unsubscribe_token(kKey, blocked))->changed);
    EXPECT_FALSE(unsubscribe(services::unsubscribe_token(kKey, complained))->changed);
    store_->read([&](Tx& tx) {
        const auto b = tx.find_suppression("b@example.org", "org@one.test");
        EXPECT_EQ(b->reason, "unsubscribed");
        EXPECT_EQ(b->created_at, 500) << "the recipient's entry, dated now";
        EXPECT_EQ(tx.find_suppression("c@example.org", "org@one.test")->reason, "complained");
    });
}

TEST_F(SuppressionsTest, RendererDropsAQueuedMessageToAnAddressSuppressedSince) {
    const auto id = invited("ev1", "org@one.test", "zack@example.org");
    const auto render =
        services::invitation_renderer({"cis.test", "rsvp", "https://cis.test", kKey});
    store::OutboxMessage job;
    job.id = 1;
    job.kind = "invite";
    job.event_id = "ev1";
    job.invitee_id = id;
    job.sequence = 0;
    std::optional<services::Rendered> r;
    std::string why;
    store_->read([&](Tx& tx) { r = render(tx, job, why); });
    ASSERT_TRUE(r) << why;
    EXPECT_NE(r->message.find("List-Unsubscribe: <https://cis.test/unsubscribe/" +
                              services::unsubscribe_token(kKey, id) + ">"),
              std::string::npos);

    ASSERT_TRUE(unsubscribe(services::unsubscribe_token(kKey, id)));
    store_->read([&](Tx& tx) { r = render(tx, job, why); });
    EXPECT_FALSE(r);
    EXPECT_NE(why.find("zack@example.org does not receive invitations: unsubscribed"),
              std::string::npos)
        << why;
}

}  // namespace
}  // namespace cis
