// The SQLite store against a real database file: migrations, round trips, savepoints,
// and two processes' worth of writers on one file.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "store/migrations.hpp"
#include "store/store.hpp"
#include "support/store_fixture.hpp"

namespace cis::store {
namespace {

class SqliteStoreTest : public test::StoreTest {
  protected:
    static Event sample(const std::string& id, const std::string& uid) {
        Event e;
        e.id = id;
        e.organizer = "org@example.com";
        e.original_uid = uid;
        e.fields.summary = "Ünïcødé match 🎉";
        e.fields.start = CalTime{1900000000, "20300317T190000", false, false};
        e.fields.end = CalTime{1900007200, "20300317T210000", false, false};
        e.fields.timezone = "Europe/Berlin";
        e.recurrence.rrule = "FREQ=WEEKLY;COUNT=10";
        e.recurrence.exdates = {"20300324T180000Z"};
        e.occurrences.push_back(Occurrence{"20300331T170000Z", e.fields, Version{2, 5}});
        e.occurrences[0].fields.status = EventStatus::Cancelled;
        e.sequence = 3;
        e.organizer_version = Version{2, 1700000000};
        e.last_end = 1905000000;
        e.created_at = e.updated_at = 1700000000;
        return e;
    }
};

TEST_F(SqliteStoreTest, MigrationsAreVersionedAndIdempotent) {
    const int latest = sqlite_migrations().back().version;
    EXPECT_EQ(store_->schema_version(), latest);
    EXPECT_EQ(store_->migrate(), latest);
    auto again = open_sqlite({db_path()});
    EXPECT_EQ(again->migrate(), latest);
}

TEST_F(SqliteStoreTest, EventRoundTripsWithOccurrences) {
    const Event e = sample("ev1", "uid-1");
    store_->write([&](Tx& tx) { tx.insert_event(e); });
    std::optional<Event> back;
    store_->read([&](Tx& tx) { back = tx.find_event("org@example.com", "uid-1", ""); });
    ASSERT_TRUE(back);
    EXPECT_EQ(back->id, "ev1");
    EXPECT_EQ(back->fields, e.fields);
    EXPECT_EQ(back->recurrence, e.recurrence);
    EXPECT_EQ(back->occurrences, e.occurrences);
    EXPECT_EQ(back->sequence, 3);
    EXPECT_EQ(back->organizer_version, e.organizer_version);
    EXPECT_EQ(back->last_end, e.last_end);
}

TEST_F(SqliteStoreTest, KeyIsOrganizerUidAndRecurrenceId) {
    store_->write([&](Tx& tx) {
        tx.insert_event(sample("ev1", "uid-1"));
        Event other = sample("ev2", "uid-1");
        other.organizer = "other@example.com";
        tx.insert_event(other);
        Event lone = sample("ev3", "uid-1");
        lone.recurrence_id = "20300331T170000Z";
        tx.insert_event(lone);
        EXPECT_THROW(tx.insert_event(sample("ev4", "uid-1")), std::exception);
    });
    store_->read([&](Tx& tx) {
        EXPECT_EQ(tx.find_event("org@example.com", "uid-1", "")->id, "ev1");
        EXPECT_EQ(tx.find_event("other@example.com", "uid-1", "")->id, "ev2");
        EXPECT_EQ(tx.find_event("org@example.com", "uid-1", "20300331T170000Z")->id, "ev3");
        EXPECT_TRUE(tx.uid_owned_by_other("org@example.com", "uid-1"));
        EXPECT_FALSE(tx.uid_owned_by_other("org@example.com", "uid-9"));
    });
}

TEST_F(SqliteStoreTest, FailedSavepointKeepsTheRestOfTheTransaction) {
    store_->write([&](Tx& tx) {
        tx.insert_event(sample("ev1", "uid-1"));
        EXPECT_THROW(tx.savepoint([&] {
            tx.insert_event(sample("ev2", "uid-2"));
            throw std::runtime_error("boom");
        }),
                     std::runtime_error);
    });
    store_->read([&](Tx& tx) {
        EXPECT_TRUE(tx.find_event_by_id("ev1"));
        EXPECT_FALSE(tx.find_event_by_id("ev2"));
    });
}

TEST_F(SqliteStoreTest, FailedTransactionLeavesNothing) {
    EXPECT_THROW(store_->write([&](Tx& tx) {
        tx.insert_event(sample("ev1", "uid-1"));
        throw std::runtime_error("boom");
    }),
                 std::runtime_error);
    store_->read([&](Tx& tx) { EXPECT_FALSE(tx.find_event_by_id("ev1")); });
}

TEST_F(SqliteStoreTest, InboundKeepsRawBytesExactly) {
    std::string raw = "From: a@b.c\r\n\r\n";
    raw += std::string("\0\xff\xfe binary", 10);
    InboundRecord r;
    r.channel = "smtp";
    r.mailbox = "create";
    r.rcpt = "create@x";
    r.sha256 = "x";
    std::int64_t id = 0;
    store_->write([&](Tx& tx) { id = tx.insert_inbound(r, raw); });
    store_->read([&](Tx& tx) {
        EXPECT_EQ(*tx.inbound_raw(id), raw);
        EXPECT_EQ(tx.find_inbound(id)->size, static_cast<std::int64_t>(raw.size()));
    });
}

TEST_F(SqliteStoreTest, InboundListsNewestFirstAndPagesBeforeAnId) {
    std::vector<std::int64_t> ids;
    store_->write([&](Tx& tx) {
        for (int i = 0; i < 5; ++i) {
            InboundRecord r;
            r.channel = "http";
            r.mailbox = "create";
            r.rcpt = "create@x";
            r.sha256 = "x";
            ids.push_back(tx.insert_inbound(r, "From: a@b.c\r\n\r\n"));
            r.id = ids.back();
            r.status = i % 2 ? "created" : "rejected";
            tx.set_inbound_outcome(r);
        }
    });
    const auto page = [&](const std::string& status, std::size_t limit, std::int64_t before) {
        std::vector<std::int64_t> out;
        store_->read([&](Tx& tx) {
            for (const auto& r : tx.list_inbound(InboundFilter{status, limit, before}))
                out.push_back(r.id);
        });
        return out;
    };
    EXPECT_EQ(page("", 2, 0), (std::vector<std::int64_t>{ids[4], ids[3]}));
    EXPECT_EQ(page("", 2, ids[3]), (std::vector<std::int64_t>{ids[2], ids[1]}));
    EXPECT_EQ(page("", 2, ids[1]), (std::vector<std::int64_t>{ids[0]}));
    EXPECT_EQ(page("created", 10, ids[3]), (std::vector<std::int64_t>{ids[1]}));
}

TEST_F(SqliteStoreTest, TwoStoresOnOneFileSerialiseTheirWriters) {
    // As `cis ingest` and `cis serve` do: separate connections, one database.
    auto second = open_sqlite({db_path()});
    auto writer = [](Store& s, const std::string& prefix) {
        for (int i = 0; i < 50; ++i)
            s.write([&](Tx& tx) {
                tx.insert_event(sample(prefix + std::to_string(i), prefix + std::to_string(i)));
            });
    };
    std::thread a(writer, std::ref(*store_), "a");
    std::thread b(writer, std::ref(*second), "b");
    a.join();
    b.join();
    store_->read([&](Tx& tx) { EXPECT_EQ(tx.list_events(EventFilter{"", 1000}).size(), 100u); });
}

}  // namespace
}  // namespace cis::store
