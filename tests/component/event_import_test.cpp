// The batch import and the invitee report against a real SQLite file: a season applied
// in one transaction with one notification, the organizer's event limit, idempotent
// re-import; the report read page by page through the (event, email) index.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "services/event_import.hpp"
#include "services/invitee_report.hpp"
#include "store/store.hpp"
#include "support/store_fixture.hpp"

namespace cis {
namespace {

using store::Tx;

constexpr std::int64_t kNow = 1800000000;  // 2027-01-15T08:00:00Z, before the season

std::string season_csv(int games) {
    std::string csv = "summary,start,end,timezone\n";
    for (int n = 0; n < games; ++n)
        csv +=
            fmt::format("Game {},2030-{:02}-{:02} 19:05,2030-{:02}-{:02} 22:00,America/Chicago\n",
                        n, 1 + n % 12, 1 + n % 28, 1 + n % 12, 1 + n % 28);
    return csv;
}

class ImportTest : public test::StoreTest {
  protected:
    services::IntakeReport import(const std::string& csv, std::int64_t limit = 0) {
        store::Organizer o;
        o.email = "coach@club.example";
        o.event_limit = limit;
        services::IntakeReport r;
        const auto file = services::read_csv_import(csv, "season.csv", kNow);
        store_->write([&](Tx& tx) {
            r = services::apply_import(tx, {file}, o, policy_, std::nullopt, {"season", ""}, kNow);
        });
        return r;
    }
    std::map<std::string, int> counts(const services::IntakeReport& r) {
        std::map<std::string, int> out;
        for (const auto& e : r.events) ++out[itip::to_string(e.outcome)];
        return out;
    }
    std::vector<store::OutboxMessage> outbox() {
        std::vector<store::OutboxMessage> out;
        store_->read([&](Tx& tx) { out = tx.list_outbox(100000); });
        return out;
    }
    services::IntakePolicy policy_;
};

TEST_F(ImportTest, ASeasonIsOneTransactionAndOneNotification) {
    const auto first = import(season_csv(300));
    EXPECT_EQ(counts(first), (std::map<std::string, int>{{"created", 300}}));
    EXPECT_EQ(first.status, "created");
    EXPECT_EQ(first.reason, "300 events created");
    ASSERT_EQ(outbox().size(), 1u);
    const std::string note = outbox().front().message;
    EXPECT_NE(note.find("Subject: [CIS] 300 events created"), std::string::npos);
    EXPECT_EQ(note.find("Game 17"), std::string::npos) << "counts, not 300 paragraphs";

    const auto again = import(season_csv(300));
    EXPECT_EQ(counts(again), (std::map<std::string, int>{{"unchanged", 300}}));
    std::size_t stored = 0;
    store_->read([&](Tx& tx) { stored = tx.list_events({"coach@club.example", 10000}).size(); });
    EXPECT_EQ(stored, 300u);
    EXPECT_EQ(outbox().size(), 2u);
}

TEST_F(ImportTest, TheEventLimitStopsCreationsMidBatch) {
    const auto r = import(season_csv(120), 100);
    EXPECT_EQ(counts(r), (std::map<std::string, int>{{"created", 100}, {"rejected", 20}}));
    EXPECT_NE(r.events.back().reason.find("limit of 100 upcoming events"), std::string::npos);
    const std::string note = outbox().front().message;
    EXPECT_NE(note.find("Not applied (20)"), std::string::npos);
    EXPECT_NE(note.find("limit of 100"), std::string::npos);
}

TEST_F(ImportTest, BadRowsAreReportedAlongsideTheGoodOnes) {
    const auto r = import("summary,start\nOk,2030-05-01T10:00Z\nBad,tomorrow\n");
    EXPECT_EQ(counts(r), (std::map<std::string, int>{{"created", 1}, {"rejected", 1}}));
    EXPECT_EQ(r.status, "mixed");
    EXPECT_EQ(r.events.front().uid, "row 3") << "unreadable rows come first";
}

class ReportTest : public test::StoreTest {};

TEST_F(ReportTest, ReadsEveryInviteeAcrossPagesInAddressOrder) {
    const int n = static_cast<int>(services::kReportPage) * 2 + 17;
    store_->write([&](Tx& tx) {
        Event e;
        e.id = "ev1";
        e.organizer = "coach@club.example";
        e.original_uid = "u1";
        e.fields.start = e.fields.end = CalTime{kNow, "20300317T190000Z", false, false};
        tx.insert_event(e);
        for (int i = n - 1; i >= 0; --i) {
            store::Invitee v;
            v.event_id = "ev1";
            v.email = fmt::format("guest{:05}@example.org", i);
            v.name = i == 3 ? "=cmd|' /C calc'!A0" : fmt::format("Guest, {}", i);
            v.origin = "bulk";
            v.uid = fmt::format("uid{}", i);
            v.invited_at = kNow;
            tx.insert_invitee(v);
        }
    });
    services::ReportCsv all, capped;
    store_->read([&](Tx& tx) {
        all = services::build_report_csv(tx, "ev1");
        capped = services::build_report_csv(tx, "ev1", 1000);
    });
    EXPECT_EQ(all.rows, n);
    EXPECT_FALSE(all.too_large);
    EXPECT_EQ(all.csv.find("email,name,status,origin,client,invited_at,responded_at\r\n"), 0u);
    EXPECT_NE(
        all.csv.find("guest00000@example.org,\"Guest, 0\",none,bulk,,2027-01-15T08:00:00Z,\r\n"),
        std::string::npos);
    EXPECT_NE(all.csv.find("guest00003@example.org,'=cmd|' /C calc'!A0,"), std::string::npos);
    EXPECT_LT(all.csv.find("guest00009@"), all.csv.find("guest00010@"));
    EXPECT_TRUE(capped.too_large);
    EXPECT_EQ(capped.rows, static_cast<std::int64_t>(services::kReportPage))
        << "stops after a page";
}

}  // namespace
}  // namespace cis
