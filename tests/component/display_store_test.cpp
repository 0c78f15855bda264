// The display side of the SQLite store against a real file: the invitee counters of
// migration 3 (every trigger path, and the backfill of a database that had invitees
// before), always compared with a recount of the rows; event and attendee paging with
// filters (every row once, none missing).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <set>

#include "store/migrations.hpp"
#include "store/store.hpp"
#include "support/store_fixture.hpp"

namespace cis {
namespace {

using store::Tx;
using Counts = std::map<std::string, std::int64_t>;  // "dimension=value" → n

class DisplayStoreTest : public test::StoreTest {
  protected:
    void event(const std::string& id, const std::string& organizer, std::int64_t start = 1900000000,
               const std::string& summary = "Cup final",
               EventStatus status = EventStatus::Confirmed) {
        store_->write([&](Tx& tx) {
            Event e;
            e.id = id;
            e.organizer = organizer;
            e.original_uid = "uid-" + id;
            e.fields.summary = summary;
            e.fields.status = status;
            e.fields.start = CalTime{start, "20300317T190000Z", false, false};
            e.fields.end = CalTime{start + 3600, "20300317T200000Z", false, false};
            e.created_at = e.updated_at = 1700000000;
            tx.insert_event(e);
        });
    }
    std::int64_t invite(const std::string& event_id, const std::string& email,
                        const std::string& origin = "api") {
        std::int64_t id = 0;
        store_->write([&](Tx& tx) {
            store::Invitee i;
            i.event_id = event_id;
            i.email = email;
            i.origin = origin;
            i.uid = email + "/" + event_id;
            i.invited_at = 1700000000;
            id = tx.insert_invitee(i);
        });
        return id;
    }
    void answer(std::int64_t id, const std::string& status, const std::string& client) {
        store_->write([&](Tx& tx) {
            auto i = *tx.find_invitee_by_id(id);
            i.status = status;
            i.client = client;
            i.responded_at = 1700000100;
            tx.set_invitee_answer(i);
        });
    }
    // Statements no Tx method makes (yet): the triggers must cover them all the same.
    void sql(const std::string& text) {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
        char* error = nullptr;
        EXPECT_EQ(sqlite3_exec(db, text.c_str(), nullptr, nullptr, &error), SQLITE_OK)
            << (error ? error : "");
        sqlite3_free(error);
        sqlite3_close(db);
    }
    Counts counters(const store::CountScope& scope) {
        Counts out;
        store_->read([&](Tx& tx) {
            for (const auto& c : tx.invitee_counts(scope)) out[c.dimension + "=" + c.value] = c.n;
        });
        return out;
    }
    // The same numbers counted from the invitee rows themselves.
    Counts recount(const std::string& where) {
        Counts out;
        sqlite3* db = nullptr;
        EXPECT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
        for (const char* dim : {"status", "delivery", "origin", "client"}) {
            const std::string q = std::string("SELECT i.") + dim + ", count(*) FROM invitees i " +
                                  where + " GROUP BY 1";
            sqlite3_stmt* s = nullptr;
            EXPECT_EQ(sqlite3_prepare_v2(db, q.c_str(), -1, &s, nullptr), SQLITE_OK) << q;
            while (sqlite3_step(s) == SQLITE_ROW)
                out[std::string(dim) + "=" +
                    reinterpret_cast<const char*>(sqlite3_column_text(s, 0))] =
                    sqlite3_column_int64(s, 1);
            sqlite3_finalize(s);
        }
        sqlite3_close(db);
        return out;
    }
    void expect_consistent() {
        EXPECT_EQ(counters({"ev-a", ""}), recount("WHERE event_id = 'ev-a'"));
        EXPECT_EQ(counters({"ev-b", ""}), recount("WHERE event_id = 'ev-b'"));
        EXPECT_EQ(counters({"", "alice@club.example"}),
                  recount("JOIN events e ON e.id = i.event_id WHERE e.organizer = "
                          "'alice@club.example'"));
        EXPECT_EQ(counters({}), recount(""));
    }
};

TEST_F(DisplayStoreTest, CountersFollowEveryTriggerPath) {
    event("ev-a", "alice@club.example");
    event("ev-b", "alice@club.example");
    event("ev-c", "bob@other.example");
    const auto a1 = invite("ev-a", "one@example.org");
    const auto a2 = invite("ev-a", "two@example.org", "cta");
    invite("ev-b", "three@example.org");
    invite("ev-c", "four@example.org", "bulk");
    expect_consistent();
    EXPECT_EQ(counters({"ev-a", ""}), (Counts{{"client=", 2},
                                              {"delivery=queued", 2},
                                              {"origin=api", 1},
                                              {"origin=cta", 1},
                                              {"status=none", 2}}));

    answer(a1, "yes", "google");  // status and client (update of status, client)
    answer(a1, "yes", "google");  // no change: nothing moves
    answer(a2, "maybe", "apple");
    expect_consistent();
    EXPECT_EQ(counters({"ev-a", ""})["status=yes"], 1);
    EXPECT_EQ(counters({"ev-a", ""}).count("status=none"), 0u) << "zeros are left out";

    store_->write([&](Tx& tx) {  // delivery (update of delivery)
        tx.set_invitee_delivery(a1, "sent", "", 1700000050);
        tx.set_invitee_delivery(a2, "bounced", "550 no such user", std::nullopt);
    });
    expect_consistent();
    sql("UPDATE invitees SET origin = 'csv' WHERE id = " + std::to_string(a2));  // origin
    expect_consistent();
    sql("UPDATE invitees SET event_id = 'ev-b' WHERE id = " + std::to_string(a1));  // moved
    expect_consistent();
    sql("DELETE FROM invitees WHERE id = " + std::to_string(a2));  // delete
    expect_consistent();
    EXPECT_EQ(
        counters({"", "bob@other.example"}),
        (Counts{{"client=", 1}, {"delivery=queued", 1}, {"origin=bulk", 1}, {"status=none", 1}}));
}

TEST_F(DisplayStoreTest, MigrationThreeCountsInviteesThatExistedBefore) {
    store_.reset();
    std::filesystem::remove(db_path());
    std::string v12 =
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT "
        "NULL, applied_at INTEGER NOT NULL);";
    for (const auto& m : store::sqlite_migrations())
        if (m.version < 3)
            v12 += m.sql + "INSERT INTO schema_migrations VALUES (" + std::to_string(m.version) +
                   ", 'x', 0);";
    v12 +=
        "INSERT INTO events (id, organizer, original_uid, start_utc, start_local, end_utc, "
        "end_local, status, created_at, updated_at) VALUES ('ev-a', 'alice@club.example', "
        "'u', 0, '', 0, '', 'confirmed', 0, 0);"
        "INSERT INTO invitees (event_id, email, origin, uid, status, client, delivery, "
        "invited_at) VALUES ('ev-a', 'x@e.org', 'api', 'u1', 'yes', 'google', 'sent', 0), "
        "('ev-a', 'y@e.org', 'api', 'u2', 'no', 'microsoft', 'sent', 0), "
        "('ev-a', 'z@e.org', 'cta', 'u3', 'none', '', 'queued', 0);";
    sql(v12);
    store_ = store::open_sqlite({db_path()});
    EXPECT_GE(store_->migrate(), 3);
    EXPECT_EQ(counters({"ev-a", ""}), recount("WHERE event_id = 'ev-a'"));
    EXPECT_EQ(counters({"ev-a", ""})["client=microsoft"], 1);
}

TEST_F(DisplayStoreTest, EventPagesAreNewestFirstWithEveryRowOnce) {
    for (int k = 0; k < 250; ++k)
        event("ev" + std::to_string(k), k % 5 ? "alice@club.example" : "bob@other.example",
              1900000000 + k * 86400, k % 3 ? "League match" : "Cup 100% final",
              k % 7 ? EventStatus::Confirmed : EventStatus::Cancelled);
    auto walk = [&](store::EventPageFilter f) {
        std::vector<std::string> ids;
        f.limit = 17;
        for (;;) {
            std::vector<store::ListedEvent> page;
            store_->read([&](Tx& tx) { page = tx.list_events_page(f); });
            for (const auto& r : page) ids.push_back(r.event.id);
            if (page.size() < f.limit) return ids;
            f.before = page.back().position;
        }
    };
    auto all = walk({});
    ASSERT_EQ(all.size(), 250u);
    EXPECT_EQ(all.front(), "ev249");  // newest first
    EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 250u);

