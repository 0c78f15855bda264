// The store side of the management API on a real SQLite file: organizer pages by domain
// and cursor, key pages by scope, and removing an organizer (services::remove_organizer):
// refused while it has events unless asked, its keys revoked, its events kept.
#include <gtest/gtest.h>

#include <set>

#include "services/api_keys.hpp"
#include "services/organizers.hpp"
#include "support/store_fixture.hpp"

namespace cis {
namespace {

class ManagementStore : public test::StoreTest {
  protected:
    void organizer(store::Tx& tx, const std::string& email) {
        store::Organizer o;
        o.email = email;
        o.created_at = 1700000000;
        tx.put_organizer(o);
    }
    std::string key(store::Tx& tx, const std::string& role, const std::string& organizer,
                    const std::string& domain) {
        auto k = services::make_api_key(role, organizer, domain, "", 1700000000);
        tx.insert_api_key(k.record);
        return k.record.id;
    }
};

TEST_F(ManagementStore, OrganizerPagesFollowTheCursorWithinTheDomain) {
    store_->write([&](store::Tx& tx) {
        for (const char* e : {"b@club.example", "a@club.example", "z@other.example",
                              "c@sub.club.example", "d@club.example"})
            organizer(tx, e);
    });
    std::vector<std::string> seen;
    store::OrganizerPageFilter f{"club.example", "", 2};
    store_->read([&](store::Tx& tx) {
        for (auto page = tx.list_organizers_page(f); !page.empty();
             page = tx.list_organizers_page(f)) {
            for (const auto& o : page) seen.push_back(o.email);
            f.after = page.back().email;
        }
    });
    // A subdomain is another domain: its organizers belong to its own domain key.
    EXPECT_EQ(seen,
              (std::vector<std::string>{"a@club.example", "b@club.example", "d@club.example"}));
}

TEST_F(ManagementStore, KeyPagesByOrganizerAndDomain) {
    std::string mine, theirs, elsewhere, domain_key;
    store_->write([&](store::Tx& tx) {
        mine = key(tx, "organizer", "a@club.example", "");
        theirs = key(tx, "organizer", "b@club.example", "");
        elsewhere = key(tx, "organizer", "z@other.example", "");
        domain_key = key(tx, "domain", "", "club.example");
        services::revoke_api_keys(tx, {theirs}, 1700000100);
    });
    const auto ids = [&](store::KeyFilter f) {
        std::set<std::string> out;
        store_->read([&](store::Tx& tx) {
            for (const auto& k : tx.list_api_keys_page(f)) out.insert(k.id);
        });
        return out;
    };
    store::KeyFilter f;
    f.organizer_domain = "club.example";
    EXPECT_EQ(ids(f), (std::set<std::string>{mine, theirs}));  // organizer keys only
    f.include_revoked = false;
    EXPECT_EQ(ids(f), std::set<std::string>{mine});
    store::KeyFilter g;
    g.organizer = "z@other.example";
    EXPECT_EQ(ids(g), std::set<std::string>{elsewhere});
    EXPECT_EQ(ids(store::KeyFilter{}).size(), 4u);
}

TEST_F(ManagementStore, RemovingAnOrganizerKeepsItsEventsAndRevokesItsKeys) {
    std::string k1, k2, other;
    store_->write([&](store::Tx& tx) {
        organizer(tx, "a@club.example");
        organizer(tx, "b@club.example");
        k1 = key(tx, "organizer", "a@club.example", "");
        k2 = key(tx, "organizer", "a@club.example", "");
        other = key(tx, "organizer", "b@club.example", "");
        Event e;
        e.id = "ev1";
        e.organizer = "a@club.example";
        e.original_uid = "u1";
        e.fields.start = CalTime{1900000000, "20300317T190000Z", false, false};
        e.fields.end = CalTime{1900003600, "20300317T200000Z", false, false};
        e.created_at = e.updated_at = 1700000000;
        tx.insert_event(e);
    });
    services::OrganizerRemoval r;
    store_->write([&](store::Tx& tx) {
        r = services::remove_organizer(tx, "a@club.example", false, 1700000200);
    });
    EXPECT_TRUE(r.found);
    EXPECT_EQ(r.events, 1);
    EXPECT_TRUE(r.revoked_keys.empty());
    store_->read([&](store::Tx& tx) { EXPECT_TRUE(tx.find_organizer("a@club.example")); });

    store_->write([&](store::Tx& tx) {
        r = services::remove_organizer(tx, "a@club.example", true, 1700000200);
    });
    EXPECT_EQ(std::set<std::string>(r.revoked_keys.begin(), r.revoked_keys.end()),
              (std::set<std::string>{k1, k2}));
    store_->read([&](store::Tx& tx) {
        EXPECT_FALSE(tx.find_organizer("a@club.example"));
        EXPECT_TRUE(tx.find_event_by_id("ev1"));
        EXPECT_EQ(tx.find_api_key(k1)->revoked_at, 1700000200);
        EXPECT_FALSE(tx.find_api_key(other)->revoked_at);
    });
    store_->write([&](store::Tx& tx) {
        EXPECT_FALSE(services::remove_organizer(tx, "a@club.example", true, 1700000300).found);
    });
}

}  // namespace
}  // namespace cis
