#include "ical/timezones.hpp"

#include "ical/tz_catalog.hpp"
#include "ical/tz_text.hpp"
#include "ical/tz_vtimezone.hpp"

#include <unicode/basictz.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <tuple>
#include <unordered_map>

namespace cis::ical {

namespace {

using tz::Catalog;

// Caches are cleared when full: hostile senders can vary TZIDs and VTIMEZONEs freely.
constexpr std::size_t kMaxResolved = 8192;
constexpr std::size_t kMaxVtimezones = 1024;

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// A VTIMEZONE "matches" a zone when their offsets differ for at most this long in a
// year (off-by-an-hour transition times in Lotus Notes); "exactly" within a minute.
constexpr std::int64_t kTolerance = 3 * 3600;
constexpr std::int64_t kExact = 60;

int rules_year(int year_hint) {
    return std::clamp(year_hint, 1900, 2100);
}

std::pair<std::int64_t, std::int64_t> year_window(int year) {
    return {tz::year_start(year), tz::year_start(year + 1)};
}

// The part of `year` the VTIMEZONE defines, stretched to a year's length.
std::pair<std::int64_t, std::int64_t> defined_window(const tz::VTimezone& vt, int year) {
    auto [start, end] = year_window(year);
    start = std::max(start, vt.defined_from());
    return {start, std::max(end, start + 365 * 86400)};
}

ZoneInfo found(const std::string& canonical_id, const char* how) {
    return {Catalog::get().iana_spelling(canonical_id), how, false};
}

// "/mozilla.org/20050126_1/Europe/Berlin": the longest tail after a '/' that is a zone.
std::optional<std::string> prefixed(std::string_view name) {
    for (auto pos = name.find('/'); pos != std::string_view::npos; pos = name.find('/', pos + 1))
        if (auto id = Catalog::get().canonical(name.substr(pos + 1))) return id;
    return std::nullopt;
}

// Among zones whose offsets match the VTIMEZONE's in `year`, the one its names point to.
std::optional<std::size_t> best_rule_match(const tz::VTimezone& vt, int year, std::string_view name,
                                           const std::optional<std::string>& named) {
    const Catalog& cat = Catalog::get();
    const auto [start, end] = defined_window(vt, year);
    const auto candidates = cat.matching(vt.transitions(start, end), start, end, kTolerance);
    if (candidates.size() <= 1)
        return candidates.empty() ? std::nullopt : std::optional(candidates.front().zone);

    std::set<std::size_t> hinted;
    for (const std::string& phrase : tz::phrases(name))
        for (std::size_t i : cat.named(phrase)) hinted.insert(i);
    if (auto i = named ? cat.index_of(*named) : std::nullopt) hinted.insert(*i);
    // Zones that changed their rules around `year` are less likely meant.
    std::vector<std::size_t> zones;
    for (const auto& m : candidates) zones.push_back(m.zone);
    std::unordered_map<std::size_t, int> also;
    for (int y : {year - 1, year + 1}) {
        const auto [s, e] = defined_window(vt, y);
        for (const auto& m : cat.matching(vt.transitions(s, e), s, e, kTolerance, &zones))
            ++also[m.zone];
    }
    auto rank = [&](const Catalog::Match& m) {  // smaller is better; ids are sorted
        const std::size_t i = m.zone;
        return std::tuple(m.mismatch > kExact, !hinted.count(i), -also[i], !cat.reference(i),
                          !cat.golden(i), i);
    };
    return std::min_element(candidates.begin(), candidates.end(),
                            [&](const auto& a, const auto& b) { return rank(a) < rank(b); })
        ->zone;
}

// "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna" without a VTIMEZONE.
std::optional<std::size_t> by_display_name(std::string_view name, int year) {
    const Catalog& cat = Catalog::get();
    const std::vector<std::string> words = tz::phrases(name);
    const std::optional<std::int32_t> stated = tz::stated_offset(name);
    const std::int64_t mid_year = tz::year_start(year) + 182 * 86400;
    // !reference, !golden, position, id: smaller is better
    std::optional<std::tuple<bool, bool, std::size_t, std::size_t>> best;
    for (std::size_t k = 0; k < words.size(); ++k) {
        for (std::size_t i : cat.named(words[k])) {
            if (stated && cat.standard_offset(i, mid_year) != *stated) continue;
            const auto key = std::tuple(!cat.reference(i), !cat.golden(i), k, i);
            if (!best || key < *best) best = key;
        }
    }
    if (!best) return std::nullopt;
    return std::get<3>(*best);
}

bool plausible(const CivilTime& t) {
    return t.year >= 1 && t.year <= 9999 && t.month >= 1 && t.month <= 12 && t.day >= 1 &&
           t.day <= 31 && t.hour >= 0 && t.hour <= 23 && t.minute >= 0 && t.minute <= 59 &&
           t.second >= 0 && t.second <= 60;
}

// ICU zones are not safe to share between threads, so each thread has its own copies.
const icu::BasicTimeZone* thread_zone(const std::string& id) {
    thread_local StringMap<std::unique_ptr<icu::BasicTimeZone>> zones;
    auto it = zones.find(id);
    if (it == zones.end()) {
        if (zones.size() >= 1024) zones.clear();
        it = zones.emplace(id, tz::create_zone(id)).first;
    }
    return it->second.get();
}

}  // namespace

struct ZoneResolver::State {
    mutable std::shared_mutex mu;
    StringMap<ZoneInfo> resolved;
    std::mutex vt_mu;
    StringMap<std::shared_ptr<const tz::VTimezone>> vtimezones;  // nullptr: unusable text
    std::atomic<std::uint64_t> hits{0}, misses{0};