    store::EventPageFilter f;
    f.organizer = "alice@club.example";
    f.status = "confirmed";
    f.text = "100%";  // a literal %, not a wildcard
    f.from = 1900000000 + 10 * 86400;
    f.to = 1900000000 + 200 * 86400;
    std::vector<std::string> expected;
    for (int k = 199; k >= 10; --k)
        if (k % 5 && k % 7 && k % 3 == 0) expected.push_back("ev" + std::to_string(k));
    EXPECT_EQ(walk(f), expected);
}

TEST_F(DisplayStoreTest, AttendeePagesGoByAddressAndFilter) {
    event("ev-a", "alice@club.example");
    event("ev-b", "alice@club.example");
    std::vector<std::int64_t> ids;
    for (int k = 0; k < 60; ++k)
        ids.push_back(invite("ev-a", "g" + std::to_string(100 + k) + "@e.org"));
    const auto other = invite("ev-b", "zz@e.org");
    for (int k = 0; k < 60; k += 3) answer(ids[k], "yes", "google");
    auto walk = [&](store::AttendeeFilter f) {
        std::vector<std::string> emails;
        f.limit = 7;
        for (;;) {
            std::vector<store::Invitee> page;
            store_->read([&](Tx& tx) { page = tx.list_attendees(f); });
            for (const auto& i : page) emails.push_back(i.email);
            if (page.size() < f.limit) return emails;
            f.after = page.back().id;
        }
    };
    const auto all = walk({"ev-a", "", "", 0, 0});
    ASSERT_EQ(all.size(), 60u);
    EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
    EXPECT_EQ(walk({"ev-a", "yes", "", 0, 0}).size(), 20u);
    EXPECT_EQ(walk({"ev-a", "none", "queued", 0, 0}).size(), 40u);
    EXPECT_TRUE(walk({"ev-a", "", "", other, 0}).empty()) << "a cursor of another event";
}

}  // namespace
}  // namespace cis

namespace cis {
namespace {

TEST_F(DisplayStoreTest, EventVersionsAreThoseOfTheEventOldestFirst) {
    event("ev-a", "alice@club.example");
    event("ev-b", "alice@club.example");
    store_->write([&](Tx& tx) {
        for (const auto& [id, seq, outcome] :
             {std::tuple{"ev-a", 1, "updated"}, {"ev-b", 0, "created"}, {"ev-a", 0, "created"}}) {
            store::EventChange c;
            c.event_id = id;
            c.sequence = seq;
            c.outcome = outcome;
            c.kind = seq ? "update" : "";
            c.queued = seq ? 12 : 0;
            tx.insert_change(c);
        }
    });
    std::vector<store::EventChange> versions;
    store_->read([&](Tx& tx) { versions = tx.event_versions("ev-a"); });
    ASSERT_EQ(versions.size(), 2u);
    EXPECT_EQ(versions[0].outcome, "created");
    EXPECT_EQ(versions[1].sequence, 1);
    EXPECT_EQ(versions[1].kind, "update");
    EXPECT_EQ(versions[1].queued, 12);
}

}  // namespace
}  // namespace cis
