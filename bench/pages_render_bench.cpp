// The schedule page of a season (issue 6 target: ≤ 20 ms per render of 2 500 events,
// store read included): HTML from values alone, and the whole GET /p/{id} work minus the
// socket — one read transaction (page, page_events) then the render.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "pages/event_page.hpp"
#include "services/page_events.hpp"
#include "store/store.hpp"

namespace {

using namespace cis;

constexpr int kGames = 2500;

// Five games an evening from March 2030, Berlin time, like a league's season.
std::vector<Event> season() {
    std::vector<Event> events;
    events.reserve(kGames);
    for (int n = 0; n < kGames; ++n) {
        const std::int64_t day = civil_to_epoch({2030, 3, 1, 0, 0, 0}) + (n / 5) * 86400;
        const CivilTime c = epoch_to_civil(day);
        const int hour = 17 + n % 5;
        Event e;
        e.id = "ev" + std::to_string(100000 + n);
        e.organizer = "league@example.org";
        e.original_uid = "game-" + std::to_string(n) + "@league.example";
        e.fields.summary = "Game " + std::to_string(n) + ": Lions vs Tigers";
        e.fields.location = "Stadium, Main St";
        e.fields.description = "Doors open an hour before. Bring your ticket & ID.";
        char local[32];
        std::snprintf(local, sizeof local, "%04d%02d%02dT%02d0000", c.year, c.month, c.day, hour);
        e.fields.start = CalTime{day + (hour - 2) * 3600, local, false, false};
        e.fields.end = e.fields.start;
        e.fields.end.utc += 3 * 3600;
        e.fields.timezone = "Europe/Berlin";
        e.last_end = e.fields.end.utc;
        e.created_at = e.updated_at = 1;
        events.push_back(std::move(e));
    }
    return events;
}

pages::PageView view(const std::vector<Event>& events) {
    pages::PageView v;
    v.id = "season";
    v.kind = "schedule";
    v.branding = {"Season 2030", "https://img.example/logo.png", "", "#c00"};
    v.assets = {"/assets/pages.css?v=1", "/assets/pages.js?v=1"};
    v.feed_url = "https://cis.test/p/season/feed.ics";
    v.webcal_url = "webcal://cis.test/p/season/feed.ics";
    v.events = &events;
    return v;
}

void BM_RenderSchedule(benchmark::State& state) {
    const auto events = season();
    const auto v = view(events);
    std::size_t bytes = 0;
    for (auto _ : state) {
        auto r = pages::render_event_page(v);
        bytes = r.html.size();
        benchmark::DoNotOptimize(r.html.data());
    }
    state.counters["html_kB"] = static_cast<double>(bytes) / 1024;
}
BENCHMARK(BM_RenderSchedule)->Unit(benchmark::kMillisecond);

void BM_ReadAndRenderSchedule(benchmark::State& state) {
    const auto dir = std::filesystem::temp_directory_path() / "cis-bench-pages";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto store = store::open_sqlite({(dir / "db.sqlite3").string()});
    store->migrate();
    const auto games = season();
    store->write([&](store::Tx& tx) {
        tx.put_organizer(store::Organizer{"league@example.org", "", "default", "", 0, 0});
        for (const auto& e : games) tx.insert_event(e);
        store::Page p;
        p.id = "season";
        p.organizer = "league@example.org";
        p.kind = "schedule";
        p.title = "Season 2030";
        p.accent = "#c00";
        p.created_at = p.updated_at = 1;
        tx.insert_page(p);
    });
    const std::int64_t now = civil_to_epoch({2026, 11, 21, 0, 0, 0});
    std::size_t shown = 0;
    for (auto _ : state) {
        std::optional<store::Page> page;
        std::vector<Event> events;
        store->read([&](store::Tx& tx) {
            page = tx.find_page("season");
            events = services::page_events(tx, *page, now);
        });
        auto r = pages::render_event_page(view(events));
        shown = events.size();
        benchmark::DoNotOptimize(r.html.data());
    }
    state.counters["events"] = static_cast<double>(shown);
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_ReadAndRenderSchedule)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