    std::shared_ptr<const tz::VTimezone> vtimezone(std::string_view text, int year);
    ZoneInfo compute(std::string_view tzid, std::string_view text, int year);
};

// Parsed once per text: libical's expansion is the expensive part.
std::shared_ptr<const tz::VTimezone> ZoneResolver::State::vtimezone(std::string_view text,
                                                                    int year) {
    const bool clamp = year >= tz::kClampYear + 2;  // clamped zones are exact from 1969 on
    std::string key;
    key.reserve(text.size() + 1);
    key += clamp ? 'c' : 'u';
    key += text;
    {
        std::lock_guard lock(vt_mu);
        if (auto it = vtimezones.find(key); it != vtimezones.end()) return it->second;
    }
    std::shared_ptr<const tz::VTimezone> parsed = tz::VTimezone::parse(text, clamp);
    std::lock_guard lock(vt_mu);
    if (vtimezones.size() >= kMaxVtimezones) vtimezones.clear();
    return vtimezones.emplace(std::move(key), std::move(parsed)).first->second;
}

ZoneInfo ZoneResolver::State::compute(std::string_view tzid, std::string_view text, int year_hint) {
    const Catalog& cat = Catalog::get();
    const std::string_view name = tz::trim_name(tzid);
    const int year = rules_year(year_hint);

    // IANA names are taken as written, VTIMEZONE or not, as Google, Apple and Mozilla do:
    // their VTIMEZONEs may be truncated or broken (Tine 2.0 sends both observances at one
    // instant), and our tzdata may be newer than the sender's.
    if (auto id = cat.canonical(name)) return found(*id, "iana");
    if (auto id = prefixed(name)) return found(*id, "prefixed-iana");

    std::optional<std::string> named = cat.from_windows(name);
    if (!named && !name.empty() && name.find("Standard Time") == std::string_view::npos)
        named = cat.from_windows(std::string(name) + " Standard Time");  // "FLE", "Romance"
    const auto vt = text.empty() ? nullptr : vtimezone(text, year);
    if (!named && vt && !vt->location().empty()) {
        if (auto id = cat.canonical(vt->location())) return found(*id, "x-lic-location");
    }
    // A Windows name stands for many zones and Exchange may send custom or outdated
    // rules under it: keep its zone only if the VTIMEZONE agrees.
    if (named) {
        if (!vt) return found(*named, "windows");
        const auto [start, end] = defined_window(*vt, year);
        const auto expected = cat.transitions(*named, start, end);
        if (expected &&
            tz::mismatch(*expected, vt->transitions(start, end), start, end) <= kTolerance)
            return found(*named, "windows");
    }
    if (vt) {
        if (auto i = best_rule_match(*vt, year, name, named)) return found(cat.id(*i), "rules");
        return {"", "custom", true};
    }
    if (auto i = by_display_name(name, year)) return found(cat.id(*i), "display-name");
    if (auto i = cat.abbreviation(name)) return found(cat.id(*i), "abbreviation");
    return {"", "unknown", false};
}

ZoneResolver::ZoneResolver() : state_(std::make_unique<State>()) {}
ZoneResolver::~ZoneResolver() = default;

ZoneInfo ZoneResolver::resolve(std::string_view tzid, std::string_view vtimezone, int year_hint) {
    const int year = rules_year(year_hint);
    std::string key;
    key.reserve(tzid.size() + vtimezone.size() + 8);
    key.append(tzid).append(1, '\0').append(vtimezone).append(1, '\0').append(std::to_string(year));
    {
        std::shared_lock lock(state_->mu);
        if (auto it = state_->resolved.find(key); it != state_->resolved.end()) {
            state_->hits.fetch_add(1, std::memory_order_relaxed);
            return it->second;
        }
    }
    state_->misses.fetch_add(1, std::memory_order_relaxed);
    ZoneInfo info = state_->compute(tzid, vtimezone, year);  // unlocked: may take milliseconds
    std::unique_lock lock(state_->mu);
    if (state_->resolved.size() >= kMaxResolved) state_->resolved.clear();
    state_->resolved.emplace(std::move(key), info);
    return info;
}

std::optional<std::int64_t> ZoneResolver::to_utc(const CivilTime& local, const ZoneInfo& zone,
                                                 std::string_view vtimezone) {
    if (!plausible(local)) return std::nullopt;
    const std::int64_t wall = civil_to_epoch(local);
    if (!zone.iana.empty()) {
        const icu::BasicTimeZone* tz = thread_zone(zone.iana);
        if (!tz) return std::nullopt;
        std::int32_t raw = 0, dst = 0;
        UErrorCode status = U_ZERO_ERROR;
        // FORMER for both: the offset before a gap, the first of a repeated hour.
        tz->getOffsetFromLocal(static_cast<UDate>(wall) * 1000.0, UCAL_TZ_LOCAL_FORMER,
                               UCAL_TZ_LOCAL_FORMER, raw, dst, status);
        if (U_FAILURE(status)) return std::nullopt;
        return wall - (raw + dst) / 1000;
    }
    if (zone.custom) {
        const auto vt = state_->vtimezone(vtimezone, local.year);
        if (!vt) return std::nullopt;
        return vt->to_utc(wall);
    }
    return std::nullopt;
}

void ZoneResolver::warm_up() {
    Catalog::get().named("berlin");
}

ZoneResolver::Stats ZoneResolver::stats() const {
    return {state_->hits.load(std::memory_order_relaxed),
            state_->misses.load(std::memory_order_relaxed)};
}

ZoneResolver& ZoneResolver::shared() {
    static ZoneResolver* instance = new ZoneResolver();  // never destroyed: used until exit
    return *instance;
}

}  // namespace cis::ical
