// In-process costs of the inbound path, per message, on a real Office 365 invitation:
// MIME parse, calendar parse, prepare (both + SHA-256), and apply (decide + write) in
// batches as IntakeWriter commits them.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "dkim/dkim.hpp"
#include "ical/parse_calendar.hpp"
#include "mail/inbound_message.hpp"
#include "services/intake.hpp"
#include "services/intake_writer.hpp"

namespace {

std::string message() {
    std::ifstream in(std::string(CIS_SHARED_DIR) +
                         "/corpus/inbound-request/o365-exchange2010-request-series-seq0-real.eml",
                     std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

const cis::services::Route kCreate{cis::services::Mailbox::Create, ""};

void BM_MimeParse(benchmark::State& state) {
    const std::string raw = message();
    for (auto _ : state) benchmark::DoNotOptimize(cis::mail::parse_inbound(raw));
}
BENCHMARK(BM_MimeParse);

void BM_CalendarParse(benchmark::State& state) {
    const auto mail = cis::mail::parse_inbound(message());
    for (auto _ : state)
        benchmark::DoNotOptimize(cis::ical::parse_calendar(mail.calendars[0].text));
}
BENCHMARK(BM_CalendarParse);

void BM_Prepare(benchmark::State& state) {
    const std::string raw = message();
    cis::dkim::Verifier verifier({});
    for (auto _ : state) {
        cis::services::Delivery d{"bench", "a@b.c", "create@bench.test", "", raw, 0};
        benchmark::DoNotOptimize(cis::services::prepare(std::move(d), kCreate, verifier,
                                                        [](const std::string&) { return false; }));
    }
}
BENCHMARK(BM_Prepare);

// Decide and store: one transaction per batch of `range(0)` messages, like IntakeWriter.
void BM_ApplyBatch(benchmark::State& state) {
    const auto dir = std::filesystem::temp_directory_path() / "cis-bench-apply";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto store = cis::store::open_sqlite({(dir / "db.sqlite3").string()});
    store->migrate();
    cis::services::IntakePolicy policy;
    policy.domain = "bench.test";
    policy.require_dkim = false;
    policy.accept_past_events = true;
    store->write([](cis::store::Tx& tx) {
        tx.put_organizer(cis::store::Organizer{"person-a@example.com", "", "default", "", 0, 0});
    });
    cis::dkim::Verifier verifier({});
    cis::services::Delivery d{"bench", "a@b.c", "create@bench.test", "", message(), 0};
    const auto prepared =
        cis::services::prepare(d, kCreate, verifier, [](const std::string&) { return false; });
    const auto batch = state.range(0);
    for (auto _ : state) {
        store->write([&](cis::store::Tx& tx) {
            for (int i = 0; i < batch; ++i) cis::services::apply(tx, prepared, policy, 1);
        });
    }
    state.SetItemsProcessed(state.iterations() * batch);
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_ApplyBatch)->Arg(1)->Arg(16)->Arg(64)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
