#include "ical/tz_catalog.hpp"

#include "ical/tz_text.hpp"

#include <unicode/basictz.h>
#include <unicode/calendar.h>
#include <unicode/locid.h>
#include <unicode/strenum.h>
#include <unicode/tznames.h>
#include <unicode/tzrule.h>
#include <unicode/tztrans.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <set>

namespace cis::ical::tz {

namespace {

std::string utf8(const icu::UnicodeString& s) {
    std::string out;
    s.toUTF8String(out);
    return out;
}

icu::UnicodeString unicode(std::string_view s) {
    return icu::UnicodeString::fromUTF8(
        icu::StringPiece(s.data(), static_cast<std::int32_t>(s.size())));
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Ids ICU inherited from old Java, which are not IANA ids and mislead ("BST" is Dhaka).
bool java_legacy(std::string_view id) {
    static constexpr std::array<std::string_view, 25> kIds = {
        "ACT", "AET", "AGT", "ART", "AST", "BET", "BST", "CAT", "CNT", "CST", "CTT", "EAT", "ECT",
        "IET", "IST", "JST", "MIT", "NET", "NST", "PLT", "PNT", "PRT", "PST", "SST", "VST"};
    const std::string up = [&] {
        std::string u(id);
        for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return u;
    }();
    return std::find(kIds.begin(), kIds.end(), up) != kIds.end();
}

constexpr std::string_view kUnknown = "Etc/Unknown";

// Languages whose place and zone names we recognise in TZIDs (Windows localises its
// display names) and whose abbreviations we accept.
constexpr std::array<const char*, 28> kLocales = {
    "en", "en_GB", "en_IE", "en_IN", "en_AU", "en_CA", "fr", "de", "es", "it",
    "nl", "pt",    "pt_PT", "sv",    "da",    "nb",    "fi", "pl", "cs", "hu",
    "ro", "tr",    "el",    "ru",    "uk",    "ja",    "zh", "ko"};

// CLDR canonical id → tzdata's current spelling (CLDR keeps the old one stable).
constexpr std::array<std::pair<std::string_view, std::string_view>, 19> kRenamed = {{
    {"Africa/Asmera", "Africa/Asmara"},
    {"America/Buenos_Aires", "America/Argentina/Buenos_Aires"},
    {"America/Catamarca", "America/Argentina/Catamarca"},
    {"America/Coral_Harbour", "America/Atikokan"},
    {"America/Cordoba", "America/Argentina/Cordoba"},
    {"America/Godthab", "America/Nuuk"},
    {"America/Indianapolis", "America/Indiana/Indianapolis"},
    {"America/Jujuy", "America/Argentina/Jujuy"},
    {"America/Louisville", "America/Kentucky/Louisville"},
    {"America/Mendoza", "America/Argentina/Mendoza"},
    {"Asia/Calcutta", "Asia/Kolkata"},
    {"Asia/Katmandu", "Asia/Kathmandu"},
    {"Asia/Rangoon", "Asia/Yangon"},
    {"Asia/Saigon", "Asia/Ho_Chi_Minh"},
    {"Atlantic/Faeroe", "Atlantic/Faroe"},
    {"Europe/Kiev", "Europe/Kyiv"},
    {"Pacific/Enderbury", "Pacific/Kanton"},
    {"Pacific/Ponape", "Pacific/Pohnpei"},
    {"Pacific/Truk", "Pacific/Chuuk"},
}};

template <typename F>
void for_each_id(USystemTimeZoneType type, F&& f) {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::StringEnumeration> ids(
        icu::TimeZone::createTimeZoneIDEnumeration(type, nullptr, nullptr, status));
    if (!ids || U_FAILURE(status)) return;
    while (const icu::UnicodeString* id = ids->snext(status)) {
        if (U_FAILURE(status)) break;
        f(utf8(*id));
    }
}

std::int32_t offset_of(const icu::BasicTimeZone& zone, std::int64_t at) {
    UErrorCode status = U_ZERO_ERROR;
    std::int32_t raw = 0, dst = 0;
    zone.getOffset(static_cast<UDate>(at) * 1000.0, false, raw, dst, status);
    return (raw + dst) / 1000;
}

Transitions zone_transitions(const icu::BasicTimeZone& zone, std::int64_t start, std::int64_t end) {
    Transitions r;
    r.initial = offset_of(zone, start);
    std::int32_t previous = r.initial;
    UDate t = static_cast<UDate>(start) * 1000.0;
    icu::TimeZoneTransition tr;
    while (zone.getNextTransition(t, false, tr) &&
           tr.getTime() <= static_cast<UDate>(end) * 1000.0) {
        t = tr.getTime();
        const icu::TimeZoneRule* to = tr.getTo();
        if (!to) break;
        const std::int32_t off = (to->getRawOffset() + to->getDSTSavings()) / 1000;
        // ICU also reports changes of name or of the raw/DST split; only the sum matters.
        if (off != previous) r.changes.push_back({static_cast<std::int64_t>(t / 1000.0), off});
        previous = off;
    }
    return r;
}

}  // namespace

std::unique_ptr<icu::BasicTimeZone> create_zone(std::string_view id) {
    std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(unicode(id)));
    icu::UnicodeString actual;
    if (!zone || zone->getID(actual) == icu::UnicodeString(kUnknown.data())) return nullptr;
    auto* basic = dynamic_cast<icu::BasicTimeZone*>(zone.get());
    if (!basic) return nullptr;
    zone.release();
    return std::unique_ptr<icu::BasicTimeZone>(basic);
}

struct Catalog::Names {
    std::unordered_map<std::string, std::vector<std::size_t>> named;
    std::unordered_map<std::string, std::set<std::size_t>> abbreviations;  // upper case
};

const Catalog& Catalog::get() {
    static const Catalog catalog;
    return catalog;
}

Catalog::~Catalog() = default;

Catalog::Catalog() {
    std::set<std::string> ids;
    for_each_id(UCAL_ZONE_TYPE_CANONICAL_LOCATION, [&](std::string id) { ids.insert(id); });
    for_each_id(UCAL_ZONE_TYPE_CANONICAL, [&](std::string id) {
        if (id.rfind("Etc/", 0) == 0 && id != kUnknown) ids.insert(id);
    });
    UErrorCode names_status = U_ZERO_ERROR;
    std::unique_ptr<icu::TimeZoneNames> names(
        icu::TimeZoneNames::createInstance(icu::Locale::getRoot(), names_status));
    const UDate now = icu::Calendar::getNow();
    for (const std::string& id : ids) {
        auto zone = create_zone(id);
        if (!zone) continue;
        UErrorCode status = U_ZERO_ERROR;
        icu::UnicodeString windows, golden;
        icu::TimeZone::getWindowsID(unicode(id), windows, status);
        if (U_SUCCESS(status) && !windows.isEmpty()) {
            lower_windows_[lower(utf8(windows))] = utf8(windows);
            icu::TimeZone::getIDForWindowsID(windows, "001", golden, status);
        }
        index_[id] = ids_.size();
        ids_.push_back(id);
        golden_.push_back(U_SUCCESS(status) && utf8(golden) == id);
        icu::UnicodeString metazone, reference;
        if (names) {
            names->getMetaZoneID(unicode(id), now, metazone);
            if (!metazone.isEmpty()) names->getReferenceZoneID(metazone, "001", reference);
        }
        reference_.push_back(!reference.isEmpty() && utf8(reference) == id);
        zones_.push_back(std::move(zone));
    }
    for_each_id(UCAL_ZONE_TYPE_ANY, [&](std::string id) {
        if (java_legacy(id)) return;
        UErrorCode status = U_ZERO_ERROR;
        icu::UnicodeString canon;
        UBool system = false;
        icu::TimeZone::getCanonicalID(unicode(id), canon, system, status);
        if (U_SUCCESS(status) && system) lower_ids_[lower(id)] = utf8(canon);
    });
}

std::optional<std::string> Catalog::canonical(std::string_view id) const {
    if (id.empty() || id.size() > 64 || java_legacy(id)) return std::nullopt;
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString canon;
    UBool system = false;
    icu::TimeZone::getCanonicalID(unicode(id), canon, system, status);
    if (U_SUCCESS(status) && system && utf8(canon) != kUnknown) return utf8(canon);
    if (auto it = lower_ids_.find(lower(id)); it != lower_ids_.end()) return it->second;
    return std::nullopt;
}

std::optional<std::string> Catalog::from_windows(std::string_view id) const {
    auto lookup = [](std::string_view windows) -> std::optional<std::string> {
        UErrorCode status = U_ZERO_ERROR;
        icu::UnicodeString zone;
        icu::TimeZone::getIDForWindowsID(unicode(windows), "001", zone, status);
        if (U_FAILURE(status) || zone.isEmpty()) return std::nullopt;
        return utf8(zone);
    };
    if (id.empty() || id.size() > 80) return std::nullopt;
    if (auto zone = lookup(id)) return zone;
    if (auto it = lower_windows_.find(lower(id)); it != lower_windows_.end())
        return lookup(it->second);
    return std::nullopt;
}

std::string Catalog::iana_spelling(const std::string& canonical_id) const {
    for (const auto& [cldr, iana] : kRenamed)
        if (cldr == canonical_id && canonical(iana) == canonical_id) return std::string(iana);
    return canonical_id;
}

std::optional<Transitions> Catalog::transitions(const std::string& id, std::int64_t start,
                                                std::int64_t end) const {
    auto zone = create_zone(id);  // a private object: no lock needed
    if (!zone) return std::nullopt;
    return zone_transitions(*zone, start, end);
}

std::optional<std::size_t> Catalog::index_of(std::string_view canonical_id) const {
    auto it = index_.find(canonical_id);
    if (it == index_.end()) return std::nullopt;
    return it->second;
}

std::vector<Catalog::Match> Catalog::matching(const Transitions& want, std::int64_t start,
                                              std::int64_t end, std::int64_t tolerance,
                                              const std::vector<std::size_t>* among) const {
    // A look at a few instants rejects most zones cheaply; an instant is only used when
    // no change of `want` lies within `tolerance` of it.
    std::vector<std::pair<std::int64_t, std::int32_t>> probes;
    for (int k = 0; k < 4; ++k) {
        const std::int64_t t = start + (end - start) * k / 4;
        bool clear = true;
        for (const Transition& c : want.changes) clear &= std::llabs(c.at - t) > tolerance;
        if (clear) probes.emplace_back(t, want.offset_at(t));
    }
    std::vector<Match> out;
    std::lock_guard lock(mu_);
    auto consider = [&](std::size_t i) {
        const icu::BasicTimeZone& zone = *zones_[i];
        for (const auto& [t, off] : probes)
            if (offset_of(zone, t) != off) return;
        const std::int64_t m = mismatch(zone_transitions(zone, start, end), want, start, end);
        if (m <= tolerance) out.push_back({i, m});
    };
    if (among) {
        for (std::size_t i : *among) consider(i);
    } else {
        for (std::size_t i = 0; i < zones_.size(); ++i) consider(i);
    }
    return out;
}

std::int32_t Catalog::standard_offset(std::size_t i, std::int64_t at) const {
    std::lock_guard lock(mu_);
    UErrorCode status = U_ZERO_ERROR;
    std::int32_t raw = 0, dst = 0;
    zones_[i]->getOffset(static_cast<UDate>(at) * 1000.0, false, raw, dst, status);
    return raw / 1000;
}

const Catalog::Names& Catalog::names() const {
    std::call_once(names_once_, [this] {
        auto n = std::make_unique<Names>();
        auto add = [&](const icu::UnicodeString& name, std::size_t i) {
            const std::string key = fold(utf8(name));
            if (key.empty()) return;
            auto& zones = n->named[key];
            if (std::find(zones.begin(), zones.end(), i) == zones.end()) zones.push_back(i);
        };
        auto add_abbreviation = [&](const icu::UnicodeString& name, std::size_t i) {
            std::string a = utf8(name);
            for (char& c : a) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            if (!a.empty()) n->abbreviations[a].insert(i);
        };
        // The city part of every id and alias: "Europe/Zagreb", "US/Eastern".
        for_each_id(UCAL_ZONE_TYPE_ANY, [&](std::string id) {
            auto canon = canonical(id);
            auto i = canon ? index_of(*canon) : std::nullopt;
            if (i) add(unicode(id.substr(id.rfind('/') + 1)), *i);
        });
        constexpr UTimeZoneNameType kLong[] = {UTZNM_LONG_GENERIC, UTZNM_LONG_STANDARD,
                                               UTZNM_LONG_DAYLIGHT};
        constexpr UTimeZoneNameType kShort[] = {UTZNM_SHORT_GENERIC, UTZNM_SHORT_STANDARD,
                                                UTZNM_SHORT_DAYLIGHT};
        std::vector<std::pair<icu::UnicodeString, std::size_t>> metazones;  // with reference zone
        for (const char* locale : kLocales) {
            UErrorCode status = U_ZERO_ERROR;
            std::unique_ptr<icu::TimeZoneNames> tzn(
                icu::TimeZoneNames::createInstance(icu::Locale(locale), status));
            if (!tzn || U_FAILURE(status)) continue;
            icu::UnicodeString name;
            for (std::size_t i = 0; i < ids_.size(); ++i) {
                const icu::UnicodeString id = unicode(ids_[i]);
                add(tzn->getExemplarLocationName(id, name), i);
                for (auto type : kLong) add(tzn->getTimeZoneDisplayName(id, type, name), i);
                for (auto type : kShort)
                    add_abbreviation(tzn->getTimeZoneDisplayName(id, type, name), i);
            }
            if (metazones.empty()) {
                std::unique_ptr<icu::StringEnumeration> mzs(tzn->getAvailableMetaZoneIDs(status));
                while (mzs && U_SUCCESS(status)) {
                    const icu::UnicodeString* mz = mzs->snext(status);
                    if (!mz) break;
                    icu::UnicodeString reference;
                    tzn->getReferenceZoneID(*mz, "001", reference);
                    auto canon = canonical(utf8(reference));
                    if (auto i = canon ? index_of(*canon) : std::nullopt) {
                        metazones.emplace_back(*mz, *i);
                        add(*mz, *i);  // "Brasilia", "America_Eastern"
                    }
                }
            }
            for (const auto& [mz, i] : metazones) {
                for (auto type : kLong) add(tzn->getMetaZoneDisplayName(mz, type, name), i);
                for (auto type : kShort)
                    add_abbreviation(tzn->getMetaZoneDisplayName(mz, type, name), i);
            }
        }
        names_ = std::move(n);
    });
    return *names_;
}

std::vector<std::size_t> Catalog::named(const std::string& folded) const {
    const Names& n = names();
    auto it = n.named.find(folded);
    return it == n.named.end() ? std::vector<std::size_t>{} : it->second;
}

std::optional<std::size_t> Catalog::abbreviation(std::string_view abbr) const {
    if (abbr.size() < 2 || abbr.size() > 6) return std::nullopt;
    std::string key;
    for (char c : abbr) {
        if (!std::isalpha(static_cast<unsigned char>(c))) return std::nullopt;
        key += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    const Names& n = names();
    auto it = n.abbreviations.find(key);
    if (it == n.abbreviations.end() || it->second.size() != 1) return std::nullopt;
    return *it->second.begin();
}

}  // namespace cis::ical::tz
