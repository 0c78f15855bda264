// Outgoing invitations: the once-per-event-version template build and the
// once-per-recipient render (SPEC §3.2 fan-out; target ≥ 100 000 renders/s per core).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/time.hpp"
#include "imip/invitation.hpp"
#include "imip/recipient_uid.hpp"
#include "imip/zone_text.hpp"

namespace {

using namespace cis;

std::int64_t utc(int y, int mo, int d, int h = 0) {
    return civil_to_epoch(CivilTime{y, mo, d, h, 0, 0});
}

// A typical organizer event: weekly, Berlin time, one moved and one cancelled occurrence,
// a paragraph of description.
Event event(std::size_t description_size) {
    Event e;
    e.id = "ev-bench";
    e.sequence = 2;
    e.fields.summary = "Wöchentliche Chorprobe: Sopran, Alt & Tenor";
    e.fields.location = "Gemeindesaal, Hauptstraße 5; 10115 Berlin";
    std::string text = "Bitte pünktlich sein; Noten mitbringen, danke!\n";
    while (e.fields.description.size() < description_size) e.fields.description += text;
    e.fields.start = CalTime{utc(2024, 3, 19, 17), "20240319T180000", false, false};
    e.fields.end = CalTime{utc(2024, 3, 19, 19), "20240319T200000", false, false};
    e.fields.timezone = "Europe/Berlin";
    e.recurrence.rrule = "FREQ=WEEKLY;COUNT=10;BYDAY=TU";
    e.recurrence.exdates = {"20240402T160000Z"};
    Occurrence moved{"20240409T160000Z", e.fields, {}};
    moved.fields.start = CalTime{utc(2024, 4, 10, 17), "20240410T190000", false, false};
    moved.fields.end = CalTime{utc(2024, 4, 10, 18), "20240410T200000", false, false};
    Occurrence cancelled{"20240416T160000Z", e.fields, {}};
    cancelled.fields.status = EventStatus::Cancelled;
    e.occurrences = {moved, cancelled};
    return e;
}

imip::TemplateInput input(const Event& e) {
    imip::TemplateInput in(e);
    in.organizer_name = "Jürgen Müller";
    in.rsvp_address = "rsvp@cis.example.org";
    in.dtstamp = utc(2024, 3, 1, 9);
    in.message_id_domain = "cis.example.org";
    return in;
}

std::vector<imip::Recipient> recipients(std::size_t n) {
    std::vector<imip::Recipient> out;
    for (std::size_t i = 0; i < n; ++i) {
        imip::Recipient r;
        r.email = "person" + std::to_string(i) + "@example.com";
        r.name = i % 2 ? "Ana María Pérez" : "John Smith";
        r.uid = imip::recipient_uid("bench-key", "ev-bench", r.email, "cis.example.org");
        r.unsubscribe_url = "https://cis.example.org/unsubscribe/" + std::to_string(i * 7919);
        r.unsubscribe_mailto = "unsubscribe+" + std::to_string(i * 7919) + "@cis.example.org";
        out.push_back(std::move(r));
    }
    return out;
}

void BM_TemplateBuild(benchmark::State& state) {
    const Event e = event(500);
    const auto in = input(e);
    benchmark::DoNotOptimize(imip::InvitationTemplate(in));  // VTIMEZONE cached from here on
    for (auto _ : state) benchmark::DoNotOptimize(imip::InvitationTemplate(in));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TemplateBuild);

// The first template of a (zone, year) generates and checks the VTIMEZONE.
void BM_VtimezoneGenerate(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(imip::generate_vtimezone("Europe/Berlin", 2024));
}
BENCHMARK(BM_VtimezoneGenerate)->Unit(benchmark::kMillisecond);

// Per recipient; range(0) is the description's size in bytes.
void BM_Render(benchmark::State& state) {
    const Event e = event(static_cast<std::size_t>(state.range(0)));
    const imip::InvitationTemplate tpl(input(e));
    const auto people = recipients(1024);
    std::size_t i = 0, bytes = 0;
    for (auto _ : state) {
        std::string message = tpl.render(people[i++ & 1023]);
        bytes += message.size();
        benchmark::DoNotOptimize(message);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
    state.counters["msg_bytes"] =
        static_cast<double>(bytes) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Render)->Arg(500)->Arg(4000);

// The caller's per-recipient UID derivation (HMAC-SHA256).
void BM_RecipientUid(benchmark::State& state) {
    std::size_t i = 0;
    for (auto _ : state)
        benchmark::DoNotOptimize(imip::recipient_uid(
            "bench-key", "ev-bench", "person" + std::to_string(i++) + "@x.org", "cis.example.org"));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecipientUid);

}  // namespace
BENCHMARK_MAIN();
