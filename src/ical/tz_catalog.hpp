#pragma once
// What ICU knows about zones, gathered once per process: the candidate zones for rule
// matching, Windows ids, and indexes of place names and abbreviations used as hints.
// ICU zone objects initialise their rules lazily and are not safe to share between
// threads, so every use of the catalog's own zone objects takes its mutex.
#include "ical/tz_transitions.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <unicode/uversion.h>

U_NAMESPACE_BEGIN
class BasicTimeZone;
U_NAMESPACE_END

namespace cis::ical::tz {

// A fresh ICU zone object for an id, owned by the caller; nullptr when ICU does not know it.
std::unique_ptr<icu::BasicTimeZone> create_zone(std::string_view id);

class Catalog {
  public:
    static const Catalog& get();
    ~Catalog();

    // An IANA id or link known to ICU ("Europe/Berlin", "US/Pacific", "Europe/Kyiv"; any
    // letter case) → its CLDR canonical id. Refuses the Java-era three-letter ids ICU also
    // accepts ("BST" would be Asia/Dhaka, "IST" Asia/Kolkata).
    std::optional<std::string> canonical(std::string_view id) const;
    // Windows id ("W. Europe Standard Time", any letter case) → canonical id of its
    // "001" (golden) zone, from CLDR's windowsZones via ICU.
    std::optional<std::string> from_windows(std::string_view id) const;
    // CLDR keeps some retired spellings as canonical ("Asia/Calcutta", "Europe/Kiev");
    // this returns tzdata's current spelling when ICU knows it as the same zone.
    std::string iana_spelling(const std::string& canonical_id) const;
    // Offsets of any zone ICU knows; empty when it does not know `id`.
    std::optional<Transitions> transitions(const std::string& id, std::int64_t start,
                                           std::int64_t end) const;

    // Candidate zones for rule matching: canonical location zones plus Etc/UTC and
    // Etc/GMT±N, sorted by id.
    std::size_t size() const { return ids_.size(); }
    const std::string& id(std::size_t i) const { return ids_[i]; }
    bool golden(std::size_t i) const { return golden_[i]; }  // "001" zone of a Windows id
    // The "001" reference zone of its CLDR metazone: New York for US Eastern time, not
    // Grand Turk; Paris for Central European time.
    bool reference(std::size_t i) const { return reference_[i]; }
    std::optional<std::size_t> index_of(std::string_view canonical_id) const;

    struct Match {
        std::size_t zone;
        std::int64_t mismatch;  // seconds of [start, end] with another offset
    };
    // Candidates (among `among`, or all) whose offsets over [start, end] differ from
    // `want` for at most `tolerance` seconds in all.
    std::vector<Match> matching(const Transitions& want, std::int64_t start, std::int64_t end,
                                std::int64_t tolerance,
                                const std::vector<std::size_t>* among = nullptr) const;
    std::int32_t standard_offset(std::size_t i, std::int64_t at) const;

    // Candidates a folded phrase (see fold()) names: a city in the id or an alias
    // ("US/Eastern" → "eastern"), ICU's exemplar city in several languages ("bruxelles"),
    // a zone's or metazone's long name ("eastern time", "brasilia" → the metazone's
    // reference zone). Built on first use.
    std::vector<std::size_t> named(const std::string& folded) const;
    // The candidate an abbreviation ("PST", "BRT") means when all the locales we index
    // agree on one; nullopt when unknown or ambiguous ("IST").
    std::optional<std::size_t> abbreviation(std::string_view abbr) const;

  private:
    Catalog();
    struct Names;
    const Names& names() const;

    std::vector<std::string> ids_;
    std::vector<bool> golden_, reference_;
    std::vector<std::unique_ptr<icu::BasicTimeZone>> zones_;
    std::map<std::string, std::size_t, std::less<>> index_;
    std::unordered_map<std::string, std::string> lower_ids_;      // "europe/berlin" → canonical
    std::unordered_map<std::string, std::string> lower_windows_;  // Windows id, lower → as is
    mutable std::mutex mu_;
    mutable std::once_flag names_once_;
    mutable std::unique_ptr<Names> names_;
};

}  // namespace cis::ical::tz
