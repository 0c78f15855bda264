// The outbox's leases and crash states against a real SQLite file: what several
// workers and a crash must never do — deliver a job twice, or lose it.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <thread>

#include "services/organizer_mail.hpp"
#include "store/store.hpp"
#include "support/store_fixture.hpp"

namespace cis::store {
namespace {

class OutboxStoreTest : public test::StoreTest {
  protected:
    void enqueue(int n, std::int64_t due = 100) {
        store_->write([&](Tx& tx) {
            for (int i = 0; i < n; ++i) {
                OutboxMessage m;
                m.kind = "notification";
                m.env_from = "bounce@x.test";
                m.rcpt = "r" + std::to_string(i) + "@example.org";
                m.message = "Subject: x\r\n\r\nx\r\n";
                m.next_attempt_at = due;
                m.created_at = 100;
                tx.enqueue(m);
            }
        });
    }
    std::vector<OutboxMessage> claim(const std::string& owner, std::int64_t now,
                                     std::size_t n = 100) {
        std::vector<OutboxMessage> out;
        store_->write([&](Tx& tx) { out = tx.claim_outbox(owner, now, now + 60, n); },
                      Durability::Process);
        return out;
    }
    std::map<std::string, int> states() {
        std::map<std::string, int> out;
        store_->read([&](Tx& tx) {
            for (const auto& m : tx.list_outbox(10000)) ++out[m.state];
        });
        return out;
    }
};

TEST_F(OutboxStoreTest, OnlyDueJobsAreLeasedAndEachToOneWorker) {
    enqueue(10);
    enqueue(5, 500);  // not due yet
    auto a = claim("a", 200, 6);
    auto b = claim("b", 200, 100);
    EXPECT_EQ(a.size(), 6u);
    EXPECT_EQ(b.size(), 4u);
    std::set<std::int64_t> ids;
    for (const auto* list : {&a, &b})
        for (const auto& m : *list) EXPECT_TRUE(ids.insert(m.id).second) << "leased twice";
    EXPECT_TRUE(claim("c", 200).empty());
}

TEST_F(OutboxStoreTest, ConcurrentWorkersNeverShareAJob) {
    enqueue(500);
    std::vector<std::vector<OutboxMessage>> got(4);
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w)
        workers.emplace_back([&, w] {
            // A connection of its own, as a worker in another process would have.
            auto own = open_sqlite({db_path()});
            for (;;) {
                std::vector<OutboxMessage> batch;
                own->write(
                    [&](Tx& tx) { batch = tx.claim_outbox("w" + std::to_string(w), 200, 260, 7); },
                    Durability::Process);
                if (batch.empty()) return;
                got[w].insert(got[w].end(), batch.begin(), batch.end());
            }
        });
    for (auto& t : workers) t.join();
    std::set<std::int64_t> ids;
    std::size_t total = 0;
    for (const auto& list : got)
        for (const auto& m : list) {
            ids.insert(m.id);
            ++total;
        }
    EXPECT_EQ(total, 500u);
    EXPECT_EQ(ids.size(), 500u);
}

TEST_F(OutboxStoreTest, CrashRecoveryRequeuesSendingAndKeepsCommittingAsSent) {
    enqueue(3);
    auto jobs = claim("dead-worker", 200);
    ASSERT_EQ(jobs.size(), 3u);
    store_->write([&](Tx& tx) { EXPECT_TRUE(tx.mark_committing(jobs[0].id, "dead-worker")); },
                  Durability::Process);
    // The lease has not run out: nothing is taken over yet.
    store_->write([&](Tx& tx) { EXPECT_EQ(tx.recover_outbox(250), 0); });
    store_->write([&](Tx& tx) { EXPECT_EQ(tx.recover_outbox(300), 3); });
    const auto s = states();
    EXPECT_EQ(s.at("sent"), 1) << "its final dot may have been accepted: never send it again";
    EXPECT_EQ(s.at("queued"), 2) << "their final dot was never sent: the relay kept nothing";
    EXPECT_EQ(claim("new-worker", 300).size(), 2u);
}

TEST_F(OutboxStoreTest, AWorkerWhoseLeaseWasTakenOverCanNeitherSendNorRecord) {
    enqueue(1);
    auto first = claim("slow-worker", 200);  // leased until 260
    ASSERT_EQ(first.size(), 1u);
    store_->write([&](Tx& tx) { EXPECT_EQ(tx.recover_outbox(261), 1); });
    auto second = claim("other-worker", 261);
    ASSERT_EQ(second.size(), 1u);
    store_->write([&](Tx& tx) {
        EXPECT_FALSE(tx.mark_committing(first[0].id, "slow-worker"))
            << "the other worker owns it now: the slow one must not send its final dot";
        OutboxOutcome o;
        o.state = "failed";
        o.attempts = 1;
        o.last_error = "too late";
        EXPECT_FALSE(tx.finish_outbox(first[0].id, "slow-worker", o));
        EXPECT_TRUE(tx.mark_committing(second[0].id, "other-worker"));
    });
    EXPECT_EQ(states().at("committing"), 1) << "the slow worker's outcome changed nothing";
}

TEST_F(OutboxStoreTest, RenewedLeasesAreNotTakenOver) {
    enqueue(3);
    auto mine = claim("busy-worker", 200, 2);  // leased until 260
    ASSERT_EQ(mine.size(), 2u);
    store_->write([&](Tx& tx) { EXPECT_TRUE(tx.mark_committing(mine[0].id, "busy-worker")); });
    auto theirs = claim("someone-else", 200);
    ASSERT_EQ(theirs.size(), 1u);
    store_->write([&](Tx& tx) { EXPECT_EQ(tx.renew_leases("busy-worker", 400), 2); });
    store_->write([&](Tx& tx) {
        EXPECT_EQ(tx.recover_outbox(300), 1) << "only the job of the worker that did not renew";
    });
    const auto s = states();
    EXPECT_EQ(s.at("sending"), 1);
    EXPECT_EQ(s.at("committing"), 1);
    EXPECT_EQ(s.at("queued"), 1);
}

TEST_F(OutboxStoreTest, FinishRecordsOutcomeAndKeepsTheRenderedMessageForRetries) {
    store_->write([&](Tx& tx) {
        OutboxMessage m;
        m.kind = "invite";
        m.event_id = "";
        m.env_from = "bounce@x.test";
        m.rcpt = "a@example.org";
        m.next_attempt_at = 100;
        m.created_at = 100;
        tx.enqueue(m);  // no message yet: rendered by the worker
    });
    auto jobs = claim("w", 200);
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_TRUE(jobs[0].message.empty());
    store_->write([&](Tx& tx) {
        OutboxOutcome o;
        o.state = "queued";
        o.attempts = 1;
        o.next_attempt_at = 260;
        o.last_error = "451 4.3.0 try later";
        o.message = "Message-ID: <x@y>\r\n\r\nbody\r\n";
        o.message_id = "x@y";
        EXPECT_TRUE(tx.finish_outbox(jobs[0].id, "w", o));
        tx.record_attempt(jobs[0].id, DeliveryAttempt{200, "deferred", o.last_error});
    });
    EXPECT_TRUE(claim("w", 250).empty()) << "backing off";
    auto again = claim("w", 260);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].message, "Message-ID: <x@y>\r\n\r\nbody\r\n")
        << "the retry sends the same bytes";
    EXPECT_EQ(again[0].attempts, 1);
    store_->read([&](Tx& tx) {
        const auto attempts = tx.attempts_for(again[0].id);
        ASSERT_EQ(attempts.size(), 1u);
        EXPECT_EQ(attempts[0].result, "deferred");
    });
}

TEST_F(OutboxStoreTest, OrganizerMailIsClaimedBeforeWaitingInvitations) {
    enqueue(50);  // a backlog, due since 100
    std::int64_t result_id = 0;
    store_->write([&](Tx& tx) {
        result_id = services::queue_organizer_mail(
            tx,
            {"notification", "", "bounce@x.test", "org@example.org", "Subject: done\r\n\r\nx\r\n"},
            150);
    });
    const auto first = claim("a", 200, 1);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].id, result_id) << "the organizer's mail waited behind the backlog";
    EXPECT_EQ(first[0].created_at, 150);
}

}  // namespace
}  // namespace cis::store
