// Bulk jobs on a real SQLite store: chunked commits, the position a stopped run resumes
// from, duplicates judged across a restart, and the result email queued once.
#include <gtest/gtest.h>

#include <string>

#include "services/bulk_jobs.hpp"
#include "store/sqlite_db.hpp"
#include "support/store_fixture.hpp"

namespace cis {
namespace {

using store::Tx;

class BulkJobs : public test::StoreTest {
  protected:
    void SetUp() override {
        StoreTest::SetUp();
        settings_.invite =
            services::InviteContext{nullptr, "uid-key", "token-key", "cis.test", "bounce", 0};
        settings_.notification_local = "notification";
        settings_.public_url = "https://cis.test";
        settings_.chunk_rows = 3;
        store_->write([&](Tx& tx) {
            Event e;
            e.id = "event-1";
            e.organizer = "org@example.org";
            e.original_uid = "uid-1";
            e.fields.summary = "Cup final";
            e.fields.start = CalTime{4102444800, "21000101T000000", false, false};
            e.fields.end = CalTime{4102448400, "21000101T010000", false, false};
            e.last_end = 4102448400;
            e.created_at = e.updated_at = 1700000000;
            tx.insert_event(e);
        });
    }

    std::int64_t add_job(const std::string& csv) {
        std::int64_t id = 0;
        store_->write([&](Tx& tx) {
            store::BulkJob j;
            j.organizer = "org@example.org";
            j.event_id = "event-1";
            j.notify = "org@example.org";
            j.created_at = 1700000000;
            id = tx.insert_bulk_job(j, csv);
        });
        return id;
    }

    store::BulkJob job(std::int64_t id) {
        std::optional<store::BulkJob> j;
        store_->read([&](Tx& tx) { j = tx.find_bulk_job(id); });
        return *j;
    }

    std::size_t outbox(const std::string& kind) {
        std::size_t n = 0;
        store_->read([&](Tx& tx) {
            for (const auto& m : tx.list_outbox(1000)) n += m.kind == kind;
        });
        return n;
    }

    services::BulkSettings settings_;
};

const std::string kList =
    "email,name\n"
    "a@example.org,A\n"
    "b@example.org,B\n"
    "A@EXAMPLE.org,again\n"  // a duplicate, whatever the case
    "c@example.org,C\n"
    "nonsense,X\n"
    "d@example.org,D\n"
    "e@example.org,E\n";

TEST_F(BulkJobs, StopsBetweenChunksAndResumesWhereItStopped) {
    const auto id = add_job(kList);
    int chunks = 0;
    // The first run stops after its first chunk (3 rows), as a killed process would.
    ASSERT_TRUE(services::run_next_bulk_job(
        *store_, settings_, [&] { ++chunks; }, [&] { return chunks >= 1; }));
    auto j = job(id);
    EXPECT_EQ(j.state, "running");
    EXPECT_EQ(j.total, 3);
    EXPECT_EQ(j.next_line, 5);  // the header is line 1
    EXPECT_EQ(j.accepted, 2);
    EXPECT_EQ(j.skipped, 1);
    EXPECT_EQ(outbox("notification"), 0u);

    // The next run picks the same job up and finishes it: nothing repeated, nothing lost,
    // the duplicate of a row of the first run still counted as one.
    ASSERT_TRUE(services::run_next_bulk_job(*store_, settings_, [] {}));
    j = job(id);
    EXPECT_EQ(j.state, "done");
    EXPECT_EQ(j.total, 7);
    EXPECT_EQ(j.accepted, 5);
    EXPECT_EQ(j.already_invited, 0);
    EXPECT_EQ(j.skipped, 2);
    EXPECT_EQ(j.skip_reasons, R"({"duplicate":1,"invalid_email":1})");
    EXPECT_EQ(outbox("invite"), 5u);
    EXPECT_EQ(outbox("notification"), 1u);
    std::optional<std::string> input;
    store_->read([&](Tx& tx) { input = tx.bulk_job_input(id); });
    EXPECT_FALSE(input) << "a finished job drops its list";
    EXPECT_FALSE(services::run_next_bulk_job(*store_, settings_, [] {}));
}

TEST_F(BulkJobs, ACancelledEventStopsTheJobWithTheReason) {
    const auto id = add_job(kList);
    store_->write([&](Tx& tx) {
        auto e = *tx.find_event_by_id("event-1");
        e.fields.status = EventStatus::Cancelled;
        tx.update_event(e);
    });
    ASSERT_TRUE(services::run_next_bulk_job(*store_, settings_, [] {}));
    const auto j = job(id);
    EXPECT_EQ(j.state, "failed");
    EXPECT_NE(j.error.find("cancelled"), std::string::npos) << j.error;
    EXPECT_EQ(outbox("invite"), 0u);
    EXPECT_EQ(outbox("notification"), 1u);
}

TEST_F(BulkJobs, AnErrorThatARetryCannotCureFailsTheJobInsteadOfBlockingTheQueue) {
    // The database itself refuses one row (as a bug or a constraint would), every time.
    store::Database raw(db_path(), 1000);
    raw.exec(
        "CREATE TRIGGER refuse_c BEFORE INSERT ON invitees WHEN NEW.email = 'c@example.org' "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
    const auto first = add_job(kList);
    const auto second = add_job("email\nz@example.org\n");
    ASSERT_TRUE(services::run_next_bulk_job(*store_, settings_, [] {}));
    auto j = job(first);
    EXPECT_EQ(j.state, "failed");
    EXPECT_NE(j.error.find("refused by the test"), std::string::npos) << j.error;
    EXPECT_EQ(j.total, 3) << "the first chunk stays committed, the failing one is not";
    EXPECT_EQ(outbox("notification"), 1u) << "the organizer is told";
    // The queue moves on to the next job.
    ASSERT_TRUE(services::run_next_bulk_job(*store_, settings_, [] {}));
    EXPECT_EQ(job(second).state, "done");
}

}  // namespace
}  // namespace cis
